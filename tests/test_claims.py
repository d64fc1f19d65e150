"""Claims: one test per construction, on sentences composed for it."""

import re

from tests.conftest import one_article
from transforms.analysis import analysed_tables

ATTRIBUTION = re.compile(r"\b(said|says|told|tells|stated|added|according to)\b")


def claims_of(nlp, text: str) -> list[dict]:
    return analysed_tables(one_article(text), nlp)["claim"].to_dicts()


def one(claims, phrase):
    hits = [c for c in claims if phrase in c["text"]]
    assert hits, f"no claim holds {phrase!r}: {[c['text'] for c in claims]}"
    return hits[0]


def test_that_clause(nlp):
    c = one(
        claims_of(nlp, "The mayor said that the bridge would reopen in May."),
        "the bridge would reopen in May",
    )
    assert c["speaker"] == "mayor" and c["reporting_verb"] == "say" and not c["is_direct_quote"]
    assert not c["text"].startswith("that")


def test_offsets_point_at_the_content(nlp):
    text = "Officials warned that the river could flood the lower town."
    c = one(claims_of(nlp, text), "river could flood")
    assert text[c["start_char"] : c["end_char"]] == c["text"]
    assert 0 < c["confidence"] <= 1


def test_inverted_attribution(nlp):
    c = one(
        claims_of(nlp, "The reservoir is nearly empty, the water board said."), "reservoir is nearly empty"
    )
    assert c["speaker"] == "water board"
    assert not ATTRIBUTION.search(c["text"])


def test_curly_quote_with_attribution_after(nlp):
    c = one(
        claims_of(nlp, "“We will not raise taxes this year,” the finance minister said."),
        "will not raise taxes",
    )
    assert c["is_direct_quote"] and c["speaker"] == "finance minister"
    assert "”" not in c["text"] and "“" not in c["text"]


def test_straight_quote_with_attribution_before(nlp):
    c = one(
        claims_of(nlp, 'Maria Lopez told reporters: "The vote was fair and the count was clean."'),
        "vote was fair",
    )
    assert c["speaker"] == "Maria Lopez" and c["is_direct_quote"]


def test_quote_split_by_its_attribution_continues_with_the_same_speaker(nlp):
    text = "“The port is open again,” said Daniel Okafor. “Cargo will move by Monday.”"
    claims = claims_of(nlp, text)
    assert one(claims, "port is open again")["speaker"] == "Daniel Okafor"
    second = one(claims, "Cargo will move by Monday")
    assert second["speaker"] == "Daniel Okafor" and second["is_direct_quote"]


def test_quote_over_several_sentences(nlp):
    text = (
        "Priya Raman spoke after the vote. “Members have been patient. They deserve a fair deal. "
        "We accept this offer,” she said."
    )
    c = one(claims_of(nlp, text), "We accept this offer")
    assert "Members have been patient" in c["text"] and c["speaker"] == "Priya Raman"


def test_pronoun_speaker_is_resolved(nlp):
    text = "Interior Minister Rafael Ortega spoke to reporters in Karachi. He said the reform had entered a final phase."
    c = one(claims_of(nlp, text), "reform had entered a final phase")
    assert c["speaker"] == "Rafael Ortega" and c["speaker_entity_id"] is not None


def test_short_role_takes_its_fullest_form(nlp):
    text = (
        "Pakistan’s Foreign Office Spokesperson said the talks had collapsed. "
        "The spokesperson said Pakistan would not negotiate with armed groups."
    )
    c = one(claims_of(nlp, text), "would not negotiate")
    assert c["speaker"] == "Pakistan’s Foreign Office Spokesperson"


def test_role_before_a_name_resolves_to_the_person(nlp):
    text = (
        "Northgate's chief executive Daniel Okafor met the union. "
        "“The agreement is fair,” Northgate's chief executive said."
    )
    assert one(claims_of(nlp, text), "agreement is fair")["speaker"] == "Daniel Okafor"


