"""Bytes to text: the page's real encoding, whatever it declares."""

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# C0 controls other than tab, newline and carriage return, and DEL: never part of an article.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def declared_charset(raw: bytes, header_charset: str | None = None) -> str | None:
    """The charset the HTTP header or the page's own meta tag names, if Python knows it."""
    candidates = [header_charset]
    match = _META_CHARSET.search(raw[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        if not name:
            continue
        try:
            return codecs.lookup(name.strip()).name
        except LookupError:
            continue
    return None


def decode_html(raw: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """The page as text and the encoding that produced it.

    Order of trust: a byte-order mark, then strict UTF-8 (a page that decodes as UTF-8 with
    non-ASCII bytes is UTF-8 whatever it declares: "latin-1" labels on UTF-8 pages are common),
    then the declared charset, then statistical detection. Control characters are dropped.
    """
    text, encoding = None, None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                text, encoding = raw.decode(name), name
            except UnicodeDecodeError:
                pass
            break
    if text is None:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if text is None:
        declared = declared_charset(raw, header_charset)
        # utf-16/32 without a BOM are declared by broken pages far more often than used
        if declared and not declared.startswith(("utf-16", "utf-32")):
            try:
                text, encoding = raw.decode(declared), declared
            except (UnicodeDecodeError, LookupError):
                pass
    if text is None:
        best = from_bytes(raw[:200_000]).best()
        if best is not None:
            encoding = best.encoding
            text = raw.decode(encoding, errors="replace")
        else:
            text, encoding = raw.decode("utf-8", errors="replace"), "utf-8"
    return _CONTROL.sub("", text), encoding


_NON_TEXT_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


def looks_binary(raw: bytes) -> bool:
    """True when the bytes are not text in any encoding: many control bytes and no byte-order mark."""
    head = raw[:8192]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return False
    control = sum(head.count(b) for b in _NON_TEXT_BYTES)
    return control / len(head) > 0.05
