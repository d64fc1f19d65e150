"""Finding input documents and reading their bytes, within the size limits."""

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


class InputError(Exception):
    """An input that cannot be used at all (the run stops before it starts)."""


@dataclass(frozen=True)
class RawDocument:
    """One input document: its bytes, or the reason it has none."""

    source_uri: str
    data: bytes | None
    reason: str | None = None
    header_charset: str | None = None


def is_page(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(PAGE_SUFFIXES)


def discover(inputs: list[str]) -> list[str]:
    """Every page named by the inputs (files, or folders searched recursively), sorted, each once."""
    found: set[str] = set()
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise InputError(f"no such input: {item}")
        if path.is_dir():
            found.update(str(p.resolve()) for p in path.rglob("*") if p.is_file() and is_page(p))
        elif path.is_file():
            found.add(str(path.resolve()))
        else:
            raise InputError(f"not a file or folder: {item}")
    return sorted(found)


def _read_gzip(path: Path, max_inflated: int) -> tuple[bytes | None, str | None]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = bytearray()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 16):
                out += inflater.decompress(chunk, max_inflated + 1 - len(out))
                if len(out) > max_inflated:
                    return None, f"inflates to more than {max_inflated // 2**20} MB (gzip bomb?)"
                while inflater.unconsumed_tail:
                    out += inflater.decompress(inflater.unconsumed_tail, max_inflated + 1 - len(out))
                    if len(out) > max_inflated:
                        return None, f"inflates to more than {max_inflated // 2**20} MB (gzip bomb?)"
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        return None, f"not a valid gzip file ({exc})"
    return bytes(out), None


def read_file(path_str: str, max_bytes: int, max_inflated: int) -> RawDocument:
    """A file's bytes, or why they cannot be had. Never raises for one bad file."""
    path = Path(path_str)
    uri = path.resolve().as_uri()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return RawDocument(uri, None, f"larger than {max_bytes // 2**20} MB ({size // 2**20} MB)")
        if path.name.lower().endswith(".gz"):
            data, reason = _read_gzip(path, max_inflated)
            if data is not None and len(data) > max_bytes:
                return RawDocument(uri, None, f"larger than {max_bytes // 2**20} MB once inflated")
            return RawDocument(uri, data, reason)
        return RawDocument(uri, path.read_bytes())
    except OSError as exc:
        return RawDocument(uri, None, f"cannot read file: {exc.strerror or exc}")
