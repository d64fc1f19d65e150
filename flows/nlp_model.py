"""The one place the spaCy pipeline is loaded: once per worker process, then passed to transforms.

Two stock components are given a faster way to the same result (`fast_components`); tests
compare the results with the stock ones:
- the attribute ruler: its Matcher over ~180 one-token patterns was 17% of spaCy's time;
- the rule lemmatizer: a Python call per token, ~9% of spaCy's time, though a token's lemma
  depends only on its form, part of speech and morphology.
"""

import re
from functools import lru_cache

import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import hash_string


@Language.component("paragraph_sentences")
def paragraph_sentences(doc):
    """A line break always ends a sentence: headings, list items and datelines are not run-ons."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


# The token attributes a one-token pattern may test to be answered from a lookup table, with
# the attribute id to read them by; anything else stays with spaCy's Matcher.
_TABLE_KEYS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
_TABLE_PREDICATES = {"IN", "NOT_IN", "REGEX"}


def _is_table_pattern(pattern: list[dict]) -> bool:
    """One token, tested only on the table's attributes; its lower form, if tested, named
    outright (a string or an IN list), so that the words it can match are known in advance."""
    if len(pattern) != 1:
        return False
    for key, value in pattern[0].items():
        if key not in _TABLE_KEYS:
            return False
        if isinstance(value, dict) and not set(value) <= _TABLE_PREDICATES:
            return False
        if not isinstance(value, dict | str | bool):
            return False
        if key == "LOWER" and isinstance(value, dict) and set(value) != {"IN"}:
            return False
    return True


def _value_matches(spec, value) -> bool:
    """One attribute test of a Matcher token pattern, as the Matcher evaluates it."""
    if isinstance(spec, dict):
        if "IN" in spec and value not in spec["IN"]:
            return False
        if "NOT_IN" in spec and value in spec["NOT_IN"]:
            return False
        if "REGEX" in spec and not _regex(spec["REGEX"]).search(value):
            return False
        return True
    return spec == value


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class TableAttributeMatches:
    """The attribute ruler's `match`, answered from a table for its one-token patterns.

    The stock `match` runs a Matcher of every pattern over every token. Nearly all the
    patterns test one token's tag, lower form, dependency and is-space flag, so their matches
    depend on those four values alone: they are worked out once per distinct combination and
    looked up after that. Patterns of several tokens still go through a Matcher. The result is
    the list the stock `match` returns, in its order, so the ruler's own `set_annotations`
    applies it unchanged.
    """

    def __init__(self, ruler):
        self.strings = ruler.vocab.strings
        self.table_rules: list[tuple[int, int, dict]] = []  # (attribute id, match id, token pattern)
        self.matcher = Matcher(ruler.vocab)
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = self.strings[str(attr_id)]
            spanning = []
            for pattern in entry["patterns"]:
                if _is_table_pattern(pattern) and entry["index"] in (0, -1):
                    self.table_rules.append((attr_id, match_id, pattern[0]))
                else:
                    spanning.append(pattern)
            if spanning:
                self.matcher.add(match_id, spanning)
        # A new combination is checked against few rules: those naming its lower form (one dict
        # lookup), and the rest, which don't look at the form, once per tag/dependency/space.
        self.rules_by_lower: dict[str, list] = {}
        self.rules_without_lower = []
        for rule in self.table_rules:
            lower = rule[2].get("LOWER")
            if lower is None:
                self.rules_without_lower.append(rule)
            else:
                for form in [lower] if isinstance(lower, str) else lower["IN"]:
                    self.rules_by_lower.setdefault(form, []).append(rule)
        # The table is keyed by the lower form only for forms some rule names: every other word
        # shares its tag/dependency/space entry, so the table stays small however many words a
        # worker reads.
        self.named_forms = {hash_string(form) for form in self.rules_by_lower}
        self.formless: dict[tuple, list] = {}
        self.table: dict[tuple, list[tuple[int, int]]] = {}

    @staticmethod
    def _matching(rules, values: dict) -> list:
        return [
            rule
            for rule in rules
            if all(_value_matches(spec, values[name]) for name, spec in rule[2].items())
        ]

    def _rules_for(self, key: tuple[int, int, int, int]) -> list[tuple[int, int]]:
        tag, lower, dep, is_space = key
        values = {
            "TAG": self.strings[tag] if tag else "",
            "LOWER": self.strings[lower] if lower else "",
            "DEP": self.strings[dep] if dep else "",
            "IS_SPACE": bool(is_space),
        }
        formless = self.formless.get((tag, dep, is_space))
        if formless is None:
            formless = self.formless[(tag, dep, is_space)] = self._matching(self.rules_without_lower, values)
        found = formless + self._matching(self.rules_by_lower.get(values["LOWER"], []), values)
        return sorted({(attr_id, match_id) for attr_id, match_id, _ in found})

    def __call__(self, doc) -> list[tuple[int, int, int, int]]:
        named = self.named_forms
        matches = []
        for i, (tag, lower, dep, is_space) in enumerate(doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()):
            key = (tag, lower if lower in named else 0, dep, is_space)
            rules = self.table.get(key)
            if rules is None:
                rules = self.table[key] = self._rules_for(key)
            for attr_id, match_id in rules:
                matches.append((attr_id, match_id, i, i + 1))
        for match_id, start, end in self.matcher(doc, allow_missing=True):
            matches.append((int(self.strings[match_id]), match_id, start, end))
        matches.sort()
        return matches


class TableLemmas:
    """A rule lemmatizer's lemmas, worked out once per (form, part of speech, morphology).

    The stock component calls the lemmatizer for each token, through Token objects; this reads
    the doc's keys as one array, asks the lemmatizer only for combinations not seen before (the
    lemma depends on nothing else) and writes the lemmas back as one array. A token that already
    has a lemma (the attribute ruler sets some) keeps it unless the lemmatizer overwrites.
    """

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self.strings = lemmatizer.vocab.strings
        self.table: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        if not len(doc):
            return doc
        keys = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = keys[:, 3].copy()
        overwrite = self.lemmatizer.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(keys.tolist()):
            if lemma and not overwrite:
                continue
            found = self.table.get((orth, pos, morph))
            if found is None:
                found = self.table[(orth, pos, morph)] = self.strings.add(
                    self.lemmatizer.lemmatize(doc[i])[0]
                )
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas)
        return doc


@Language.factory("table_lemmatizer")
def table_lemmatizer(nlp: Language, name: str) -> TableLemmas:
    """The pipeline's rule lemmatizer, answered from a table (added in its place by load_nlp)."""
    return TableLemmas(nlp.get_pipe("lemmatizer"))


@lru_cache(maxsize=2)
def load_nlp(model_name: str, fast_components: bool = True) -> Language:
    """The named spaCy pipeline with the components wirehouse needs.

    NER feeds entities; the parser feeds claims and events (speaker, content, actor, target);
    the lemmatizer gives the lexicon keys. Paragraph breaks are made sentence breaks before parsing.
    """
    nlp = spacy.load(model_name)
    if "parser" in nlp.pipe_names and "paragraph_sentences" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_sentences", before="parser")
    if fast_components and "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        ruler.match = TableAttributeMatches(ruler)
    if fast_components and "lemmatizer" in nlp.pipe_names and nlp.get_pipe("lemmatizer").mode == "rule":
        nlp.add_pipe("table_lemmatizer", before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    return nlp
