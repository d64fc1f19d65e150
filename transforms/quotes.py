"""Quotations in an article's text: where each opens and closes, and the paragraphs around them.

News typography continues a quotation over several paragraphs by leaving it open at the end of
one and opening the next with a quote mark; a quotation left open otherwise ends with its
paragraph, so one stray mark cannot swallow the text after it.
"""

import bisect
import re

OPEN = "“„«"
CLOSE = "”»"
QUOTE_CHARS = '"“”„«»'
# what ends a spoken sentence inside its closing mark: a pull-quote or a sub-heading has none
_SPOKEN_END = re.compile(r"[.?!…]\s*[" + re.escape(QUOTE_CHARS) + r"]$")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of the text."""
    spans, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _opens_with_mark(text: str, start: int, end: int, marks: str) -> int | None:
    """The offset of the quote mark a paragraph opens with, if it does."""
    stripped = text[start:end].lstrip()
    if stripped[:1] and stripped[0] in marks:
        return start + (end - start - len(stripped))
    return None


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, marks included: curly marks pair by direction, straight ones in
    turn; a quotation open at a paragraph's end goes on into the next paragraph when that one
    opens with a quote mark, and ends with its own paragraph otherwise. A straight mark closes an
    open curly quotation (“…," as some pages mix them)."""
    regions: list[tuple[int, int]] = []
    curly: int | None = None  # where the open curly quotation began
    straight: int | None = None
    previous_end = 0
    for start, end in paragraphs(text):
        skip = set()
        if curly is not None:
            mark = _opens_with_mark(text, start, end, OPEN)
            if mark is None:
                regions.append((curly, previous_end))
                curly = None
            else:
                skip.add(mark)  # the continuation mark of the open quotation
        if straight is not None:
            mark = _opens_with_mark(text, start, end, '"')
            if mark is None:
                regions.append((straight, previous_end))
                straight = None
            else:
                skip.add(mark)
        for i in range(start, end):
            ch = text[i]
            if i in skip:
                continue
            if text.startswith("‘‘", i) and curly is None:
                curly = i  # two single marks for a double one
            elif text.startswith("’’", i) and curly is not None:
                regions.append((curly, i + 2))
                curly = None
                skip.add(i + 1)
            elif ch in OPEN and curly is None:
                curly = i
            elif ch in CLOSE and curly is not None:
                regions.append((curly, i + 1))
                curly = None
            elif ch == '"' and curly is not None and straight is None:
                regions.append((curly, i + 1))  # a curly quotation closed by a straight mark
                curly = None
            elif ch == '"':
                if straight is None:
                    straight = i
                else:
                    regions.append((straight, i + 1))
                    straight = None
        previous_end = end
    for left_open in (curly, straight):
        if left_open is not None:
            regions.append((left_open, previous_end))
    return sorted(regions)


def is_spoken(text: str, start: int, end: int) -> bool:
    """True when the quotation ends as speech does, with a full stop, question or exclamation
    mark inside its closing mark (a sub-heading in quote marks has none)."""
    return bool(_SPOKEN_END.search(text[start:end].rstrip()))


def paragraph_at(spans: list[tuple[int, int]], offset: int) -> int:
    """The index of the paragraph holding the offset (or the last one before it)."""
    return max(0, bisect.bisect_right(spans, (offset, float("inf"))) - 1)
