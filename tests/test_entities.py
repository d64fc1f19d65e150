"""Entity resolution rules, each on sentences composed for it, including the over-merge cases."""

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.entities import acronym_definitions, entity_id_for, entity_tables, name_key, word_occurrences
from transforms.schemas import ARTICLE


def resolve(nlp, text: str, article_id: str = "a1") -> dict[str, set[str]]:
    """canonical name -> the mention texts resolved to it."""
    mentions, entities = analyse(nlp, [text], [article_id])
    names = dict(zip(entities["entity_id"], entities["name"], strict=True))
    out: dict[str, set[str]] = {}
    for row in mentions.iter_rows(named=True):
        out.setdefault(names[row["entity_id"]], set()).add(row["text"])
    return out


def analyse(nlp, texts, ids):
    rows = []
    for text, aid in zip(texts, ids, strict=True):
        row = dict.fromkeys(ARTICLE)
        row.update(
            article_id=aid,
            text=text,
            language="en",
            source_uri=aid,
            text_hash=aid,
            word_count=1,
            pipeline_version="t",
        )
        rows.append(row)
    articles = pl.DataFrame(rows, schema=ARTICLE)
    return entity_tables(articles, [nlp(t) for t in texts])


def test_titles_and_roles_are_stripped_from_people(nlp):
    got = resolve(
        nlp, "Interior Minister Rafael Ortega spoke in Lahore. Sen. Maria Lopez said the bill would pass."
    )
    assert "Rafael Ortega" in got and "Maria Lopez" in got
    assert not any("Minister" in name or "Sen" in name for name in got)


def test_surname_links_to_the_full_name(nlp):
    got = resolve(nlp, "Daniel Okafor runs the company. Later, Okafor said the deal was fair.")
    assert got["Daniel Okafor"] == {"Daniel Okafor", "Okafor"}


def test_acronym_definitions_both_ways():
    text = (
        "the banned Andean Liberation Front (ALF) and the ALF/JK (Andean Liberation Front) and "
        "the Northern Rivers Defence Army (NRDA)"
    )
    found = {(a, e) for a, _, _, e, _, _ in acronym_definitions(text)}
    assert ("ALF", "Andean Liberation Front") in found
    assert ("ALF/JK", "Andean Liberation Front") in found
    assert ("NRDA", "Northern Rivers Defence Army") in found


def test_acronyms_resolve_to_their_expansion_and_stay_apart_from_lookalikes(nlp):
    text = (
        "Peru asked the Shining Path to act against the Andean Liberation Front (ALF). "
        "Officials said the ALF had grown stronger, and the Path denied it."
    )
    got = resolve(nlp, text)
    assert {"ALF", "Andean Liberation Front"} <= got["Andean Liberation Front"]
    assert "Path" in got["Shining Path"]
    assert "Peru" in got and "Peru" not in got["Andean Liberation Front"]
    ids = {entity_id_for(n, "ORG") for n in ("Shining Path", "Andean Liberation Front")}
    assert len(ids) == 2


def test_spelling_variants_of_a_country_fold(nlp):
    got = resolve(
        nlp,
        "Talks were mediated by Turkiye. Turkey and Türkiye are one country.",
    )
    assert {"Turkiye", "Turkey", "Türkiye"} <= got["Türkiye"]


def test_roles_tagged_as_organisations_keep_the_organisation(nlp):
    # the model tags "Pakistan’s Foreign Office Spokesperson" as one ORG span here
    got = resolve(
        nlp,
        "LIMA: Peru’s Foreign Office Spokesperson said on Sunday that the Chilean Navy "
        "participated in talks.",
    )
    assert "Foreign Office" in got
    assert not any("Spokesperson" in name for name in got)
    assert "Peru" in got


def test_bullets_and_heading_words_are_not_entities(nlp):
    got = resolve(nlp, "KEY POINTS\n\n• Peru reiterated its demand.\n\n• The talks in Geneva ended.")
    assert "KEY" not in got and "KEY POINTS" not in got
    assert all("•" not in name for name in got)


def test_same_entity_same_id_in_every_article(nlp):
    mentions, entities = analyse(
        nlp,
        [
            "Rafael Ortega met officials in Geneva on Monday.",
            "In Geneva, Interior Minister Rafael Ortega said talks had ended.",
        ],
        ["a1", "a2"],
    )
    by_article = mentions.group_by("entity_id").agg(pl.col("article_id").n_unique())
    names = dict(zip(entities["entity_id"], entities["name"], strict=True))
    shared = {names[e] for e, n in by_article.iter_rows() if n == 2}
    assert {"Rafael Ortega", "Geneva"} <= shared


