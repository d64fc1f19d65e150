"""Temporal expressions resolved against the publication date.

Absolute: "7 November 2025", "November 7, 2025", "October 11", "Jan. 5", "August 2021", "2021".
Relative: weekdays ("on Friday" is the last Friday on or before the publication day; "next
Friday" the first after it), "today"/"yesterday"/"tomorrow", "last/this/next week|month|year",
"N days/weeks/months/years ago", "earlier this month", "since 2021". A date without a year takes
the year that puts it nearest before the publication day (up to a month after it).
Without a publication date nothing relative is resolved. The result is the first day of the
period the words name, with its granularity: day, week, month or year.

The direction the text gives (its tense and modality, read by the caller) decides which way an
expression that could go either way is resolved: in a November article "a hearing is scheduled
for February" is the next February and "on Saturday, his first match will be" the coming
Saturday, while "in December, the firm bid" is the December before. "last Tuesday" is the
Tuesday of the week before the publication week; "in three days" counts forward.
"""

import re
from datetime import date, timedelta
from typing import Literal

# "present" is the news present ("the teams meet again on Friday"): ahead for a weekday or "in
# three days", otherwise as unknown ("the dispute dates back to October 11")
Direction = Literal["past", "future", "present", "unknown"]

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

_M = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = [
    ("day", re.compile(rf"\b{_D}\s+(?:of\s+)?{_M},?\s+{_Y}\b", re.I)),
    ("day", re.compile(rf"\b{_M}\s+{_D},?\s+{_Y}\b", re.I)),
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day_noyear", re.compile(rf"\b{_D}\s+(?:of\s+)?{_M}\b", re.I)),
    ("day_noyear", re.compile(rf"\b{_M}\s+{_D}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)", re.I)),
    ("month", re.compile(rf"\b{_M},?\s+{_Y}\b", re.I)),
    ("year", re.compile(rf"\b(?:in|since|by|of|from|until|before|after)?\s*{_Y}\b(?!\s*-)", re.I)),
]
_RELATIVE_UNIT = re.compile(
    r"\b(?P<which>last|this|next|past|previous|coming|earlier this|later this)\s+(?P<unit>week|month|year)\b",
    re.I,
)
_AGO = re.compile(
    r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|month|year)s?\s+ago\b",
    re.I,
)
_WEEKDAY = re.compile(
    r"\b(?P<which>last|next|this|on|on last|on next)?\s*(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
_DEICTIC = re.compile(
    r"\b(?P<word>today|yesterday|tomorrow|tonight|last night|tomorrow night|this morning)\b", re.I
)
_DEICTIC_OFFSET = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "tomorrow night": 1,
}
_MONTH_ALONE = re.compile(
    rf"\b(?P<which>in|since|by|early|late|mid|earlier in|last|next|for|until|"
    rf"(?:the\s+)?(?:end|beginning|start|middle) of)\s+-?\s*{_M}\b(?!\s+[0-3]?\d)",
    re.I,
)
# "in three days", "within two weeks": forward from publication, read only where the text speaks of
# what is to come ("the first time in two years" is a span of time, not a day)
_IN_N = re.compile(
    r"\b(?:in|within)\s+(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?P<unit>day|week|month|year)s?(?:'|’)?(?:\s+time)?\b",
    re.I,
)


def _month_start(d: date, offset: int = 0) -> date:
    month = d.month - 1 + offset
    return date(d.year + month // 12, month % 12 + 1, 1)


def _nearest_year(month: int, day: int, published: date) -> date | None:
    """The date with that month and day nearest before `published` (or within a month after it)."""
    for year in (published.year, published.year - 1, published.year + 1):
        try:
            candidate = date(year, month, day)
            if published - timedelta(days=335) <= candidate <= published + timedelta(days=31):
                return candidate
        except (ValueError, OverflowError):
            continue
    try:
        return date(published.year, month, day)
    except ValueError:
        return None


_AFTER_ANCHOR = re.compile(
    r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>day|week)s?\s+"
    r"(?P<dir>after|later|before|earlier)\b",
    re.I,
)
_NEXT_DAY = re.compile(
    r"\bthe\s+(?P<which>next|following|previous|preceding)\s+day\b|\bthe\s+day\s+(?P<dir>before|after)\b",
    re.I,
)


def resolve(
    expression: str,
    published: date | None,
    anchor: date | None = None,
    direction: Direction = "unknown",
) -> tuple[date | None, str | None]:
    """The first day of the period an expression names, and its granularity; (None, None) when
    the words name no date or need a publication date that is missing.

    "a day after", "two days later", "the next day" count from `anchor`, the last day the article
    dated before (an event's own date, not the publication day); without one they stay unresolved.
    `direction` is whether the text speaks of the past or of what is to come.
    """
    try:
        relative = _from_anchor(expression, anchor)
        if relative is not None:
            return relative
        return _resolve(expression, published, direction)
    except (ValueError, OverflowError):
        return None, None


def _from_anchor(expression: str, anchor: date | None) -> tuple[date | None, str | None] | None:
    m = _AFTER_ANCHOR.search(expression)
    if m:
        if anchor is None:
            return None, None
        raw = m.group("n").lower()
        n = int(raw) if raw.isdigit() else NUMBERS.get(raw, 1)
        days = n * (7 if m.group("unit").lower() == "week" else 1)
        sign = 1 if m.group("dir").lower() in ("after", "later") else -1
        return anchor + timedelta(days=sign * days), "day"
    m = _NEXT_DAY.search(expression)
    if m:
        if anchor is None:
            return None, None
        word = (m.group("which") or m.group("dir") or "").lower()
        return anchor + timedelta(days=1 if word in ("next", "following", "after") else -1), "day"
    return None


