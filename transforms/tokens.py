"""Finding the few tokens of a parsed article that a rule can fire on.

The claim, event and entity rules each start from a word list (reporting verbs, event triggers,
group nouns) and skip every other token. Walking a doc token by token in Python builds a Token
object per token and reads its strings, ~1 µs a token, several walks an article; the doc's
arrays answer the same question with one lookup per distinct word.
"""

from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence

import numpy as np


def strings_passing(strings, ids: np.ndarray, test: Callable[[str], bool]) -> np.ndarray:
    """Which of a doc column's string ids name a string that passes `test`, as a boolean mask:
    the test runs once per distinct id, not once per token."""
    distinct, inverse = np.unique(ids, return_inverse=True)
    passed = [bool(test(strings[key])) for key in distinct.tolist()]
    return np.array(passed, dtype=bool)[inverse.reshape(-1)]


def tokens_with(
    doc, lemmas: Collection[str] = (), forms: Collection[str] = (), deps: Collection[str] = ()
) -> list[int]:
    """Indices, in order, of the doc's tokens whose lower-cased lemma is in `lemmas`, whose
    lower-cased form is in `forms` or whose dependency label is in `deps` (as
    `token.lemma_.lower()`, `token.lower_` and `token.dep_` give them)."""
    if not len(doc) or not (lemmas or forms or deps):
        return []
    # imported here: the link step imports this module (through the entity rules' name keys) in
    # the flow's own process, which never parses and so need not import spaCy
    from spacy.attrs import DEP, LEMMA, LOWER

    columns = doc.to_array([LEMMA, LOWER, DEP])
    found = np.zeros(len(doc), dtype=bool)
    if lemmas:
        found |= strings_passing(doc.vocab.strings, columns[:, 0], lambda lemma: lemma.lower() in lemmas)
    if forms:
        found |= strings_passing(doc.vocab.strings, columns[:, 1], forms.__contains__)
    if deps:
        found |= strings_passing(doc.vocab.strings, columns[:, 2], deps.__contains__)
    return np.flatnonzero(found).tolist()


def in_sentence(indices: Sequence[int], sent) -> list[int]:
    """The `indices` (sorted) that fall in the sentence `sent`."""
    return list(indices[bisect_left(indices, sent.start) : bisect_left(indices, sent.end)])