def test_offsets_slice_to_the_mention_text(nlp):
    text = "LIMA — Peru’s government accused the rebels, the ALF/JK (Andean Liberation Front) too."
    mentions, _ = analyse(nlp, [text], ["a1"])
    assert mentions.height > 0
    for row in mentions.iter_rows(named=True):
        assert text[row["start_char"] : row["end_char"]] == row["text"]


@pytest.mark.parametrize(
    "a,b",
    [
        ("the Shining Path's", "Shining Path"),
        ("Türkiye", "turkiye"),
    ],
)
def test_comparison_forms(a, b):
    assert name_key(a) == name_key(b)


def test_non_english_articles_get_no_entities(nlp):
    row = dict.fromkeys(ARTICLE)
    row.update(
        article_id="fr",
        text="Le président Macron a parlé à Paris.",
        language="fr",
        source_uri="x",
        text_hash="x",
        word_count=7,
        pipeline_version="t",
    )
    from transforms.analysis import analysed_tables

    tables = analysed_tables(pl.DataFrame([row], schema=ARTICLE), nlp)
    assert tables["entity_mention"].height == 0 and tables["claim"].height == 0


def test_lowercase_lead_words_and_trailing_numbers_are_not_part_of_names():
    from transforms.entities import _split_span

    text = "rookie Emil Bemstrom and C. Martinez 1"
    assert [text[s:e] for s, e, _ in _split_span(text, 0, 20, "PERSON")] == ["Emil Bemstrom"]
    assert [text[s:e] for s, e, _ in _split_span(text, 25, len(text), "PERSON")] == ["C. Martinez"]


def test_a_common_word_opening_a_sentence_is_not_a_name():
    from transforms.entities import _common_word_at_sentence_start

    text = "Schedule changes were announced. The new schedule starts Monday."
    assert _common_word_at_sentence_start(text, 0, 8, [0, 33])
    assert not _common_word_at_sentence_start("Apple said so. Apple is big.", 0, 5, [0, 15])


WORDISH = st.text(alphabet=st.sampled_from(list("ab- _éA1.’\n")), max_size=30)


@given(text=WORDISH, surface=WORDISH.filter(bool))
@settings(max_examples=400, deadline=None)
def test_word_occurrences_are_the_word_boundary_regex_matches(text, surface):
    pattern = rf"(?<![\w-]){re.escape(surface)}(?![\w-])"
    assert list(word_occurrences(text, surface)) == [m.span() for m in re.finditer(pattern, text)]


def mentions_in(text: str, spans: list[tuple[str, str]]) -> list:
    """Mentions of the given (surface, model label) pairs, at their first occurrence each."""
    return [at(text, surface, label) for surface, label in spans]


def test_a_facility_or_company_word_at_a_names_end_decides_its_type():
    from transforms.entities import _types_by_name_head

    text = "They played Harlow Arena, signed with Marlow Vance Productions, met at Pew Research Center."
    mentions = mentions_in(
        text,
        [("Harlow Arena", "ORG"), ("Marlow Vance Productions", "PERSON"), ("Pew Research Center", "ORG")],
    )
    _types_by_name_head(text, mentions)
    # a research "Center" the model called an organisation stays one
    assert [m.label for m in mentions] == ["FAC", "ORG", "ORG"]


def test_a_plural_name_after_the_is_a_team_in_every_mention():
    from transforms.entities import _teams_named_with_the

    text = "The Harriers beat the Colliers. Colliers fans left early. The Uzbeks watched."
    mentions = mentions_in(text, [("Harriers", "PERSON"), ("Colliers", "PERSON"), ("Uzbeks", "NORP")])
    mentions.append(at(text, "Colliers", "PERSON", 1))
    _teams_named_with_the(text, mentions)
    # a people after "the" is left to the demonym rule
    assert [m.label for m in mentions] == ["ORG", "ORG", "NORP", "ORG"]


