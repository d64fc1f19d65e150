"""A claim's mood from its parse: one test per construction, on sentences composed for it."""

import pytest

from transforms.mood import claim_mood


@pytest.mark.parametrize(
    "text,mood",
    [
        ("residents on the low streets should leave before dark", "obligation"),
        ("the council must not sell the quays", "prohibition"),
        ("owners of boats shouldn't panic or cut their moorings", "prohibition"),
        ("the port has to pay for the new wall", "obligation"),
        ("the port does not need to pay for the wall", "statement"),
        ("to keep the boats inside the harbour wall until Friday", "obligation"),  # "told them to keep …"
        ("not to sail before the storm passes", "prohibition"),
        ("Keep your boat tied up, and if the water rises, call the harbour office", "obligation"),
        ("But call the harbour office if the water rises", "obligation"),
        ("Don't cut the moorings", "prohibition"),
        ("Never sail into the storm", "prohibition"),
        ("families from the low streets left for the school gym", "statement"),
        ("the wall will be finished by June", "statement"),
        ("We got the boats in. We got them all in.", "statement"),
    ],
)
def test_a_claims_mood(nlp, text, mood):
    assert claim_mood(nlp(text)) == mood
