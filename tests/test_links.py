"""Stories and claim groups on tiny frames."""

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from transforms.links import is_round_up_title, linked_claims, linked_stories, takes_up_the_claim_before
from transforms.mood import mood_of_text

T0 = datetime(2025, 11, 9, 5, tzinfo=UTC)


def articles(rows):
    rows = [{"title": None, **r} for r in rows]
    return pl.DataFrame(
        rows,
        schema={
            "article_id": pl.String,
            "source": pl.String,
            "published_at": pl.Datetime("us", "UTC"),
            "text": pl.String,
            "story_id": pl.String,
            "title": pl.String,
        },
    )


def council(i: int) -> dict:
    """A background article: other words, so the shared ones are rare."""
    return {
        "article_id": f"bg{i}",
        "source": f"Local {i}",
        "published_at": T0,
        "text": f"The council met on day {i} to discuss roads, parks, schools and the budget for the town library.",
        "story_id": None,
    }


def story_ids(stories: pl.DataFrame) -> dict[str, str]:
    return dict(stories.select("article_id", "story_id").iter_rows())


def mentions(pairs):
    return pl.DataFrame(pairs, schema={"article_id": pl.String, "entity_id": pl.String}, orient="row")


BACKGROUND = [
    (f"bg{i}", f"e{i}") for i in range(40)
]  # other articles, other entities: makes the shared ones rare


def test_same_entities_same_days_different_outlets_are_one_story():
    arts = articles(
        [
            {
                "article_id": "a",
                "source": "A",
                "published_at": T0,
                "text": "Negotiators said the ceasefire talks in Geneva collapsed.",
                "story_id": None,
            },
            {
                "article_id": "b",
                "source": "B",
                "published_at": T0,
                "text": "The Geneva talks ended without a deal, officials said of the ceasefire.",
                "story_id": None,
            },
            {
                "article_id": "c",
                "source": "C",
                "published_at": datetime(2024, 1, 1, tzinfo=UTC),
                "text": "Negotiators said the ceasefire talks in Geneva collapsed.",
                "story_id": None,
            },
        ]
    )
    shared = ["peru", "rebels", "alf", "geneva", "lima"]
    m = mentions([(a, e) for a in "abc" for e in shared] + BACKGROUND)
    stories = story_ids(linked_stories(arts, m))
    assert stories["a"] == stories["b"]
    assert stories["c"] != stories["a"]  # same words and entities a year apart: another story


def test_alike_words_from_two_outlets_are_one_story_but_not_from_one_outlet():
    text = "Doctors found that the feather duvet had caused a rare lung disease in the patient. "
    other = "A rare lung disease in a patient was traced by doctors to his new feather duvet. "
    unrelated = "The council voted to reopen the bridge in May after long repairs to the road. "
    arts = articles(
        [
            {"article_id": "a", "source": "A", "published_at": T0, "text": text * 3, "story_id": None},
            {
                "article_id": "b",
                "source": "B",
                "published_at": T0,
                "text": other * 3 + "Doctors said.",
                "story_id": None,
            },
            {"article_id": "c", "source": "A", "published_at": T0, "text": other * 3, "story_id": None},
            {
                "article_id": "d",
                "source": "D",
                "published_at": T0,
                "text": unrelated + "Traffic will be light.",
                "story_id": None,
            },
        ]
    )
    stories = story_ids(linked_stories(arts, mentions([])))
    assert stories["a"] == stories["b"] == stories["c"]  # c joins through b, another outlet
    assert stories["d"] != stories["a"]


def test_one_shared_entity_is_not_a_story():
    arts = articles(
        [
            {
                "article_id": "a",
                "source": "A",
                "published_at": T0,
                "text": "a phone review",
                "story_id": None,
            },
            {
                "article_id": "b",
                "source": "B",
                "published_at": T0,
                "text": "a phone launch",
                "story_id": None,
            },
        ]
    )
    m = mentions(
        [("a", "acme"), ("a", "reviewer"), ("b", "acme"), ("b", "london"), ("b", "ceo")] + BACKGROUND
    )
    stories = story_ids(linked_stories(arts, m))
    assert stories["a"] != stories["b"]