def test_a_singular_name_written_twice_after_the_is_a_team_but_not_a_place():
    from transforms.entities import _teams_named_with_the

    text = (
        "The Storm led early, but the Storm faded. Kell scored for the Storm. The Gambia voted. Keane spoke."
    )
    mentions = [at(text, "Storm", "PERSON", i) for i in range(3)]
    mentions += [at(text, "Gambia", "GPE"), at(text, "Keane", "PERSON")]
    _teams_named_with_the(text, mentions)
    # a place with "the" is no person the model misread; a person never takes "the"
    assert [m.label for m in mentions] == ["ORG", "ORG", "ORG", "GPE", "PERSON"]


@pytest.mark.parametrize(
    ("text", "name", "label", "team"),
    [
        ("Harrow Rovers coach Dan Peel said the side was tired.", "Harrow Rovers", "PERSON", True),
        ("Kestrel's manager was sacked on Monday.", "Kestrel", "GPE", True),
        ("His first match in charge is away to Alder Vale on Saturday.", "Alder Vale", "GPE", True),
        ("They won 3-1 over the Ravens at home.", "Ravens", "PERSON", True),
        ("Ada Marsh had managed Corran Athletic for two years.", "Corran Athletic", "PERSON", True),
        ("He was sacked by Fenwick United in May.", "Fenwick United", "PERSON", True),
        # a country before a post is its national side; a bare city before one names the city
        ("England captain Joe Root batted first.", "England", "GPE", False),
        ("Pittsburgh quarterback Mason Rudolph was hit.", "Pittsburgh", "GPE", False),
        # the city opens a club's longer name, which is the team
        ("a 112-107 win over the Denver Nuggets", "Denver", "GPE", False),
        ("Ada Marsh told the reporter she was tired.", "Ada Marsh", "PERSON", False),
    ],
)
def test_a_team_is_known_by_its_people_and_its_matches(text, name, label, team):
    from transforms.entities import _teams_by_their_people_and_matches

    mentions = [at(text, name, label)]
    _teams_by_their_people_and_matches(text, mentions)
    assert (mentions[0].label == "ORG") is team


def test_a_person_a_teams_post_introduces_is_found(nlp):
    text = "Kestrels center Tomas Varga scored twice. Rovers' coach Dan Peel was pleased."
    names = resolve(nlp, text)
    assert "Tomas Varga" in names and "Dan Peel" in names


def test_a_name_in_a_list_of_names_of_one_kind_is_one_of_them():
    from transforms.entities import _names_listed_with_names

    text = "Executives from Norvane, Quell Systems, Brightwater-Lyle and others attended."
    mentions = mentions_in(text, [("Norvane", "ORG"), ("Quell Systems", "ORG")])
    found = _names_listed_with_names(text, mentions, [0])
    assert [(text[m.start : m.end], m.label) for m in found] == [("Brightwater-Lyle", "ORG")]
    # one name before it is no list
    assert _names_listed_with_names(text, mentions[1:], [0]) == []


def test_a_site_named_by_its_address_and_a_group_after_its_noun_are_organisations():
    from transforms.entities import _groups_named_after_their_noun, _sites_by_their_address

    text = "Sources told Ledgerline.info that a new group Parents for Safer Roads had formed."
    assert [text[m.start : m.end] for m in _sites_by_their_address(text, [0])] == ["Ledgerline.info"]
    assert [text[m.start : m.end] for m in _groups_named_after_their_noun(text, [0])] == [
        "Parents for Safer Roads"
    ]
    # a post after the noun opens a person's name, not the group's
    assert _groups_named_after_their_noun("the city council President Ada Vale spoke", [0]) == []
    assert _sites_by_their_address("mail ada@ledgerline.info or visit www.Ledgerline.info", [0]) == []


def test_a_surname_the_model_typed_an_organisation_is_the_person():
    from transforms.entities import _surnames_are_people

    text = "Julian Marsh was freed. Marsh said he would appeal."
    mentions = [at(text, "Julian Marsh", "PERSON"), at(text, "Marsh", "ORG", 1)]
    _surnames_are_people(text, mentions)
    assert mentions[-1].label == "PERSON"


def test_a_middle_initial_and_a_suffix_do_not_make_another_person(nlp):
    text = (
        "Samuel T. Okafor Jr. was sworn in on Monday. Later, Samuel Okafor told reporters the "
        "budget would pass. Okafor said he was confident."
    )
    mentions, entities = analyse(nlp, [text], ["a1"])
    people = entities.filter(entities["type"] == "PERSON")
    assert people.height == 1
    assert set(mentions["text"]) >= {"Samuel T. Okafor Jr.", "Samuel Okafor", "Okafor"}


