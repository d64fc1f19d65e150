"""The speaker memory: pronouns, roles, bodies and documents, on composed mentions."""

from transforms.speakers import Referent, SpeakerMemory


def mention(text, name, label, entity_id, canonical=None):
    start = text.index(name)
    return {
        "start": start,
        "end": start + len(name),
        "label": label,
        "canonical": canonical or name,
        "entity_id": entity_id,
        "text": name,
    }


def test_a_pronoun_is_the_latest_referent_it_can_name():
    text = "Ana Ruiz spoke. Corvane Ltd answered. Later he and it replied."
    memory = SpeakerMemory(text, [], [])
    memory.add_referent(Referent(0, "Ana Ruiz", "p1", True, "PERSON"))
    memory.add_referent(Referent(16, "Corvane Ltd", "o1", False, "ORG"))
    at = text.index("he and")
    assert memory.resolve("he", at, at + 2)[:2] == ("Ana Ruiz", "p1")
    assert memory.resolve("it", at + 7, at + 9)[:2] == ("Corvane Ltd", "o1")
    # nothing named before: no speaker
    assert memory.resolve("she", 0, 3)[0] is None


def test_a_role_before_a_name_names_that_person():
    text = "Interior Minister Rafael Ortega arrived."
    memory = SpeakerMemory(text, [mention(text, "Rafael Ortega", "PERSON", "p1")], [])
    assert memory.resolve("the interior minister", 40, 60)[:2] == ("Rafael Ortega", "p1")
    # a modifier is not a role on its own: "the party" is not the minister
    assert memory.resolve("the chairman of the party", 40, 65)[0] == "the chairman of the party"


def test_a_possessor_is_not_the_speaker():
    text = "The reporter Nisan Ali's source said the claim was false."
    memory = SpeakerMemory(text, [mention(text, "Nisan Ali", "PERSON", "p1")], [])
    phrase = "The reporter Nisan Ali's source"
    head = text.index("source")
    assert memory.resolve(phrase, 0, len(phrase), head)[0] == phrase


def test_a_statement_is_its_issuers_and_a_letter_is_itself():
    text = "In a statement, the ministry said the port was open."
    memory = SpeakerMemory(text, [], [])
    memory.remember("ministry", None, text, text.index("said"))
    assert memory.resolve("the statement", 100, 113)[0] == "ministry"
    assert memory.resolve("the letter", 100, 110)[0] == "the letter"


def test_names_inside_quotations_are_not_referents():
    text = "“Parise is great,” he said."
    memory = SpeakerMemory(text, [], [(0, text.index("”") + 1)])
    assert memory.inside_quotation(text.index("Parise")) and not memory.inside_quotation(text.index("he"))


def test_people_and_bodies():
    memory = SpeakerMemory("", [], [])
    memory.remember("the spokesperson", None, "", 0)
    memory.remember("officials", None, "", 5)
    memory.remember("the company", None, "", 9)
    assert [r.person for r in memory.referents] == [True, False, False]
