"""Finding input documents and reading their bytes, within the size limits.

An input is a page file, a folder (searched recursively), an http(s) URL (a page, a feed or a
sitemap), a `.txt` list of URLs, or a `.warc`/`.warc.gz` archive. Each becomes document
references; each reference becomes one `document` row.
"""

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

from transforms.feeds import is_web_url, urls_in_list

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
LIST_SUFFIXES = (".txt",)
# Inputs read from local storage, whose bytes can be compared with the warehouse's without a fetch.
LOCAL_KINDS = frozenset({"file", "warc"})


def size_text(n: int) -> str:
    """A byte count as people say it: "10 MB", "200 KB"."""
    return f"{n // 2**20} MB" if n >= 2**20 else f"{max(1, n // 2**10)} KB"


class InputError(Exception):
    """An input that cannot be used at all (the run stops before it starts)."""


@dataclass(frozen=True)
class RawDocument:
    """One input document: its bytes, or the reason it has none."""

    source_uri: str
    data: bytes | None
    reason: str | None = None
    header_charset: str | None = None


@dataclass(frozen=True)
class DocumentRef:
    """Where one document comes from: a file, a URL, a WARC record, or raw bytes kept in the warehouse."""

    kind: str  # file | url | warc | raw | refused
    uri: str
    path: str | None = None
    offset: int | None = None
    reason: str | None = None  # for `refused`: why it is not followed


def is_page(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(PAGE_SUFFIXES)


def _warc_refs(path: Path) -> list[DocumentRef]:
    """One reference per HTML response record of a WARC file (offsets, so records are read lazily)."""
    from warcio.archiveiterator import ArchiveIterator

    refs = []
    try:
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                if record.rec_type != "response":
                    continue
                content_type = (
                    record.http_headers.get_header("Content-Type") if record.http_headers else ""
                ) or ""
                if "html" not in content_type.lower():
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI")
                refs.append(DocumentRef("warc", uri, str(path), records.get_record_offset()))
    except Exception as exc:  # warcio raises several kinds on a damaged archive
        raise InputError(f"cannot read WARC archive {path}: {exc}") from exc
    return refs


def discover(inputs: list[str]) -> list[DocumentRef]:
    """Every document the inputs name, each once, in a stable order (files sorted by path)."""
    files: set[str] = set()
    refs: list[DocumentRef] = []
    for item in inputs:
        if "://" in item:
            if not is_web_url(item):
                raise InputError(f"only http and https URLs are fetched: {item}")
            refs.append(DocumentRef("url", item))
            continue
        path = Path(item)
        if not path.exists():
            raise InputError(f"no such input: {item}")
        if path.is_dir():
            files.update(str(p.resolve()) for p in path.rglob("*") if p.is_file() and is_page(p))
        elif path.name.lower().endswith(WARC_SUFFIXES):
            refs.extend(_warc_refs(path))
        elif path.name.lower().endswith(LIST_SUFFIXES):
            urls, refused = urls_in_list(path.read_text(encoding="utf-8", errors="replace"))
            refs.extend(DocumentRef("url", u) for u in urls)
            refs.extend(
                DocumentRef("refused", line, reason="only http and https URLs are followed")
                for line in refused
            )
        elif path.is_file():
            files.add(str(path.resolve()))
        else:
            raise InputError(f"not a file or folder: {item}")
    file_refs = [DocumentRef("file", Path(f).as_uri(), f) for f in sorted(files)]
    seen, out = set(), []
    for ref in file_refs + refs:
        if ref.uri not in seen:
            seen.add(ref.uri)
            out.append(ref)
    return out


def _read_gzip(path: Path, max_inflated: int) -> tuple[bytes | None, str | None]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = bytearray()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 16):
                out += inflater.decompress(chunk, max_inflated + 1 - len(out))
                if len(out) > max_inflated:
                    return None, f"inflates to more than {size_text(max_inflated)} (gzip bomb?)"
                while inflater.unconsumed_tail:
                    out += inflater.decompress(inflater.unconsumed_tail, max_inflated + 1 - len(out))
                    if len(out) > max_inflated:
                        return None, f"inflates to more than {size_text(max_inflated)} (gzip bomb?)"
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
            return RawDocument(uri, None, f"larger than {size_text(max_bytes)} ({size_text(size)})")
        if path.name.lower().endswith(".gz"):
            data, reason = _read_gzip(path, max_inflated)
            if data is not None and len(data) > max_bytes:
                return RawDocument(uri, None, f"larger than {size_text(max_bytes)} once inflated")
            return RawDocument(uri, data, reason)
        return RawDocument(uri, path.read_bytes())
    except OSError as exc:
        return RawDocument(uri, None, f"cannot read file: {exc.strerror or exc}")


def read_local(ref: DocumentRef, max_bytes: int, max_inflated: int) -> RawDocument:
    """The bytes of a local input (a file or a WARC record), or why it has none."""
    if ref.kind == "file":
        return read_file(ref.path, max_bytes, max_inflated)
    if ref.kind == "warc":
        return read_warc_record(ref, max_bytes)
    raise ValueError(f"{ref.uri} is not a local input ({ref.kind})")


def read_warc_record(ref: DocumentRef, max_bytes: int) -> RawDocument:
    """The HTTP payload of one WARC response record."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with open(ref.path, "rb") as handle:
            handle.seek(ref.offset)
            record = next(iter(ArchiveIterator(handle)))
            data = record.content_stream().read(max_bytes + 1)
            if len(data) > max_bytes:
                return RawDocument(ref.uri, None, f"larger than {size_text(max_bytes)}")
            content_type = record.http_headers.get_header("Content-Type") or ""
            charset = (
                content_type.split("charset=", 1)[1].split(";")[0].strip()
                if "charset=" in content_type
                else None
            )
            return RawDocument(ref.uri, data, header_charset=charset)
    except Exception as exc:  # a damaged record is one rejected document, not a failed run
        return RawDocument(ref.uri, None, f"cannot read WARC record ({type(exc).__name__})")