def test_a_clipped_first_name_links_to_the_full_name_in_the_article(nlp):
    names = resolve(
        nlp, "Patricia Lindqvist opened the new clinic on Tuesday. Pat Lindqvist has run it since May."
    )
    assert {"Patricia Lindqvist", "Pat Lindqvist"} <= names["Patricia Lindqvist"]


def test_two_relatives_with_one_surname_stay_two_people(nlp):
    text = (
        "Maria Hoekstra and her brother Tomas Hoekstra run the bakery. Maria Hoekstra said sales rose, "
        "while Tomas Hoekstra said costs had doubled."
    )
    mentions, entities = analyse(nlp, [text], ["a1"])
    people = set(entities.filter(entities["type"] == "PERSON")["name"])
    assert {"Maria Hoekstra", "Tomas Hoekstra"} <= people


def test_the_abbreviated_country_keeps_its_stops_and_is_the_country(nlp):
    text = "The U.S. imposed new tariffs. Officials in the United States said the U.S. would not back down."
    mentions, entities = analyse(nlp, [text], ["a1"])
    countries = entities.filter(entities["type"] == "GPE")
    assert list(countries["name"]) == ["United States"]
    assert "U.S." in set(mentions["text"])


def test_an_undefined_acronym_is_the_organisation_of_the_article_it_abbreviates(nlp):
    names = resolve(
        nlp,
        "The Department of Transport published the figures on Monday. A DOT spokesman said the "
        "report would be reviewed. The European Union welcomed it, and the EU will respond.",
    )
    assert "DOT" in names["Department of Transport"]
    assert "EU" in names["European Union"]


def at(text: str, surface: str, label: str, nth: int = 0, source: str = "model"):
    """The `nth` occurrence of `surface` in `text` as a Mention the model gave `label`."""
    from transforms.entities import Mention

    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(start, start + len(surface), label, 0, source=source)


def test_a_place_that_speaks_is_a_person(nlp):
    from transforms.entities import _people_by_what_they_say

    text = "Dana Whitfield joined the board in May. Whitfield said the plan was sound. Portland said no."
    mentions = [
        at(text, "Dana Whitfield", "GPE"),
        at(text, "Whitfield", "GPE", 1),
        at(text, "Portland", "GPE"),
    ]
    _people_by_what_they_say(nlp(text), text, mentions)
    # a city that "says" is its government
    assert [m.label for m in mentions] == ["PERSON", "PERSON", "GPE"]


def test_a_team_or_a_capitals_position_before_a_person_is_not_the_persons_name():
    from transforms.entities import _teams_glued_to_people

    text = "The Harriers won. Harriers DL Jordan Hale was fined."
    mentions = [at(text, "Harriers", "ORG"), at(text, "Harriers DL Jordan Hale", "PERSON")]
    _teams_glued_to_people(text, mentions)
    assert text[mentions[1].start : mentions[1].end] == "Jordan Hale"


def test_a_one_word_name_after_in_is_a_place_unless_a_person_bears_it():
    from transforms.entities import _places_named_after_in

    text = "Farmers in Kadana protested. Kadana lies north. Officials near Lorne met Sam Lorne."
    mentions = [
        at(text, "Kadana", "PERSON"),
        at(text, "Kadana", "NORP", 1),
        at(text, "Lorne", "PERSON"),
        at(text, "Sam Lorne", "PERSON"),
    ]
    _places_named_after_in(text, mentions)
    assert [m.label for m in mentions] == ["GPE", "GPE", "PERSON", "PERSON"]


def test_spans_glued_across_a_verb_or_a_colon_are_split():
    from transforms.entities import _split_span

    text = "Then Garrett hit Rudolph. By Maya R. Osei: Dealing with it."
    spans = _split_span(text, text.index("Garrett"), text.index(" Rudolph") + 8, "ORG")
    assert [text[s:e] for s, e, _ in spans] == ["Garrett", "Rudolph"]
    spans = _split_span(text, text.index("Maya"), text.index("Dealing") + 7, "PERSON")
    assert [text[s:e] for s, e, _ in spans] == ["Maya R. Osei", "Dealing"]
    # titles may hold any word
    title = "They read Make your Move aloud."
    spans = _split_span(title, 10, 24, "WORK_OF_ART")
    assert [title[s:e] for s, e, _ in spans] == ["Make your Move"]