def test_subject_elided_continuation_inherits_the_speaker(nlp):
    text = (
        "The council said there were problems with the budget. "
        "But said that the schools would stay open all year."
    )
    assert one(claims_of(nlp, text), "schools would stay open")["speaker"] == "council"


def test_parenthetical_attribution(nlp):
    text = "The second round in Geneva, the ministry said, was meant to agree a timetable."
    c = one(claims_of(nlp, text), "was meant to agree a timetable")
    assert c["speaker"] == "ministry" and "ministry said" not in c["text"]


def test_participle_inherits_the_subject_of_its_clause(nlp):
    text = "The union accepted the offer, noting that members had voted by a large majority."
    assert one(claims_of(nlp, text), "members had voted")["speaker"] == "union"


def test_speech_act_keeps_its_verb(nlp):
    claims = claims_of(nlp, "The government accused the company of hiding losses for three years.")
    c = one(claims, "hiding losses")
    assert c["text"].startswith("accused the company") and c["speaker"] == "government"


def test_according_to(nlp):
    c = one(
        claims_of(nlp, "According to the British Ports Association, the strike delayed forty ships."),
        "the strike delayed forty ships",
    )
    assert c["speaker"] == "British Ports Association" and not ATTRIBUTION.search(c["text"])


def test_statement_resolves_to_its_issuer(nlp):
    text = (
        "In a statement, the health ministry said hospitals were full. "
        "The statement said more beds would be added next month."
    )
    assert one(claims_of(nlp, text), "more beds would be added")["speaker"] == "health ministry"


def test_nested_reporting_verb_is_part_of_the_content(nlp):
    text = "Officials said Peru has accused the rebels of stalling the talks."
    claims = claims_of(nlp, text)
    assert len(claims) == 1 and claims[0]["speaker"] == "Officials"


def test_bullet_summaries_are_text_like_any_other(nlp):
    text = (
        "KEY POINTS\n\nThe mayor said the bridge would reopen in May.\n\nThe council said fares would rise."
    )
    claims = claims_of(nlp, text)
    assert {c["speaker"] for c in claims} == {"mayor", "council"}


def test_actions_are_not_claims(nlp):
    text = "The army rejected the plan and refused to move. Troops crossed the river on Friday."
    assert claims_of(nlp, text) == []


def test_no_pronoun_is_ever_a_speaker(nlp):
    claims = claims_of(nlp, "He said the bridge would reopen in May.")
    assert all((c["speaker"] or "").lower() not in {"he", "she", "they", "it"} for c in claims)


def test_she_skips_a_company_to_find_the_person(nlp):
    text = (
        "Taylor Swift spoke at the awards. The label said it had never blocked her music. "
        "She also accused the label of holding back permission for a documentary."
    )
    assert one(claims_of(nlp, text), "holding back permission")["speaker"] == "Taylor Swift"


def test_the_writer_is_not_a_speaker(nlp):
    assert claims_of(nlp, "We estimate that the charity saves a life for every 3,000 dollars.") == []


def test_a_quote_before_its_attribution_is_taken_whole(nlp):
    c = one(claims_of(nlp, "“It’s hard not to, though,” Suter acknowledged."), "It’s hard")
    assert c["text"] == "It’s hard not to, though" and c["speaker"] == "Suter"


def test_a_stray_straight_quote_does_not_flip_later_paragraphs(nlp):
    text = 'The 5" screen is small.\n\n"We will open in May," the mayor said.'
    c = one(claims_of(nlp, text), "We will open in May")
    assert c["is_direct_quote"] and c["speaker"] == "mayor"


# ---------------------------------------------------------------- reporting-verb constructions


def test_a_nonfinite_complement_is_the_content(nlp):
    claims = claims_of(nlp, "The minister has always denied being aware of the payments.")
    c = one(claims, "being aware of the payments")
    assert c["speaker"] == "minister" and not c["text"].startswith("denied")


def test_a_denial_with_a_noun_object_is_no_claim(nlp):
    assert claims_of(nlp, "The clinic is denying treatment to patients without papers.") == []


