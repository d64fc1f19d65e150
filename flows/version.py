"""The pipeline version: a digest of everything that decides what a page yields.

A document counts as unchanged when its bytes and this version are the ones the warehouse holds,
so the version must change whenever the output can: the rules and their vocabulary
(`transforms/`, data files included), the NLP model adapter, the model and the libraries that
parse and extract, and the settings that change rows. A hand-bumped number was forgotten for
over a hundred commits; a digest cannot be.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

RELEASE = "0.1.0"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Source whose every byte can change the rows: paths relative to the project root.
OUTPUT_CODE = ("transforms", "nlp")
# Distributions whose version changes extraction or parsing.
OUTPUT_LIBRARIES = ("trafilatura", "htmldate", "spacy", "dateparser")
SKIPPED_PARTS = {"__pycache__"}


def code_digest(root: Path, paths: tuple[str, ...] = OUTPUT_CODE) -> str:
    """sha256 over the relative path and bytes of every file under `paths` (folders walked in
    sorted order, caches skipped): the same tree gives the same digest on any machine."""
    digest = hashlib.sha256()
    for relative in paths:
        base = root / relative
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if not path.is_file() or SKIPPED_PARTS & set(path.parts) or path.suffix == ".pyc":
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


def model_version(model_name: str) -> str:
    """The installed version of the spaCy model package `model_name` ("absent" if none)."""
    return installed(model_name.replace("_", "-"))


@lru_cache(maxsize=8)
def pipeline_version(spacy_model: str, max_text_chars: int) -> str:
    """`RELEASE+<digest>`: the release and the first 12 hex digits of a digest of the output
    code, the model and its version, the output libraries' versions and the output settings."""
    parts = [
        code_digest(PROJECT_ROOT),
        f"model={spacy_model}=={model_version(spacy_model)}",
        *(f"{name}=={installed(name)}" for name in OUTPUT_LIBRARIES),
        f"max_text_chars={max_text_chars}",
    ]
    return f"{RELEASE}+{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:12]}"


def settings_version(settings) -> str:
    """The pipeline version for a run with these `Settings`."""
    return pipeline_version(settings.spacy_model, settings.max_text_chars)
