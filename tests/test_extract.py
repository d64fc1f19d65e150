"""Extraction: golden pages with must / must-not snippets, and metadata rules."""

from datetime import UTC, date, datetime

import pytest

from tests.conftest import SAMPLES
from transforms.extract import clean_author, extract_page, normalise_language

NOW = datetime(2026, 1, 1, tzinfo=UTC)

GOLDEN = {
    "frontier-post-2025-11-09.html": {
        "must": [
            "Pakistan has accused the Afghan Taliban",
            "Gul Bahadur group",
            "“not considered a friend” of Islamabad.",
        ],
        "must_not": [
            "Accept all",
            "icon-twitter",
            "Read more",
            "Border crossings at Torkham reopen",
            "Same old story",
            "Gold price today",
            "Reproduction without permission",
            "Staff Report",
        ],
    },
    "islamabad-daily-2025-11-09.html": {
        "must": ["KEY POINTS", "Expectations and inaction", "the Foreign Office noted."],
        "must_not": ["Sun Nov 09 2025", "By News Desk", "Advertisement", "Related stories", "About us"],
    },
    "harbour-gazette-2025-03-14.html": {
        "must": ["Dock workers at the Port of Liverpool", "normal operations to resume by Monday"],
        "must_not": ["Sign up to our morning briefing", "Markets close higher", "Business Correspondent"],
    },
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_pages(name):
    page = extract_page((SAMPLES / name).read_text(encoding="utf-8"), name, now=NOW)
    for snippet in GOLDEN[name]["must"]:
        assert snippet in page["text"], snippet
    for snippet in GOLDEN[name]["must_not"]:
        assert snippet not in page["text"], snippet


def test_metadata_of_a_page_with_a_json_ld_graph():
    page = extract_page((SAMPLES / "harbour-gazette-2025-03-14.html").read_text(), "x", now=NOW)
    assert page["title"] == "Port workers end strike after pay deal with Northgate Shipping"
    assert page["author"] == "Eleanor Marsh"
    assert page["published_date"] == date(2025, 3, 14)
    assert page["published_at"] == datetime(2025, 3, 14, 18, 5, tzinfo=UTC)
    assert page["language"] == "en"
    assert page["url"] == "https://harbour-gazette.example/business/2025/03/14/port-strike-ends"
    assert page["source"] == "Harbour Gazette (sample)"


def test_language_is_detected_when_the_page_does_not_declare_it():
    page = extract_page((SAMPLES / "courrier-du-lac-2025-06-02.html").read_text(), "x", now=NOW)
    assert page["language"] == "fr"
    assert page["published_date"] == date(2025, 6, 2)


def test_date_from_meta_time_and_url_path():
    body = "<p>" + "The council met on Tuesday to discuss the new budget for schools. " * 4 + "</p>"
    timed = f'<html><body><article><time datetime="2024-02-29T08:00:00-05:00">x</time>{body}</article></body></html>'
    assert extract_page(timed, "x", now=NOW)["published_at"] == datetime(2024, 2, 29, 13, 0, tzinfo=UTC)
    in_url = f'<html><head><link rel="canonical" href="https://e.example/2023/07/04/story"></head><body><article>{body}</article></body></html>'
    assert extract_page(in_url, "x", now=NOW)["published_date"] == date(2023, 7, 4)


def test_future_dates_are_dropped():
    body = "<p>" + "The council met on Tuesday to discuss the new budget for schools. " * 4 + "</p>"
    page = f'<html><head><meta property="article:published_time" content="2099-01-01"></head><body><article>{body}</article></body></html>'
    assert extract_page(page, "x", now=NOW)["published_at"] is None


def test_a_placeholder_date_gives_way_to_the_date_the_page_shows():
    body = "<p>" + "The council met on Tuesday to discuss the new budget for schools. " * 4 + "</p>"
    page = (
        '<html><head><meta property="article:published_time" content="0001-01-01T00:00:00Z">'
        '<meta property="og:url" content="https://e.example/news/2023/07/04/story/"></head>'
        f"<body><article>{body}</article></body></html>"
    )
    assert extract_page(page, "x", now=NOW)["published_date"] == date(2023, 7, 4)


def test_pages_without_an_article_say_why():
    assert extract_page("<html><body><script>var x=1;</script></body></html>", "x", now=NOW)[
        "reason"
    ].startswith("no article text found")


@pytest.mark.parametrize(
    "byline,expected",
    [
        ("Staff Report", None),
        ("News Desk", None),
        ("By Jane Doe", "Jane Doe"),
        ("Web Desk", None),
        ("Jane Doe and John Roe", "Jane Doe; John Roe"),
        ("Reuters Staff", None),
        ("AFP Correspondent", None),
    ],
)
def test_bylines_name_people_not_desks(byline, expected):
    assert clean_author(byline) == expected


def test_language_tags_are_normalised():
    assert [normalise_language(t) for t in ("en-GB", "en_US", "EN", "", None, "x-klingon-1")] == [
        "en",
        "en",
        "en",
        None,
        None,
        None,
    ]


def test_the_text_outweighs_a_wrong_language_declaration():
    german = (
        "<p>"
        + "Die Digitalisierung ist ein Wachstumstreiber für die Krankenhäuser in Deutschland. " * 5
        + "</p>"
    )
    page = extract_page(f'<html lang="en"><body><article>{german}</article></body></html>', "x", now=NOW)
    assert page["language"] == "de"


def test_page_furniture_lines_are_removed_and_prose_that_looks_alike_is_kept():
    from transforms.extract import clean_body

    text = "\n".join(
        [
            "More than two decades ago, the probe found an ocean.",
            "Related: The 15 Weirdest Galaxies in Our Universe",
            "Also, we hope you enjoy the interview.",
            "Tempo de leitura: 2 minutos",
            "Subscribe to the Morning Review newsletter",
            "November 20, 2019 - 11:28 AMT",
            "Keith Bradsher contributed reporting from Hong Kong.",
            "Comments",
            "Eleven Fascinating Facts About Our Milky Way",
            "www.example.org",
        ]
    )
    kept = clean_body(
        text, None, frozenset({"eleven fascinating facts about our milky way", "www.example.org"})
    )
    assert kept.split("\n\n") == [
        "More than two decades ago, the probe found an ocean.",
        "Also, we hope you enjoy the interview.",
        "www.example.org",
    ]


def test_credits_and_printed_shortcodes_are_furniture_but_prose_with_a_copyright_sign_is_not():
    from transforms.extract import clean_body

    prose = (
        "The agency said the figures (© 2019 survey data, used under licence) show demand rose in every "
        "region it serves, and that it expects the trend to hold through the rest of next year at least."
    )
    text = "\n".join(
        [
            "The lamps hang in a sequence of interconnected forms.",
            "Jewels after Jewels, installation views, photos © Inexhibit, 2018",
            "Photo: Reuters",
            "[button link=”https://example.org/review/” type=”big”] Send us YOUR kit review[/button]",
            "Have a tip? Jo Bloggs may be reached at jo@example.org. Follow her on Twitter.",
            "Get the latest updates right in your inbox. Subscribe to Example’s newsletters.",
            "Pick Six Newsletter",
            "Minister furious at rival over protest jibe [INSIGHT]|",
            prose,
            "The newsletter, she said, had been read by thousands of people in the region over the years.",
        ]
    )
    assert clean_body(text, None).split("\n\n") == [
        "The lamps hang in a sequence of interconnected forms.",
        prose,
        "The newsletter, she said, had been read by thousands of people in the region over the years.",
    ]


PAGE_WITH_COMMENTS_AND_A_CARD = """<html><body><article>
<h1>Duvets and lungs</h1>
<p>HP, as the magazine very<!-- --> recently <span><a href="/a">explained</a></span>, is a complex and<!-- -->
rare condition that doctors rarely see, and it takes time to find.</p>
<p>A man was threatened by Rep. <span class="card"><a href="/people/x">Jane Roe</a><span class="pop">
<a href="/people/x">Jane Roe</a> <a href="/n/1">Senators call for a new security coordinator</a>
<a href="/n/2">Progressives oppose the stopgap funding measure</a></span></span> last year, the court heard
on Friday, and he pleaded guilty to the charges in full.</p>
<p>Doctors say the condition is treatable once <a href="/1">its</a> <a href="/2">cause</a> is
<a href="/3">known</a>, and most patients recover within weeks of removing the trigger from home.</p>
</article></body></html>"""


def test_text_after_html_comments_is_kept_and_link_cards_inside_paragraphs_are_dropped():
    text = extract_page(PAGE_WITH_COMMENTS_AND_A_CARD, "card.html", now=NOW)["text"]
    assert "recently explained, is a complex and rare condition" in " ".join(text.split())
    assert "threatened by Rep. Jane Roe last year, the court heard" in " ".join(text.split())
    assert "Senators call for" not in text and "stopgap" not in text
    # a paragraph that merely holds several links keeps them: its own words outnumber theirs
    assert "once its cause is known, and most patients recover" in " ".join(text.split())


# Metadata only the page's markup gives: a byline element, a date in the text, the site's name in
# the title, a one-word author meta tag (which trafilatura takes for a site name).
PAGE_WITHOUT_STRUCTURED_METADATA = """<html><head><title>Ferry fares rise again | Lakeside Courier</title>
<meta name="author" content="lakesidecourier"></head><body>
<header><a href="/">Lakeside Courier</a></header>
<article><h1>Ferry fares rise again</h1>
<p class="byline">By <span class="author">Maria Okafor</span></p>
<p class="date">Published 12 March 2024</p>
<p>The ferry company raised its fares for the second time this year on Monday, citing fuel costs,
and the council said it would ask the regulator to review the increase before the summer.</p>
</article></body></html>"""


def test_a_page_with_its_metadata_only_in_markup_gets_it_from_the_search():
    no_author_tag = PAGE_WITHOUT_STRUCTURED_METADATA.replace(
        '<meta name="author" content="lakesidecourier">', ""
    )
    page = extract_page(no_author_tag, "x", now=NOW)
    assert page["author"] == "Maria Okafor"
    assert page["published_date"] == date(2024, 3, 12)
    assert page["title"] == "Ferry fares rise again"


def test_a_page_of_agency_copy_says_which_agency_though_its_byline_names_no_person():
    page = (
        '<html><head><title>Ferry runs aground</title><meta name="author" content="Reuters Staff"></head>'
        "<body><article><h1>Ferry runs aground</h1><p>PORT ELLIS (Reuters) - A ferry carrying 300 "
        "passengers ran aground off the coast on Tuesday, the operator said, and all were brought "
        "ashore safely by the evening.</p><p>The operator said an inquiry would begin on Wednesday "
        "and that the ferry would be towed to the harbour once the tide turned.</p></article></body></html>"
    )
    extracted = extract_page(page, "x", now=NOW)
    assert extracted["author"] is None and extracted["wire_agency"] == "Reuters"