def test_a_role_word_that_ends_an_organisations_name_stays():
    from transforms.entities import _split_span

    text = "He spoke at the International Court of Justice and the Harbour Board Chairman office."
    spans = _split_span(text, text.index("International"), text.index(" and"), "ORG")
    assert [text[s:e] for s, e, _ in spans] == ["International Court of Justice"]


def test_a_group_named_with_and_without_its_group_noun_is_one_entity():
    from transforms.entities import _short_forms_to_full_names

    text = "The Red Lantern group struck. Red Lantern denied it. Red Sky paid."
    mentions = [
        at(text, "Red Lantern group", "ORG"),
        at(text, "Red Lantern", "ORG", 1),
        at(text, "Red Sky", "ORG"),
    ]
    for m in mentions:
        m.canonical = text[m.start : m.end]
    _short_forms_to_full_names(mentions)
    assert [m.canonical for m in mentions] == ["Red Lantern group", "Red Lantern group", "Red Sky"]


def test_a_known_longer_name_takes_the_place_of_its_part_the_model_read_alone():
    from transforms.entities import _with_repeated_names

    text = "The Northern League met. Later the Northern League spoke, and Northern Rail ran late."
    mentions = [
        at(text, "Northern League", "ORG"),
        at(text, "Northern", "NORP", 1),
        at(text, "Northern Rail", "ORG"),
    ]
    out = _with_repeated_names(text, mentions, [0])
    assert [(text[m.start : m.end], m.label) for m in out] == [
        ("Northern League", "ORG"),
        ("Northern League", "ORG"),
        ("Northern Rail", "ORG"),
    ]


def test_a_stance_and_a_capitalised_common_word_are_not_names(nlp):
    from transforms.entities import _a_word_the_parser_reads_as_common

    text = "Nationally, the anti-war vote rose. Televised debates helped. The Harriers won."
    doc = nlp(text)
    for word in ("Nationally", "Televised"):
        start = text.index(word)
        assert _a_word_the_parser_reads_as_common(doc, start, start + len(word), "PERSON"), word
    start = text.index("Harriers")
    assert not _a_word_the_parser_reads_as_common(doc, start, start + len("Harriers"), "ORG")
    names = resolve(nlp, "The pro-Western bloc met the Kenyan delegation in Nairobi.")
    assert "pro-Western" not in names


def test_an_office_named_after_a_role_keeps_its_possessive():
    from transforms.entities import _split_span

    text = "A lawyer for the Kent County Sheriff's Department declined to comment."
    start, end = text.index("Kent"), text.index(" declined")
    assert [text[s:e] for s, e, _ in _split_span(text, start, end, "ORG")] == [
        "Kent County Sheriff's Department"
    ]
    # a country's possessive still splits off: the office is the country's, not its name
    text = "Norway's Foreign Office said nothing."
    spans = _split_span(text, 0, text.index(" said"), "ORG")
    assert [text[s:e] for s, e, _ in spans] == ["Norway", "Foreign Office"]


def test_a_roles_possessive_span_is_joined_to_the_office_after_it(nlp):
    text = "The appeal will be heard at Leeds Magistrate's Court next month, his lawyer said."
    got = resolve(nlp, text)
    assert "Leeds Magistrate's Court" in got
    assert "Court" not in got


def test_the_models_two_spans_of_one_office_are_rejoined():
    from collections import namedtuple

    from transforms.entities import _offices_rejoined

    Span = namedtuple("Span", "start_char end_char label_")
    text = "It sat at Leeds Magistrate's Court in May and at Mark's Court never."
    first, court = text.index("Leeds"), text.index("Court")
    mark = text.index("Mark")
    ents = [
        Span(first, court - 1, "ORG"),
        Span(court, court + 5, "ORG"),
        Span(mark, mark + 6, "PERSON"),
        Span(mark + 7, mark + 12, "ORG"),
    ]
    assert [text[s:e] for s, e, _ in _offices_rejoined(ents, text)] == [
        "Leeds Magistrate's Court",
        "Mark's",  # a person's possessive is no office
        "Court",
    ]


