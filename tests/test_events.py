"""Events: PLOVER types, dates owned by the event they modify, one event per happening."""

from datetime import date

from tests.conftest import one_article
from transforms.analysis import analysed_tables
from transforms.events import PLOVER_TYPES, TRIGGERS, _entities_by_sentence, date_direction


def events_of(nlp, text: str, published=date(2025, 11, 9)) -> list[dict]:
    tables = analysed_tables(one_article(text, published_date=published), nlp)
    names = dict(zip(tables["entity"]["entity_id"], tables["entity"]["name"], strict=True))
    out = []
    for e in tables["event"].to_dicts():
        e["actor"], e["target"], e["location"] = (
            names.get(e["actor_entity_id"]),
            names.get(e["target_entity_id"]),
            names.get(e["location_entity_id"]),
        )
        out.append(e)
    return out


def by_trigger(events, word):
    hits = [e for e in events if e["trigger"].lower().startswith(word)]
    assert hits, f"no {word!r} event in {[e['trigger'] for e in events]}"
    return hits


def test_lexicon_types_are_plover():
    assert set(TRIGGERS.values()) <= set(PLOVER_TYPES)
    assert (
        TRIGGERS["ceasefire"] == "AGREE" and TRIGGERS["talks"] == "CONSULT" and TRIGGERS["arrest"] == "COERCE"
    )
    assert (
        TRIGGERS["skirmish"] == "ASSAULT" and TRIGGERS["plea"] == "OTHER" and TRIGGERS["refuse"] == "REJECT"
    )


def test_a_date_belongs_to_the_event_it_modifies(nlp):
    events = events_of(
        nlp, "Following deadly border clashes last month, the two sides met for talks in Doha."
    )
    clash = by_trigger(events, "clash")[0]
    assert clash["event_type"] == "ASSAULT" and clash["event_date"] == date(2025, 10, 1)
    assert clash["date_granularity"] == "month" and clash["date_text"] == "last month"
    assert all(e["event_date"] is None for e in by_trigger(events, "talks"))


def test_a_date_with_a_when_clause_goes_to_the_event_in_it(nlp):
    events = events_of(
        nlp, "The dispute dates back to October 11, when a cross-border attack triggered skirmishes."
    )
    attack = by_trigger(events, "attack")[0]
    assert attack["event_date"] == date(2025, 10, 11) and attack["date_granularity"] == "day"


def test_a_date_before_its_event_noun(nlp):
    events = events_of(nlp, "An October 15 ceasefire temporarily eased tensions.")
    assert by_trigger(events, "ceasefire")[0]["event_date"] == date(2025, 10, 15)


def test_relative_day_resolves_against_publication(nlp):
    events = events_of(nlp, "On Friday, the talks collapsed in Geneva.")
    dated = [e for e in events if e["event_date"] is not None]
    assert dated and all(e["event_date"] == date(2025, 11, 7) for e in dated)


def test_no_publication_date_keeps_the_words_only(nlp):
    events = events_of(nlp, "On Friday, police arrested two men in Leeds.", published=None)
    arrest = by_trigger(events, "arrest")[0]
    assert (
        arrest["event_type"] == "COERCE"
        and arrest["event_date"] is None
        and arrest["date_text"] == "On Friday"
    )


def test_actor_target_and_location(nlp):
    events = events_of(nlp, "Russia attacked Ukraine near Kharkiv on Monday.")
    attack = by_trigger(events, "attack")[0]
    assert attack["actor"] == "Russia" and attack["target"] == "Ukraine" and attack["location"] == "Kharkiv"


def test_one_event_per_happening(nlp):
    text = (
        "The ceasefire held on Sunday. Officials praised the ceasefire. "
        "The ceasefire was the first in a year. The ceasefire held on Sunday."
    )
    ceasefires = by_trigger(events_of(nlp, text), "ceasefire")
    dates = [e["event_date"] for e in ceasefires]
    assert len(dates) == len(set(dates))


def test_labour_strike_is_a_protest_and_air_strike_an_assault(nlp):
    assert (
        by_trigger(events_of(nlp, "Dock workers ended a nine-day strike."), "strike")[0]["event_type"]
        == "PROTEST"
    )
    assert (
        by_trigger(events_of(nlp, "The army carried out air strikes on militant camps."), "strike")[0][
            "event_type"
        ]
        == "ASSAULT"
    )


def test_according_to_is_not_an_agreement(nlp):
    events = events_of(nlp, "According to the ministry, the bridge reopened on Tuesday.")
    assert not [e for e in events if e["trigger"].lower() == "according"]


def test_offsets_point_at_the_trigger(nlp):
    text = "Police arrested the suspect in Leeds on Friday after a long chase."
    for e in events_of(nlp, text):
        assert text[e["start_char"] : e["end_char"]] == e["trigger"]


def test_a_dated_sentence_without_a_lexicon_trigger_is_an_other_event(nlp):
    events = events_of(nlp, "The museum unveiled its new wing on Friday.")
    reopened = by_trigger(events, "unveiled")[0]
    assert reopened["event_type"] == "OTHER" and reopened["event_date"] == date(2025, 11, 7)
    assert events_of(nlp, "He said on Friday that it was fine.") == []  # a person's saying is a claim


def test_a_day_after_an_earlier_dated_event(nlp):
    text = "Militants attacked a checkpoint on October 11. A day later, troops launched a raid on the camp."
    raid = by_trigger(events_of(nlp, text), "raid")[0]
    assert raid["event_date"] == date(2025, 10, 12)