def test_near_duplicate_texts_are_one_story_and_existing_ids_are_kept():
    text = " ".join(f"word{i}" for i in range(300))
    arts = articles(
        [
            {"article_id": "a", "source": "A", "published_at": T0, "text": text, "story_id": "s-old"},
            {
                "article_id": "b",
                "source": "B",
                "published_at": None,
                "text": text + " extra",
                "story_id": None,
            },
        ]
    )
    stories = story_ids(linked_stories(arts, mentions([])))
    assert stories == {"a": "s-old", "b": "s-old"}


SLEEPERS = (
    "Researchers in Leeds reported on Monday that sleeping astronauts could travel on smaller ships. "
    "The team modelled a crew in torpor on a long voyage and found food and water needs fell by a third. "
    "Engineers said the crew cabins could shrink as well."
)
HIBERNATORS = (
    "A European study says hibernating crews would let agencies build smaller ships for deep space. "
    "Torpor cut the food and water each traveller needs on a long voyage, the authors wrote. "
    "Critics said such cabins remain unproven."
)


@pytest.mark.parametrize(
    ("titles", "one_story"),
    [
        (
            (
                "Sleeping astronauts could fly smaller ships, study finds",
                "Study: hibernating astronauts need less food",
            ),
            True,
        ),
        (("Smaller ships for deep space", "Torpor and the traveller"), False),
    ],
)
def test_headlines_sharing_words_join_bodies_worded_apart(titles, one_story):
    arts = articles(
        [
            {
                "article_id": "a",
                "source": "A",
                "published_at": T0,
                "text": SLEEPERS,
                "story_id": None,
                "title": titles[0],
            },
            {
                "article_id": "b",
                "source": "B",
                "published_at": T0,
                "text": HIBERNATORS,
                "story_id": None,
                "title": titles[1],
            },
        ]
        + [council(i) for i in range(20)]
    )
    stories = story_ids(linked_stories(arts, mentions([])))
    assert (stories["a"] == stories["b"]) is one_story


def test_is_round_up_title():
    phrases = ("roundup", "need to know")
    assert is_round_up_title("Sports roundup: Tigers edge Lions in overtime", phrases)
    assert is_round_up_title("Five things you need to know this morning", phrases)
    assert is_round_up_title("Market Wrap 3.14.24", phrases)  # an edition dated in its headline
    assert not is_round_up_title("Police round up suspects after raid", phrases)
    assert not is_round_up_title("Council budget approved", phrases)
    assert not is_round_up_title(None, phrases)


BRIDGE = (
    "The river bridge will close for repairs to its steel deck, the transport office said on Friday. " * 2
)
ELECTION = "Voters in the northern district chose a new mayor after a recount of the postal ballots. " * 2


def round_up_and_its_stories(title: str) -> pl.DataFrame:
    """An article covering the bridge and the election, one article on each, and background."""
    return articles(
        [
            {
                "article_id": "r",
                "source": "R",
                "published_at": T0,
                "text": BRIDGE + ELECTION,
                "story_id": None,
                "title": title,
            },
            {"article_id": "b", "source": "B", "published_at": T0, "text": BRIDGE, "story_id": None},
            {"article_id": "e", "source": "E", "published_at": T0, "text": ELECTION, "story_id": None},
        ]
        + [council(i) for i in range(20)]
    )


def test_a_round_up_belongs_to_no_story_of_others():
    stories = linked_stories(
        round_up_and_its_stories("Morning roundup"), mentions([]), round_up_phrases=("roundup",)
    )
    ids = story_ids(stories)
    assert len({ids["r"], ids["b"], ids["e"]}) == 3
    assert dict(stories.select("article_id", "is_digest").iter_rows())["r"] is True


def test_an_article_joining_two_unlike_stories_is_a_digest():
    """No round-up headline: the digest is told by what it joins (two stories sharing nothing)."""
    stories = linked_stories(round_up_and_its_stories("What happened today"), mentions([]))
    ids = story_ids(stories)
    assert ids["b"] != ids["e"] and ids["r"] not in (ids["b"], ids["e"])
    assert dict(stories.select("article_id", "is_digest").iter_rows()) == {a: a == "r" for a in ids}