def test_a_wire_datelines_place_is_one_place_in_the_articles_casing():
    from transforms.entities import _dateline_place, _datelines_cased_as_the_article

    text = "PORT ELLEN, Scotland (AP) — The ferry was late again on Monday."
    (place,) = _dateline_place(text)
    assert (text[place.start : place.end], place.label) == ("PORT ELLEN", "GPE")
    place.canonical = "PORT ELLEN"
    _datelines_cased_as_the_article([place])
    assert place.canonical == "Port Ellen"
    # a shouted opener is no dateline: no region, no agency, no known city
    assert _dateline_place("BREAKING — The ferry was late again.") == []
    assert _dateline_place("The ferry, said the crew — was late.") == []


def test_a_leading_title_word_stays_when_the_name_ends_in_an_organisations_head():
    from transforms.entities import _split_span

    text = "The General Assembly and the Premier League met. Spokesperson Harbour Board said no."
    for name in ("General Assembly", "Premier League"):
        start = text.index(name)
        spans = _split_span(text, start, start + len(name), "ORG")
        assert [text[s:e] for s, e, _ in spans] == [name]
    # without such a head, a leading role on an organisation's span is still a mis-span
    start = text.index("Spokesperson")
    spans = _split_span(text, start, text.index(" said"), "ORG")
    assert [text[s:e] for s, e, _ in spans] == ["Harbour Board"]


def test_a_name_after_a_persons_age_and_from_is_where_they_come_from():
    from transforms.entities import _home_towns_after_an_age

    text = "Ana Ruiz, 24, from Galdor’s Vennick, said so. Tom Hale, 31, of Marrow agreed. A note from Pell."
    mentions = mentions_in(
        text,
        [("Ana Ruiz", "PERSON"), ("Galdor", "PERSON"), ("Vennick", "PERSON"), ("Tom Hale", "PERSON")]
        + [("Marrow", "PERSON"), ("Pell", "PERSON")],
    )
    _home_towns_after_an_age(text, mentions)
    # the region and its town, and the town after "of"; "a note from Pell" names no place
    assert [m.label for m in mentions] == ["PERSON", "GPE", "GPE", "PERSON", "GPE", "PERSON"]


def test_a_kind_noun_after_a_name_says_what_it_is():
    from transforms.entities import _things_named_by_their_kind

    text = (
        "He flew into the Lisbon airport and sought refuge in the Chilean embassy. He was held at "
        "Varrow prison and later at HMP Varrow, then saw a play at the Calder Vale theater."
    )
    mentions = mentions_in(
        text,
        [("Lisbon", "GPE"), ("Chilean", "NORP"), ("Varrow", "GPE"), ("Varrow", "GPE"), ("Calder", "GPE")],
    )
    mentions[3] = at(text, "Varrow", "GPE", 1)
    _things_named_by_their_kind(text, mentions)
    got = [(text[m.start : m.end], m.label) for m in mentions]
    # a place's airport is a facility of its own; a name before "prison" is the prison, in every
    # mention; the name the model cut short ("Calder") is taken in whole
    assert got == [
        ("Lisbon airport", "FAC"),
        ("Chilean embassy", "FAC"),
        ("Varrow", "FAC"),
        ("Varrow", "FAC"),
        ("Calder Vale", "FAC"),
    ]


def test_an_event_noun_makes_an_event_only_after_its_organiser():
    from transforms.entities import _things_named_by_their_kind

    text = (
        "Northgate's Brightline conference opened. At Brightline, the G20 conference met. Brightline ended."
    )
    mentions = mentions_in(text, [("Northgate", "ORG"), ("Brightline", "ORG"), ("G20", "ORG")])
    mentions += [at(text, "Brightline", "ORG", 1), at(text, "Brightline", "ORG", 2)]
    _things_named_by_their_kind(text, mentions)
    assert [m.label for m in mentions] == ["ORG", "EVENT", "ORG", "EVENT", "EVENT"]


def test_a_gerund_opening_the_sentence_is_not_part_of_a_persons_name():
    from transforms.entities import _gerunds_glued_to_names

    text = (
        "Ana Ruiz spoke first. Hosting Ruiz was an honour, he said. Irving Berlin wrote it; Berlin said so."
    )
    mentions = mentions_in(
        text,
        [
            ("Ana Ruiz", "PERSON"),
            ("Hosting Ruiz", "PERSON"),
            ("Irving Berlin", "PERSON"),
            ("Berlin", "PERSON"),
        ],
    )
    _gerunds_glued_to_names(text, mentions)
    assert [text[m.start : m.end] for m in mentions] == ["Ana Ruiz", "Ruiz", "Irving Berlin", "Berlin"]
