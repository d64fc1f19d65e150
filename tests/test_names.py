"""Name identity rules, on names composed for them."""

import pytest

from transforms.entities import entity_id_for, identity_key
from transforms.names import (
    first_names_agree,
    initialisms,
    org_key,
    people_key,
    person_key,
    same_person,
    surname_of,
)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Maria L. Okonkwo", "Maria Okonkwo"),  # a middle initial
        ("Maria Louise Okonkwo", "Maria Okonkwo"),  # a middle name
        ("Daniel Reyes Jr.", "Daniel Reyes"),  # a generational suffix
        ("Daniel R. Reyes III", "Daniel Reyes"),
        ("Daniel Reyes, Jr.", "DANIEL REYES"),
    ],
)
def test_one_person_written_several_ways_has_one_key(a, b):
    assert person_key(a) == person_key(b)
    assert entity_id_for(a, "PERSON") == entity_id_for(b, "PERSON")


def test_relatives_who_share_a_surname_have_two_keys():
    assert person_key("Ruth Okonkwo") != person_key("Samuel Okonkwo")
    assert not same_person("Ruth Okonkwo", "Samuel Okonkwo")


def test_a_company_and_the_person_it_is_named_after_stay_two():
    assert entity_id_for("Okonkwo", "ORG") != entity_id_for("Okonkwo", "PERSON")
    assert identity_key("Okonkwo Motors", "ORG")[0] == "thing"


@pytest.mark.parametrize(
    "short, full, agree",
    [
        ("Pat", "Patrick", True),
        ("P.", "Patrick", True),
        ("Patrick", "Patrick", True),
        ("Al", "Albert", False),
        ("Sam", "Patrick", False),
    ],
)
def test_a_clipped_or_initial_first_name_agrees_with_the_full_one(short, full, agree):
    assert first_names_agree(short, full) is agree


def test_a_shorter_first_name_with_the_same_surname_is_the_same_person():
    assert same_person("Pat Reyes", "Patrick W. Reyes Jr.")
    assert not same_person("Pat Reyes", "Patrick Quinn")


def test_a_surname_of_one_or_several_words_ends_the_full_name():
    assert surname_of("Reyes", "Daniel Reyes")
    assert surname_of("De La Cruz", "Ana De La Cruz")
    assert not surname_of("Daniel Reyes", "Daniel Reyes")
    assert not surname_of("W. Reyes", "Patrick W. Reyes")


def test_a_department_named_either_way_is_one_organisation():
    assert org_key("the Transport Department") == org_key("Department of Transport")
    assert org_key("Interior Ministry") == org_key("the Ministry of the Interior")
    assert entity_id_for("Transport Department", "ORG") == entity_id_for("Department of Transport", "ORG")
    assert org_key("Transport Department") != org_key("Health Department")


def test_initialisms_count_capitalised_words_or_every_word():
    assert initialisms("Department of Transport") == {"DT", "DOT"}
    assert "WFO" in initialisms("World Farming Organisation")


@pytest.mark.parametrize(
    "a, b", [("Uighur", "Uyghur"), ("Tuareg", "Touareg"), ("Kirghiz", "Kyrgyz"), ("Tadjik", "Tajik")]
)
def test_a_people_romanised_two_ways_is_one_entity(a, b):
    assert people_key(a) == people_key(b)
    assert entity_id_for(a, "NORP") == entity_id_for(b, "NORP")


def test_only_peoples_are_compared_romanised():
    # a person's or a company's spelling is its own: "Yousuf" and "Yusuf" may be two people
    assert entity_id_for("Omar Yousuf", "PERSON") != entity_id_for("Omar Yusuf", "PERSON")
    assert entity_id_for("Kool Foods", "ORG") != entity_id_for("Kul Foods", "ORG")
    assert people_key("Uzbek") != people_key("Tajik")