WIRE = " ".join(
    f"Paragraph {i}: the agency reported that rescuers reached village {i} after the flood, and {i * 3} families were moved."
    for i in range(12)
)


def test_wire_copy_reprinted_by_other_outlets_points_at_the_earliest():
    later = datetime(2025, 11, 9, 9, tzinfo=UTC)
    trimmed = WIRE.rsplit("Paragraph 10", 1)[0]  # cut short by one outlet
    edited = WIRE.replace("rescuers", "rescue teams", 2) + " (AP)"
    arts = articles(
        [
            {
                "article_id": "w2",
                "source": "Daily B",
                "published_at": later,
                "text": edited,
                "story_id": None,
            },
            {"article_id": "w1", "source": "Wire", "published_at": T0, "text": WIRE, "story_id": None},
            {
                "article_id": "w3",
                "source": "Gazette C",
                "published_at": later,
                "text": trimmed,
                "story_id": None,
            },
            {
                "article_id": "w4",
                "source": "Wire",
                "published_at": later,
                "text": WIRE + " Updated.",
                "story_id": None,
            },
        ]
    )
    stories = linked_stories(arts, mentions([]))
    reprints = dict(stories.select("article_id", "reprint_of").iter_rows())
    # the first copy is the original; the same outlet's update is not a reprint of itself
    assert reprints == {"w1": None, "w2": "w1", "w3": "w1", "w4": None}
    assert len(set(story_ids(stories).values())) == 1


def test_paraphrased_claims_share_a_group_and_others_do_not():
    claims = pl.DataFrame(
        [
            {
                "claim_id": "c1",
                "article_id": "a",
                "text": "the regime was only interested in prolonging the temporary ceasefire",
                "claim_group_id": None,
            },
            {
                "claim_id": "c2",
                "article_id": "a",
                "text": "the harvest this autumn was the best in a decade",
                "claim_group_id": None,
            },
            {
                "claim_id": "c3",
                "article_id": "b",
                "text": "the regime was interested only in prolonging the temporary ceasefire",
                "claim_group_id": None,
            },
            {
                "claim_id": "c4",
                "article_id": "b",
                "text": "schools will reopen after the winter holiday",
                "claim_group_id": None,
            },
        ]
    )
    stories = pl.DataFrame({"article_id": ["a", "b"], "story_id": ["s", "s"]})
    groups = dict(linked_claims(claims, stories).iter_rows())
    assert groups["c1"] == groups["c3"]
    assert len({groups["c1"], groups["c2"], groups["c4"]}) == 3


def claim_rows(rows: list[tuple[str, str, str, str, int]]) -> pl.DataFrame:
    """(claim_id, article_id, speaker, text, start_char) rows as the link step reads claims."""
    return pl.DataFrame(
        [
            {"claim_id": c, "article_id": a, "speaker": s, "text": t, "start_char": p, "claim_group_id": None}
            for c, a, s, t, p in rows
        ],
        schema={
            "claim_id": pl.String,
            "article_id": pl.String,
            "speaker": pl.String,
            "text": pl.String,
            "start_char": pl.Int64,
            "claim_group_id": pl.String,
        },
    )


ONE_STORY = pl.DataFrame({"article_id": ["a", "b", "c"], "story_id": ["s", "s", "s"]})
# other statements of the story, so that its words have their rarity
FILLER = [
    ("f1", "c", "Mayor Lina Ostrova", "the budget for the harbour will be voted on in June", 10),
    ("f2", "c", "the port authority", "container traffic fell for a second year", 200),
    ("f3", "c", "a dock worker", "crews were told nothing about the plans", 400),
]