def test_entities_by_sentence_are_each_sentences_own(nlp):
    doc = nlp(
        "Talks began in Geneva on October 25. Peru's interior minister Rafael Ortega said on "
        "Friday that they failed.\nThe Foreign Office in Lima spoke last month."
    )
    by_sentence = _entities_by_sentence(doc)
    assert sum(map(len, by_sentence.values())) >= 5
    for sent in doc.sents:
        assert [(e.start, e.end, e.label_) for e in by_sentence.get(sent.start, [])] == [
            (e.start, e.end, e.label_) for e in sent.ents
        ]


def dated(events, word):
    return [(e["event_type"], e["event_date"], e["date_direction"]) for e in by_trigger(events, word)]


def test_what_is_still_to_come_resolves_forward(nlp):
    published = date(2025, 11, 12)  # a Wednesday
    events = events_of(nlp, "The sentencing hearing is scheduled for February.", published)
    assert dated(events, "hearing") == [("OTHER", date(2026, 2, 1), "future")]
    events = events_of(nlp, "Her first race as champion will be in Monaco on Saturday.", published)
    assert dated(events, "race") == [("OTHER", date(2025, 11, 15), "future")]
    events = events_of(nlp, "The two clubs play each other again in four days.", published)
    assert dated(events, "play") == [("OTHER", date(2025, 11, 16), "future")]


def test_the_past_stays_past(nlp):
    published = date(2025, 11, 12)
    events = events_of(nlp, "In December, the bank offered $12 a share for the insurer.", published)
    assert dated(events, "offered") == [("OTHER", date(2024, 12, 1), "past")]
    events = events_of(nlp, "The plant reopened on Saturday after repairs.", published)
    assert dated(events, "reopened") == [("OTHER", date(2025, 11, 8), "past")]


def test_last_weekday_is_in_the_week_before(nlp):
    events = events_of(nlp, "The council voted last Tuesday to close the library.", date(2025, 11, 12))
    assert by_trigger(events, "voted")[0]["event_date"] == date(2025, 11, 4)


def test_last_night_is_the_day_before(nlp):
    events = events_of(nlp, "The mayor resigned last night after the audit.", date(2025, 11, 12))
    assert by_trigger(events, "resign")[0]["event_date"] == date(2025, 11, 11)


def test_each_date_goes_to_its_own_clause(nlp):
    text = "The inquiry was closed in 2019 but was reopened earlier this year after new evidence."
    events = events_of(nlp, text, date(2025, 11, 12))
    assert by_trigger(events, "closed")[0]["event_date"] == date(2019, 1, 1)
    assert by_trigger(events, "reopened")[0]["event_date"] == date(2025, 1, 1)


def test_the_date_of_a_relative_clause_is_its_own_event_not_the_main_verbs(nlp):
    text = "Rights groups condemned the new rule announced on Monday by the ministry."
    events = events_of(nlp, text, date(2025, 11, 12))
    assert dated(events, "announced") == [("OTHER", date(2025, 11, 10), "past")]
    assert all(e["event_date"] is None for e in by_trigger(events, "condemned"))


def test_an_act_done_in_a_named_happening_is_that_happening(nlp):
    text = "Hundreds of nurses blocked the main road on Monday to demand better pay in a protest."
    events = events_of(nlp, text, date(2025, 11, 12))
    assert ("PROTEST", date(2025, 11, 10), "past") in dated(events, "protest")


def test_a_dated_document_is_dated_for_what_it_did(nlp):
    text = "In a statement released Oct. 3, the union accused the company of breaking the contract."
    events = events_of(nlp, text, date(2025, 11, 12))
    assert dated(events, "accused") == [("ACCUSE", date(2025, 10, 3), "past")]


def test_a_participle_says_what_a_dated_act_was(nlp):
    text = "Last week, the actor posted a video accusing the studio of lying."
    events = events_of(nlp, text, date(2025, 11, 12))
    assert dated(events, "accusing") == [("ACCUSE", date(2025, 11, 3), "past")]


def test_a_statement_made_at_a_named_occasion_is_an_event(nlp):
    events = events_of(
        nlp, "The chief executive said Tuesday at a trade conference in Berlin.", date(2025, 11, 12)
    )
    assert ("OTHER", date(2025, 11, 11), "past") in [
        (e["event_type"], e["event_date"], e["date_direction"]) for e in events
    ]


def test_context_decides_ambiguous_triggers(nlp):
    fire = events_of(nlp, "An exchange of fire on Sunday wounded two soldiers.", date(2025, 11, 12))
    assert by_trigger(fire, "exchange")[0]["event_type"] == "ASSAULT"
    prisoners = events_of(nlp, "A prisoner exchange on Sunday freed ten men.", date(2025, 11, 12))
    assert by_trigger(prisoners, "exchange")[0]["event_type"] == "COOPERATE"
    market = events_of(nlp, "Strong demand for electric cars lifted sales last month.", date(2025, 11, 12))
    assert not [e for e in market if e["trigger"].lower() == "demand"]
    critic = events_of(nlp, "The senator blasted the plan on Monday.", date(2025, 11, 12))
    assert by_trigger(critic, "blasted")[0]["event_type"] == "ACCUSE"
    talk = events_of(nlp, "The coach gave the team a pep talk on Monday.", date(2025, 11, 12))
    assert not [e for e in talk if e["event_type"] == "CONSULT"]
    dropped = events_of(nlp, "Prosecutors dropped the case on Monday.", date(2025, 11, 12))
    assert by_trigger(dropped, "dropped")[0]["event_type"] == "RETREAT"


def test_date_direction_from_tense_else_from_the_date():
    published = date(2025, 11, 12)
    assert date_direction("future", date(2025, 11, 1), published) == "future"
    assert date_direction("unknown", date(2025, 12, 1), published) == "future"
    assert date_direction("present", date(2025, 10, 1), published) == "past"
    assert date_direction("unknown", None, published) == "unknown"
