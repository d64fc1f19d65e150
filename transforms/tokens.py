"""Finding the few tokens of a parsed article that a rule can fire on.

The claim, event and entity rules each start from a word list (reporting verbs, event triggers,
group nouns) and skip every other token. Walking a doc token by token in Python builds a Token
object per token and reads its strings, ~1 µs a token, several walks an article; the doc's
arrays answer the same question with one lookup per distinct word.
"""

from bisect import bisect_left
from collections.abc import Collection, Sequence

import numpy as np
from spacy.attrs import LEMMA, LOWER


def _in_words(strings, ids: np.ndarray, words: Collection[str], lower: bool) -> np.ndarray:
    distinct, inverse = np.unique(ids, return_inverse=True)
    hits = [(strings[key].lower() if lower else strings[key]) in words for key in distinct.tolist()]
    return np.array(hits, dtype=bool)[inverse.reshape(-1)]


def tokens_with(doc, lemmas: Collection[str] = (), forms: Collection[str] = ()) -> list[int]:
    """Indices, in order, of the doc's tokens whose lower-cased lemma is in `lemmas` or whose
    lower-cased form is in `forms` (as `token.lemma_.lower()` and `token.lower_` give them)."""
    if not len(doc) or not (lemmas or forms):
        return []
    columns = doc.to_array([LEMMA, LOWER])
    found = np.zeros(len(doc), dtype=bool)
    if lemmas:
        found |= _in_words(doc.vocab.strings, columns[:, 0], lemmas, lower=True)
    if forms:
        found |= _in_words(doc.vocab.strings, columns[:, 1], forms, lower=False)
    return np.flatnonzero(found).tolist()


def in_sentence(indices: Sequence[int], sent) -> list[int]:
    """The `indices` (sorted) that fall in the sentence `sent`."""
    return list(indices[bisect_left(indices, sent.start) : bisect_left(indices, sent.end)])
