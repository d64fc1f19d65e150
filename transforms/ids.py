"""Stable identifiers: the same input gives the same id in every run, batch size and worker."""

import hashlib


def stable_id(*parts: str, length: int = 16) -> str:
    """A short hex digest of the parts, joined with a separator no part contains."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def content_hash(data: bytes) -> str:
    """The SHA-256 of raw bytes, the key under which raw documents are kept."""
    return hashlib.sha256(data).hexdigest()