def test_a_topic_verb_gives_its_object_without_the_verb(nlp):
    c = one(
        claims_of(nlp, "The inspectors noted serious failures of the cooling system at the plant."),
        "serious failures of the cooling system",
    )
    assert c["speaker"] == "inspectors" and not c["text"].startswith("noted")


def test_a_company_reports_a_figure(nlp):
    c = one(
        claims_of(nlp, "Northgate Foods reported a loss of $12 million in the third quarter."),
        "a loss of $12 million",
    )
    assert c["speaker"] == "Northgate Foods"


def test_a_clause_without_its_subject_takes_back_the_object(nlp):
    text = "Weil suggested the most likely reason the farmers are refusing to leave the valley is fear of drought."
    c = one(claims_of(nlp, text), "the most likely reason the farmers are refusing")
    assert c["speaker"] == "Weil" and "is fear of drought" in c["text"]


def test_a_statement_in_a_subordinate_clause_is_a_claim_of_its_own(nlp):
    text = "The newspaper says the driver was stopped an hour later after witnesses said he ran a red light."
    claims = claims_of(nlp, text)
    speakers = {c["speaker"] for c in claims if "he ran a red light" in c["text"]}
    assert "newspaper" in speakers


def test_a_verb_quoted_with_its_subject_is_the_quoted_speakers_claim(nlp):
    text = (
        "Amal Haddad, a hydrologist who did not work on the study, told the paper: "
        "“Although the authors found that rainfall fell, the river could still flood.”"
    )
    c = one(claims_of(nlp, text), "the river could still flood")
    assert c["speaker"] == "Amal Haddad" and c["is_direct_quote"]


def test_an_apposition_names_the_speaker(nlp):
    text = "The company that runs the festival, Harbour Lights Productions, denies that any deal has been signed."
    assert one(claims_of(nlp, text), "any deal has been signed")["speaker"] == "Harbour Lights Productions"


def test_a_dateline_is_not_a_speaker(nlp):
    text = "Leeds – Hundreds of nurses gathered outside the hospital on Monday to call for better pay and safer wards."
    assert all(c["speaker"] != "Leeds" for c in claims_of(nlp, text))


# ---------------------------------------------------------------- quotations no verb claimed


def test_a_quote_after_its_attribution_in_the_same_paragraph(nlp):
    text = (
        "“We lost the game in the first half,” Marta Okoye said. “We have to defend better. "
        "Nobody is hiding from that.”"
    )
    c = one(claims_of(nlp, text), "We have to defend better")
    assert c["speaker"] == "Marta Okoye" and c["is_direct_quote"] and "Nobody is hiding" in c["text"]


def test_a_quote_over_several_paragraphs_keeps_its_speaker(nlp):
    text = (
        "The coach, Ruth Adeyemi, said after the match: “The players showed great character tonight.\n\n"
        "“We were behind twice and we never stopped running.”\n\n"
        "The club plays again on Saturday."
    )
    c = one(claims_of(nlp, text), "we never stopped running")
    assert c["speaker"] == "Ruth Adeyemi"


def test_a_colon_introduces_the_quote(nlp):
    text = 'The harbour authority said in a statement: "Ferries will run a reduced timetable until the storm passes."'
    c = one(claims_of(nlp, text), "Ferries will run a reduced timetable")
    assert c["speaker"] == "harbour authority" and c["is_direct_quote"]


def test_any_verb_after_a_quote_gives_its_speaker(nlp):
    c = one(
        claims_of(nlp, "“We all miss the old stadium so much,” Tomas Varga joked on stage."),
        "We all miss the old stadium",
    )
    assert c["speaker"] == "Tomas Varga"


def test_a_paragraph_of_quote_alone_continues_the_last_speaker(nlp):
    text = (
        "“I just want to sing my own songs,” the singer Lena Marsh said.\n\n"
        "“I have tried to settle this quietly through my lawyers but nothing has moved.”"
    )
    c = one(claims_of(nlp, text), "settle this quietly")
    assert c["speaker"] == "Lena Marsh"