def _day_without_year(month: int, day: int, published: date, direction: Direction) -> date | None:
    """A month and day in the year the direction puts it: on or after publication for what is to
    come, on or before it for the past, else the nearest before it (up to a month after)."""
    if direction in ("unknown", "present"):
        return _nearest_year(month, day, published)
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if direction == "future" and candidate >= published:
            return candidate
        if direction == "past" and candidate <= published and date(year + 1, month, min(day, 28)) > published:
            return candidate
    return None


def _month_year(month: int, published: date, direction: Direction) -> int:
    """The year of a month named alone: the coming one for the future, the last one for the past,
    else this year's unless that is over a month ahead."""
    if direction == "future":
        return published.year if month >= published.month else published.year + 1
    if direction == "past":
        return published.year if month <= published.month else published.year - 1
    return published.year if month <= published.month + 1 else published.year - 1


def _weekday(which: str, target: int, published: date, direction: Direction) -> date:
    """A weekday: "next X" and a weekday spoken of as to come are the first one after
    publication; "last X" the one of the week before the publication week; else the last one on
    or before publication."""
    if "next" in which or (direction in ("future", "present") and "last" not in which):
        ahead = (target - published.weekday()) % 7
        if "next" in which and ahead == 0:
            ahead = 7
        return published + timedelta(days=ahead)
    if "last" in which:
        monday = published - timedelta(days=published.weekday())
        return monday - timedelta(weeks=1) + timedelta(days=target)
    return published - timedelta(days=(published.weekday() - target) % 7)


def _resolve(expression: str, published: date | None, direction: Direction) -> tuple[date | None, str | None]:
    text = expression.strip()
    if published is not None and not (1800 <= published.year <= 9000):
        published = None
    for kind, pattern in _PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        month = groups.get("month")
        month_num = (
            (int(month) if month and month.isdigit() else MONTHS.get(month.lower().rstrip("."), 0))
            if month
            else 0
        )
        try:
            if kind in ("day", "iso"):
                return date(int(groups["year"]), month_num, int(groups["day"])), "day"
            if kind == "day_noyear":
                if published is None:
                    return None, None
                resolved = _day_without_year(month_num, int(groups["day"]), published, direction)
                return (resolved, "day") if resolved else (None, None)
            if kind == "month":
                return date(int(groups["year"]), month_num, 1), "month"
            if kind == "year":
                return date(int(groups["year"]), 1, 1), "year"
        except (ValueError, TypeError):
            continue
    if published is None:
        return None, None
    m = _DEICTIC.search(text)
    if m:
        offset = _DEICTIC_OFFSET[" ".join(m.group("word").lower().split())]
        return published + timedelta(days=offset), "day"
    m = _IN_N.search(text) if direction in ("future", "present") else None
    if m:
        raw = m.group("n").lower()
        n = int(raw) if raw.isdigit() else NUMBERS.get(raw, 1)
        unit = m.group("unit").lower()
        if unit in ("day", "week"):
            return published + timedelta(
                days=n * (7 if unit == "week" else 1)
            ), "day" if unit == "day" else "week"
        if unit == "month":
            return _month_start(published, n), "month"
        return date(published.year + n, 1, 1), "year"
    m = _AGO.search(text)
    if m:
        raw = m.group("n").lower()
        n = int(raw) if raw.isdigit() else NUMBERS.get(raw, 1)
        unit = m.group("unit").lower()
        if unit == "day":
            return published - timedelta(days=n), "day"
        if unit == "week":
            start = published - timedelta(weeks=n)
            return start - timedelta(days=start.weekday()), "week"
        if unit == "month":
            return _month_start(published, -n), "month"
        return date(published.year - n, 1, 1), "year"
    m = _RELATIVE_UNIT.search(text)
    if m:
        which = m.group("which").lower()
        step = {
            "last": -1,
            "past": -1,
            "previous": -1,
            "this": 0,
            "earlier this": 0,
            "later this": 0,
            "next": 1,
            "coming": 1,
        }[which]
        unit = m.group("unit").lower()
        if unit == "week":
            monday = published - timedelta(days=published.weekday())
            return monday + timedelta(weeks=step), "week"
        if unit == "month":
            return _month_start(published, step), "month"
        return date(published.year + step, 1, 1), "year"
    m = _WEEKDAY.search(text)
    if m:
        target = WEEKDAYS[m.group("weekday").lower()]
        return _weekday((m.group("which") or "").lower(), target, published, direction), "day"
    m = _MONTH_ALONE.search(text)
    if m:
        month_num = MONTHS[m.group("month").lower().rstrip(".")]
        which = m.group("which").lower()
        if which == "next":
            direction = "future"
        elif which in ("last", "since", "earlier in"):
            direction = "past"
        return date(_month_year(month_num, published, direction), month_num, 1), "month"
    return None, None


# Words spaCy's DATE spans hold that name no date at all ("weeks", "the two countries' decades").
_NOT_A_DATE = re.compile(
    r"^(?:weeks|days|months|years|decades|hours|the past|recent|some time|years of|the time)$", re.I
)


def is_datable(expression: str) -> bool:
    """False for duration words that name no point in time."""
    return not _NOT_A_DATE.match(expression.strip())
