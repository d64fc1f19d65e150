"""Relative and absolute dates against fixed publication dates: every weekday, month and year ends."""

from datetime import date, timedelta

import pytest

from transforms.dates import is_datable, resolve

# 2025-11-03 is a Monday; the week runs to Sunday 2025-11-09.
WEEK = [date(2025, 11, 3) + timedelta(days=i) for i in range(7)]


@pytest.mark.parametrize("published", WEEK, ids=lambda d: d.strftime("%A"))
def test_on_friday_is_the_last_friday_on_or_before_publication(published):
    got, granularity = resolve("on Friday", published)
    assert granularity == "day"
    assert got.weekday() == 4 and got <= published and (published - got).days < 7


@pytest.mark.parametrize("published", WEEK, ids=lambda d: d.strftime("%A"))
def test_every_weekday_name_against_every_publication_weekday(published):
    for name, number in [
        ("Monday", 0),
        ("Tuesday", 1),
        ("Wednesday", 2),
        ("Thursday", 3),
        ("Friday", 4),
        ("Saturday", 5),
        ("Sunday", 6),
    ]:
        got, _ = resolve(name, published)
        assert got.weekday() == number and 0 <= (published - got).days <= 6
        nxt, _ = resolve(f"next {name}", published)
        assert nxt.weekday() == number and 1 <= (nxt - published).days <= 7
        # "last Tuesday" is the Tuesday of the week before the publication week
        last, _ = resolve(f"last {name}", published)
        week_before = published - timedelta(days=published.weekday() + 7)
        assert last.weekday() == number and 0 <= (last - week_before).days <= 6


def test_sunday_on_a_sunday_page_is_that_day():
    assert resolve("Sunday", date(2025, 11, 9)) == (date(2025, 11, 9), "day")


@pytest.mark.parametrize(
    "published,expected",
    [
        (date(2025, 11, 9), date(2025, 10, 1)),
        (date(2025, 1, 1), date(2024, 12, 1)),  # year end
        (date(2025, 3, 31), date(2025, 2, 1)),  # month end
        (date(2024, 12, 31), date(2024, 11, 1)),
    ],
)
def test_last_month(published, expected):
    assert resolve("last month", published) == (expected, "month")


def test_weeks_and_years():
    sunday = date(2025, 11, 9)
    assert resolve("last week", sunday) == (date(2025, 10, 27), "week")
    assert resolve("this week", sunday) == (date(2025, 11, 3), "week")
    assert resolve("next year", date(2025, 12, 31)) == (date(2026, 1, 1), "year")
    assert resolve("last year", date(2025, 1, 1)) == (date(2024, 1, 1), "year")
    assert resolve("yesterday", date(2025, 1, 1)) == (date(2024, 12, 31), "day")
    assert resolve("two weeks ago", sunday) == (date(2025, 10, 20), "week")
    assert resolve("three days ago", date(2025, 3, 1)) == (date(2025, 2, 26), "day")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("7 November 2025", (date(2025, 11, 7), "day")),
        ("November 7, 2025", (date(2025, 11, 7), "day")),
        ("on 12 March 2025", (date(2025, 3, 12), "day")),
        ("August 2021", (date(2021, 8, 1), "month")),
        ("in August 2021", (date(2021, 8, 1), "month")),
        ("since 2021", (date(2021, 1, 1), "year")),
        ("2025-02-28", (date(2025, 2, 28), "day")),
    ],
)
def test_absolute_dates(text, expected):
    assert resolve(text, date(2025, 11, 9)) == expected
    assert resolve(text, None) == expected  # no publication date needed


def test_dates_without_a_year_take_the_nearest_year_before_publication():
    assert resolve("October 11", date(2025, 11, 9)) == (date(2025, 10, 11), "day")
    assert resolve("Jan. 5", date(2025, 11, 9)) == (date(2025, 1, 5), "day")
    assert resolve("December 28", date(2025, 1, 3)) == (date(2024, 12, 28), "day")  # across the year end
    assert resolve("January 10", date(2024, 12, 30)) == (date(2025, 1, 10), "day")  # soon after publication
    assert resolve("February 29", date(2024, 3, 5)) == (date(2024, 2, 29), "day")  # leap day


def test_no_publication_date_means_no_relative_resolution():
    for text in ("on Friday", "last month", "yesterday", "October 11", "next year"):
        assert resolve(text, None) == (None, None)


def test_words_that_are_not_dates():
    assert resolve("may", date(2025, 11, 9)) == (None, None)
    assert not is_datable("weeks")
    assert resolve("the talks", date(2025, 11, 9)) == (None, None)


def test_days_after_count_from_the_anchor_not_the_publication():
    anchor = date(2025, 10, 11)
    assert resolve("a day after", date(2025, 11, 9), anchor) == (date(2025, 10, 12), "day")
    assert resolve("two days later", date(2025, 11, 9), anchor) == (date(2025, 10, 13), "day")
    assert resolve("the day before", date(2025, 11, 9), anchor) == (date(2025, 10, 10), "day")
    assert resolve("a week later", None, date(2024, 12, 28)) == (date(2025, 1, 4), "day")
    assert resolve("a day after", date(2025, 11, 9), None) == (None, None)
