"""Wire copy: the agency a page credits, on composed datelines, bylines and sign-offs."""

import pytest

from transforms.wire import credited_in_byline, credited_in_dateline, credited_in_sign_off, wire_agency

AGENCIES = (("Associated Press", "AP", "The Associated Press"), ("Agence France-Presse", "AFP"))


@pytest.mark.parametrize(
    "text",
    [
        "RIVERTON, Ore. (AP) — A ferry ran aground on Tuesday.",
        "(AFP) - The harbour reopened after the storm.",
        "PORT ELLIS, Nov 19 (AFP) The harbour reopened after the storm.",
        "ST. ANNE, Md. (AP) -- Crews cleared the road.",
    ],
)
def test_a_dateline_credits_the_agency(text):
    assert credited_in_dateline(text, AGENCIES) in {"Associated Press", "Agence France-Presse"}


@pytest.mark.parametrize(
    "text",
    [
        "The ferry's operator (AP Lines) said the ship was safe.",  # a name in brackets, not a credit
        "The council voted on Tuesday (AP) — to close the pier.",  # a sentence, not a dateline
        "Officials told the Associated Press that the pier would close.",
        "According to AFP, the harbour reopened.",
    ],
)
def test_the_agency_named_in_the_story_credits_nothing(text):
    assert wire_agency(None, text, AGENCIES) is None


@pytest.mark.parametrize(
    "byline,agency",
    [
        ("The Associated Press", "Associated Press"),
        ("JANE ROE; AP Sports Writer", "Associated Press"),
        ("JANE ROE; MARK DOE Associated Press", "Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("Apolline Roe", None),  # the letters, not the word
        ("Jane Roe, Chief Correspondent", None),
        (None, None),
    ],
)
def test_a_byline_that_names_the_agency_credits_it(byline, agency):
    assert credited_in_byline(byline, AGENCIES) == agency


@pytest.mark.parametrize(
    "text,agency",
    [
        ("Ninety families returned home on Wednesday. AFP", "Agence France-Presse"),
        ("Ninety families returned home on Wednesday.\n\n(With inputs from AFP)", "Agence France-Presse"),
        ("The pier reopens in May.\n\n— AP", "Associated Press"),
        ("The pier reopens in May, a spokesman told AFP", None),  # the story's source, not its credit
        ("The Associated Press contributed to this report.", None),  # help with an outlet's own story
    ],
)
def test_a_closing_credit_names_the_agency(text, agency):
    assert credited_in_sign_off(text, AGENCIES) == agency


def test_the_lexicon_credits_the_agencies_of_the_dev_pages():
    assert wire_agency("Reuters", "Prices fell.") == "Reuters"
    assert wire_agency(None, "NEW DELHI, Nov 19 (PTI) Prices fell.") == "Press Trust of India"
    assert wire_agency("Jane Roe", "Prices fell on Monday.") is None