def test_a_quoted_subheading_does_not_continue_a_speaker(nlp):
    text = "“The roads are closed,” the police chief Omar Diaz said.\n\n“Severe weather warning”\n\nSnow fell all day."
    assert not any("Severe weather warning" in c["text"] for c in claims_of(nlp, text))


def test_a_quoted_phrase_is_the_words_of_its_clauses_subject(nlp):
    text = "Helen Ward described the new rules as “a betrayal of every small farmer in the county” on Monday."
    c = one(claims_of(nlp, text), "a betrayal of every small farmer")
    assert c["speaker"] == "Helen Ward"


def test_a_small_clause_does_not_take_the_quote(nlp):
    text = (
        "Rosa Lind remembered her father rehearsing there and “getting every single note wrong on purpose.”"
    )
    c = one(claims_of(nlp, text), "getting every single note wrong")
    assert c["speaker"] == "Rosa Lind"


def test_a_quoted_title_is_not_a_claim(nlp):
    text = "Maria Costa starred in “The House of the Long Summer” at the city theatre."
    assert claims_of(nlp, text) == []


# ---------------------------------------------------------------- speakers across sentences


def test_he_is_the_person_the_last_sentence_was_about(nlp):
    text = (
        "“That was perfect,” Coach Ivan Petrov said.\n\n"
        "Ryan Holt, who joked about Marek Nowak's habit of changing sticks, could see his friend's frustration.\n\n"
        "“He is used to scoring goals,” he said."
    )
    assert one(claims_of(nlp, text), "used to scoring goals")["speaker"] == "Ryan Holt"


def test_they_after_two_named_people_is_both(nlp):
    text = (
        "Governor Alan Brooks and leaders of the state senate have avoided criticising the teachers. "
        "However, they said they would not raise school funding before 2027."
    )
    c = one(claims_of(nlp, text), "would not raise school funding")
    assert "Alan Brooks" in c["speaker"]


def test_the_company_is_the_organisation_just_named(nlp):
    text = (
        "Corvane Industries posted a loss in March. Shares fell in New York. "
        "The company said it would close two plants next year."
    )
    assert one(claims_of(nlp, text), "close two plants")["speaker"] == "Corvane Industries"


def test_a_speaker_is_linked_to_its_entity(nlp):
    text = "“We will appeal,” said Daniel Okafor, the club's chairman. Okafor said the fine was unfair to the fans."
    for c in claims_of(nlp, text):
        assert c["speaker"] == "Daniel Okafor" and c["speaker_entity_id"] is not None


def test_a_small_clause_is_no_claim(nlp):
    assert claims_of(nlp, "The players found it difficult to talk about the defeat on Sunday.") == []


def test_a_verb_that_reports_with_a_clause_is_an_act_only_on_an_object(nlp):
    assert claims_of(nlp, "The new officer reported to the station chief in Leeds on Monday.") == []


def test_a_claim_carries_its_mood(nlp):
    claims = claims_of(
        nlp,
        'The harbour master told boat owners to keep their boats inside the wall. "Do not sail '
        'before Friday," she said. The mayor said the wall would be finished by June.',
    )
    assert one(claims, "keep their boats")["mood"] == "obligation"
    assert one(claims, "Do not sail")["mood"] == "prohibition"
    assert one(claims, "wall would be finished")["mood"] == "statement"


def test_a_that_clause_after_the_one_told_is_what_they_were_told(nlp):
    # the parser can read "a weekly briefing that ..." as a relative clause of the briefing
    c = one(
        claims_of(
            nlp,
            "Spokeswoman Ilse Varga told a weekly briefing that the council had bargained in good faith "
            'but had received "nothing but delays" from the contractors.',
        ),
        "the council had bargained in good faith",
    )
    assert c["speaker"] == "Ilse Varga" and c["reporting_verb"] == "tell"
    assert not any(
        "invented" in c["text"] for c in claims_of(nlp, "The mayor told a story that he had invented.")
    )