def test_a_trimmed_quote_and_its_indirect_paraphrase_join_the_full_quote():
    claims = claim_rows(
        [
            (
                "full",
                "a",
                "Lina Ostrova",
                "We will not sell the harbour to any private buyer, whatever they offer.",
                0,
            ),
            ("trim", "b", "Ostrova", "We will not sell the harbour to any private buyer", 0),
            (
                "indirect",
                "c",
                "the mayor Lina Ostrova",
                "the city would not sell the harbour to a private buyer",
                600,
            ),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["full"] == groups["trim"] == groups["indirect"]
    assert len({groups["full"], groups["f1"], groups["f2"], groups["f3"]}) == 4


def test_two_statements_of_one_speaker_stay_apart():
    """Same speaker, same subject, shared words: still two statements, each with its own partner."""
    claims = claim_rows(
        [
            ("sell", "a", "Lina Ostrova", "the city will not sell the harbour to a private buyer", 0),
            (
                "jobs",
                "a",
                "Lina Ostrova",
                "the city will keep the harbour and its private buyers out for a decade",
                300,
            ),
            ("sell2", "b", "Ostrova", "the city refuses to sell the harbour to private buyers", 0),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["sell"] == groups["sell2"]
    assert groups["jobs"] != groups["sell"]


def test_a_statement_split_in_two_by_one_outlet_is_one_group():
    claims = claim_rows(
        [
            (
                "whole",
                "a",
                "Lina Ostrova",
                "The harbour is not for sale. Its cranes and quays belong to the people of this city.",
                0,
            ),
            ("first", "b", "Ostrova", "The harbour is not for sale.", 0),
            ("second", "b", "Ostrova", "its cranes and quays belong to the people of this city", 80),
            ("other", "b", "Ostrova", "the budget for the harbour will be voted on in June", 300),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["whole"] == groups["first"] == groups["second"]
    assert groups["other"] != groups["whole"]


def test_a_quote_and_its_indirect_speech_meet_across_the_tense_shift():
    """Reported speech shifts a quote's verbs back ("we believe" -> "the board believed") and
    its nouns keep or lose their plural: the forms of one word are one word."""
    claims = claim_rows(
        [
            (
                "quote",
                "a",
                "Lina Ostrova",
                "We continue to believe the new tolls would have lowered fares for families",
                0,
            ),
            (
                "indirect",
                "b",
                "Ostrova",
                "the city still believed the toll would have cut the fare for each family",
                0,
            ),
            ("other", "b", "Ostrova", "the budget for the harbour will be voted on in June", 300),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["quote"] == groups["indirect"] != groups["other"]


def test_one_claim_of_an_outlet_holding_two_of_anothers_in_other_words_joins_both():
    """One outlet gives the director's two sentences as one claim, in other words; the other gives
    them as two claims, each as alike to the first outlet's as a pair must be: one statement."""
    claims = claim_rows(
        [
            ("praise", "a", "Mira Holt", "called the ruling a victory for every family that rents a home", 0),
            (
                "count",
                "a",
                "Mira Holt",
                "the agency had shown that the rule would have ended fair rents in 140 towns",
                100,
            ),
            (
                "both",
                "b",
                "Holt",
                'the ruling was "a victory for every family that rents a home" and the rule would have wiped out fair rents in 140 towns',
                0,
            ),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["praise"] == groups["count"] == groups["both"]


def test_a_contracted_not_is_no_shared_word():
    """ "don't" is "don" and "t" to a word pattern: two short answers of one speaker that share
    only their negation are two statements."""
    claims = claim_rows(
        [
            ("know", "a", "Lina Ostrova", "We don't know.", 0),
            ("think", "b", "Ostrova", "I don't think so.", 0),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["know"] != groups["think"]


def test_two_statements_sharing_only_the_storys_topic_words_stay_apart():
    """Every outlet's claims say "harbour" and "sale": words the story is about tell no statement
    from another, so two claims sharing only those, one speaker or not, are two statements."""
    topic = [
        (f"t{i}", article, "Lina Ostrova", f"the harbour sale {tail}", 1000 + 100 * i)
        for i, (article, tail) in enumerate(
            [
                ("a", "was rushed"),
                ("a", "lacks a plan"),
                ("b", "must wait"),
                ("b", "has critics"),
                ("c", "is popular"),
                ("c", "will be audited"),
                ("a", "split the council"),
                ("b", "divides families"),
            ]
        )
    ]
    claims = claim_rows(
        [
            ("price", "a", "Lina Ostrova", "the harbour sale would make the city a profit", 0),
            ("farce", "b", "Ostrova", "the harbour sale would make the election a farce", 0),
            ("quote", "c", "Ostrova", "the harbour sale would make the city a profit", 0),
            *topic,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["price"] == groups["quote"]  # the same words beyond the topic: one statement
    assert groups["farce"] != groups["price"]


def test_a_shared_figure_makes_two_wordings_one_statement_but_a_year_does_not():
    claims = claim_rows(
        [
            ("paid", "a", "the auditor", "the port paid the consultants $318,500 for the study", 0),
            ("cost", "b", "the city's website", "the consultancy study cost taxpayers just over $318,500", 0),
            ("year", "a", "the auditor", "the consultants were hired in 2019 for the study", 300),
            (
                "year2",
                "b",
                "a councillor",
                "a study ordered in 2019 by the harbour board was never read",
                300,
            ),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["paid"] == groups["cost"]
    assert groups["year"] != groups["year2"]


def test_a_claim_like_one_member_of_a_group_but_not_the_others_joins_none():
    """The third claim ("told not to throw out") is like the doctors' advice, not like what the
    patient bought: pairwise it would chain all three into one statement."""
    claims = claim_rows(
        [
            (
                "told",
                "a",
                "a doctor",
                "doctors told him to throw out the wool blankets and cushions at once",
                0,
            ),
            ("bought", "b", "the patient", "he had bought new wool blankets and cushions in the spring", 0),
            ("advice", "c", "Dr Lina Ostrova", "told not to throw out the blankets at once", 0),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    # whatever the first two are, the third is not one statement with both of them
    assert len({groups["told"], groups["bought"], groups["advice"]}) >= 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("residents should leave the low streets tonight", "obligation"),
        ("to get rid of the wool blankets at once", "obligation"),
        ("the council has to find the money by June", "obligation"),
        ("people shouldn't throw their blankets out", "prohibition"),
        ("not to sell the harbour", "prohibition"),
        ("the boats must not leave the harbour", "prohibition"),
        ("residents left the low streets on Monday", "statement"),
        ("the plan is not ready", "statement"),
        ("we went to the harbour to see the damage", "statement"),
    ],
)
def test_mood_tells_what_must_be_done_from_what_is(text, expected):
    assert mood_of_text(text) == expected


def test_an_instruction_and_a_report_of_what_was_done_stay_apart():
    """The mayor's order and the port's report of families leaving share their words; so do an
    instruction and its prohibition: each pair is two statements. Two instructions in other words
    are one."""
    claims = claim_rows(
        [
            (
                "order",
                "a",
                "Lina Ostrova",
                "every family on the low streets must leave for the school gym tonight",
                0,
            ),
            (
                "left",
                "b",
                "the port authority",
                "families from the low streets left for the gym at the school tonight",
                0,
            ),
            (
                "told",
                "a",
                "Lina Ostrova",
                "to keep the boats tied up inside the harbour wall until Friday",
                300,
            ),
            (
                "not",
                "b",
                "a harbour pilot",
                "boats should not be kept moored at the harbour wall before Friday",
                300,
            ),
            (
                "keep",
                "c",
                "the port authority",
                "the boats must be kept tied up by the wall of the harbour until Friday",
                300,
            ),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["order"] != groups["left"]
    assert groups["told"] == groups["keep"]
    assert groups["not"] not in (groups["told"], groups["keep"])


REDESCRIBE = frozenset({"called", "described"})


def test_a_claim_naming_the_one_before_takes_it_up():
    assert takes_up_the_claim_before("called that a stunt to win votes", REDESCRIBE)
    assert takes_up_the_claim_before("Described it as a setback", REDESCRIBE)
    # "that" opening a reported clause is no demonstrative taking anything up
    assert not takes_up_the_claim_before("insisted that the vote was fair", REDESCRIBE)
    assert not takes_up_the_claim_before("the vote was fair", REDESCRIBE)


@pytest.mark.parametrize(
    "text,judged",
    [
        ("This is a trick to buy the quays cheaply", True),
        ("That was not a gift but a loan", True),
        ("This is nothing but a stunt", True),
        ("That is why the board left", False),  # a reason, no judgement of what was said
        ("It is a trick", False),  # "it" may point at anything named before
        ("This week the board met twice", False),
        ("That the vote was fair is clear", False),
    ],
)
def test_a_claim_judging_what_was_just_said_takes_it_up(text, judged):
    assert takes_up_the_claim_before(text, frozenset()) is judged


def test_a_summary_joins_both_claims_of_a_statement_another_outlet_gives_in_two():
    claims = claim_rows(
        [
            (
                "offer",
                "a",
                "the harbour board",
                "the buyers were trying to pass off a loan as a gift to the city",
                0,
            ),
            ("named", "a", "the board", "called that a trick to buy the quays cheaply and not a gift", 100),
            (
                "summary",
                "b",
                "officials",
                "criticised the buyers, calling their offer a trick to buy the quays cheaply",
                0,
            ),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY, REDESCRIBE).iter_rows())
    assert groups["summary"] == groups["named"] == groups["offer"]
    apart = dict(linked_claims(claims, ONE_STORY).iter_rows())  # without the verbs: two statements
    assert apart["summary"] == apart["named"] != apart["offer"]


def test_a_summary_joins_a_statement_and_the_quote_that_judges_it():
    claims = claim_rows(
        [
            ("offer", "a", "the board", "the buyers were trying to pass off a loan as a gift to the city", 0),
            ("judged", "a", "the board", "This is a trick to buy the quays cheaply", 100),
            (
                "summary",
                "b",
                "officials",
                "criticised the buyers, calling their offer a trick to buy the quays cheaply",
                0,
            ),
            *FILLER,
        ]
    )
    groups = dict(linked_claims(claims, ONE_STORY).iter_rows())
    assert groups["summary"] == groups["judged"] == groups["offer"]


def test_claims_in_different_stories_are_never_grouped():
    claims = pl.DataFrame(
        [
            {
                "claim_id": "c1",
                "article_id": "a",
                "text": "prices will rise next year",
                "claim_group_id": None,
            },
            {
                "claim_id": "c2",
                "article_id": "b",
                "text": "prices will rise next year",
                "claim_group_id": None,
            },
        ]
    )
    stories = pl.DataFrame({"article_id": ["a", "b"], "story_id": ["s1", "s2"]})
    groups = dict(linked_claims(claims, stories).iter_rows())
    assert groups["c1"] != groups["c2"]


def test_short_form_in_one_article_folds_into_the_full_name_of_another():
    from transforms.links import entity_merges

    entities = pl.DataFrame(
        [
            {"entity_id": "full", "name": "Shining Path", "type": "ORG", "aliases": ["Path"]},
            {"entity_id": "short", "name": "Path", "type": "ORG", "aliases": []},
            {
                "entity_id": "alf",
                "name": "Andean Liberation Front of Peru",
                "type": "ORG",
                "aliases": ["ALF"],
            },
            {"entity_id": "pe", "name": "Peru", "type": "GPE", "aliases": []},
            {"entity_id": "john", "name": "John Smith", "type": "PERSON", "aliases": ["Smith"]},
            {"entity_id": "jane", "name": "Jane Smith", "type": "PERSON", "aliases": ["Smith"]},
            {"entity_id": "smith", "name": "Smith", "type": "PERSON", "aliases": []},
        ]
    )
    merges = dict(entity_merges(entities).iter_rows())
    assert merges == {"short": "full"}  # Smith is two people; Peru is never folded


def test_a_name_another_article_wrote_as_a_short_form_folds_into_the_full_name():
    from transforms.links import entity_merges

    entities = pl.DataFrame(
        [
            {
                "entity_id": "full",
                "name": "Timothy Okafor",
                "type": "PERSON",
                "aliases": ["Tim Okafor", "Okafor"],
            },
            {"entity_id": "tim", "name": "Tim Okafor", "type": "PERSON", "aliases": []},
            {"entity_id": "dot", "name": "Department of Transport", "type": "ORG", "aliases": ["DOT"]},
            {"entity_id": "acronym", "name": "DOT", "type": "ORG", "aliases": []},
            {"entity_id": "other", "name": "Timothy Reyes", "type": "PERSON", "aliases": []},
        ]
    )
    merges = dict(entity_merges(entities).iter_rows())
    assert merges == {"tim": "full", "acronym": "dot"}


def test_a_clipped_first_name_folds_across_articles_only_beside_the_same_names():
    from transforms.links import clipped_name_pairs, entity_merges

    entities = pl.DataFrame(
        [
            {"entity_id": "tim", "name": "Tim Okafor", "type": "PERSON", "aliases": []},
            {"entity_id": "timothy", "name": "Timothy J. Okafor", "type": "PERSON", "aliases": []},
            {"entity_id": "pat", "name": "Pat Reyes", "type": "PERSON", "aliases": []},
            {"entity_id": "patrick", "name": "Patrick Reyes", "type": "PERSON", "aliases": []},
            {"entity_id": "patricia", "name": "Patricia Reyes", "type": "PERSON", "aliases": []},
        ]
    )
    assert clipped_name_pairs(entities) == [("tim", "timothy")]  # "Pat" could be two people
    beside = {"tim": ["senate", "budget", "ohio"], "timothy": ["senate", "budget"]}
    neighbours = pl.DataFrame(
        [(e, n) for e, ns in beside.items() for n in ns], schema=["entity_id", "neighbour_id"], orient="row"
    )
    assert dict(entity_merges(entities, neighbours).iter_rows()) == {"tim": "timothy"}
    apart = neighbours.filter(pl.col("neighbour_id") != "budget")  # one shared name is not enough
    assert entity_merges(entities, apart).height == 0


NEAR_DUPLICATE_TEXTS = [
    "Peru accused the rebel front of stalling the talks in Geneva on Friday, the interior "
    "minister said, adding that the ceasefire would not hold for long without guarantees.",
    "Peru accused the rebel front of stalling the talks in Geneva on Friday, the interior "
    "minister said, adding that the ceasefire could not hold for long without guarantees.",
    "Dock workers at the Port of Liverpool ended their strike after a pay deal with Northgate "
    "Shipping, and the union said normal operations would resume by Monday morning.",
    "Dock workers at the Port of Liverpool ended their strike after a pay deal with Northgate "
    "Shipping; the union said normal operations would resume by Monday.",
    "The council met on Tuesday to discuss the new budget for schools and the roads around them.",
]


def _datasketch_minhash(shingles):
    from datasketch import MinHash

    from transforms.links import MINHASH_SEED, NUM_PERM

    own = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")
    own.update_batch([s.encode("utf-8") for s in shingles])
    return own


def test_minhash_signatures_and_similarities_are_datasketchs():
    """The link step makes its MinHash signatures itself (datasketch imports scipy, ~2 s a run):
    they, and the similarities they estimate, are datasketch's to the bit."""
    from transforms.links import _jaccard, _minhash, _shingles

    shingles = [_shingles(text) for text in NEAR_DUPLICATE_TEXTS]
    ours = [_minhash(s) for s in shingles]
    theirs = [_datasketch_minhash(s) for s in shingles]
    for one, other in zip(ours, theirs, strict=True):
        assert one.dtype == other.hashvalues.dtype and (one == other.hashvalues).all()
    for i in range(len(ours)):
        for j in range(len(ours)):
            assert _jaccard(ours[i], ours[j]) == theirs[i].jaccard(theirs[j])
    assert _jaccard(ours[0], ours[1]) > 0.5 > _jaccard(ours[0], ours[2])


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.9])
@pytest.mark.parametrize("num_perm", [16, 64])
def test_lsh_bands_are_those_datasketch_chooses(threshold, num_perm):
    from datasketch.lsh import _optimal_param

    from transforms.links import lsh_bands

    assert lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_lsh_candidates_are_datasketchs():
    from datasketch import MinHashLSH

    from transforms.links import (
        NUM_PERM,
        TEXT_JACCARD,
        _band_keys,
        _lsh_buckets,
        _lsh_candidates,
        _minhash,
        _shingles,
    )

    shingles = {f"a{i}": _shingles(text) for i, text in enumerate(NEAR_DUPLICATE_TEXTS)}
    ours = {key: _minhash(s) for key, s in shingles.items()}
    index = MinHashLSH(threshold=TEXT_JACCARD, num_perm=NUM_PERM)
    for key, s in shingles.items():
        index.insert(key, _datasketch_minhash(s))
    keys = {key: _band_keys(signature) for key, signature in ours.items()}
    buckets = _lsh_buckets(keys)
    for key, s in shingles.items():
        assert _lsh_candidates(buckets, keys[key]) == set(index.query(_datasketch_minhash(s)))
    assert _lsh_candidates(buckets, keys["a0"]) >= {"a0", "a1"}


TWO_OUTLETS = Path(__file__).resolve().parent / "fixtures" / "two-outlets"


def statement_groups(nlp, names: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Two composed outlets' pages through extraction, analysis and the link step: each claim
    group that spans both, as (page, claim text) pairs."""
    from tests.conftest import one_article
    from transforms.analysis import analysed_tables
    from transforms.extract import extract_page

    frames = []
    for name in names:
        page = extract_page(
            (TWO_OUTLETS / name).read_text(encoding="utf-8"), name, now=datetime(2026, 12, 1, tzinfo=UTC)
        )
        frames.append(
            one_article(page["text"], article_id=name).with_columns(
                source=pl.lit(page["source"]),
                title=pl.lit(page["title"]),
                published_at=pl.lit(page["published_at"]),
            )
        )
    batch = pl.concat(frames)
    tables = analysed_tables(batch, nlp)
    stories = linked_stories(batch, tables["entity_mention"])
    assert stories["story_id"].n_unique() == 1
    claims = tables["claim"]
    groups = dict(linked_claims(claims, stories).iter_rows())
    spans: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for claim_id, article_id, text in claims.select("claim_id", "article_id", "text").iter_rows():
        spans[groups[claim_id]].append((article_id, text))
    return {g: members for g, members in spans.items() if len({a for a, _ in members}) > 1}


def same_group(groups: dict, first: str, second: str) -> bool:
    return any(
        any(first in text for _, text in members) and any(second in text for _, text in members)
        for members in groups.values()
    )


@pytest.mark.parametrize(
    "pages,same,apart",
    [
        (
            ["river-northern-ledger.html", "river-capital-tribune.html"],
            [
                ("used only to buy time", "merely to buy time"),
                ("nothing but delays and excuses", "come to the talks in good faith"),
                ("could not control the contractors", "unable to control the contractors"),
                ("portray the dam as a flood-protection project", "criticised attempts by Marsk"),
                ("ploy to present an irrigation scheme", "criticised attempts by Marsk"),
                ("every week of delay costs our farmers", "Every week of delay costs our farmers"),
                ("reached a dead end", "regional court unless"),
                ("would not accept any deal", "would reject any agreement"),
                ("face water rationing by July", "water could be rationed"),
            ],
            [
                ("portray the dam", "unable to control the contractors"),
                ("face water rationing", "regional court unless"),
            ],
        ),
        (
            ["merger-midland-herald.html", "merger-business-daily.html"],
            [
                ("too little, too late", "too little, too late"),
                ("control more than half of the grocery market", "control over half the market"),
                ("disappointed by the ruling", "disappointed and might appeal"),
                ("We continue to believe this merger", "still believed the deal"),
                ("a victory for every family", "a victory for every family"),
                ("eliminated head-to-head competition in 140 towns", "a victory for every family"),
                ("I think this deal is dead", "This deal is dead"),
            ],
            [
                ("too little, too late", "control over half the market"),
                ("We continue to believe", "disappointed and might appeal"),
            ],
        ),
    ],
    ids=["an official statement", "a court ruling"],
)
def test_two_outlets_reports_of_one_story_pair_their_statements(nlp, pages, same, apart):
    """Composed reports: one outlet quotes, the other paraphrases, trims, splits or summarises."""
    groups = statement_groups(nlp, pages)
    for first, second in same:
        assert same_group(groups, first, second), (first, second)
    for first, second in apart:
        assert not same_group(groups, first, second), (first, second)
