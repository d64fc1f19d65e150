"""The one place the spaCy pipeline is loaded: once per worker process, then passed to transforms.

Four stock parts are given a faster way to the same result (`fast_components`); tests compare
the results with the stock ones. They reach into spaCy's and thinc's internals, so they apply
only to the versions they were tested with (`TESTED_VERSIONS`) and while the setting
`fast_nlp` is on; otherwise the stock pipeline runs, with one log line saying why
(docs/decisions/spacy-accelerations.md):
- the model's matrix products: numpy's BLAS instead of thinc's default, BLIS, which ran the
  shapes spaCy multiplies at about half OpenBLAS's speed on the AMD EPYC measured (same
  annotations; figures in docs/decisions/);
- the maxout and layer-norm layers of the token-to-vector networks (the pipeline's own and
  NER's): when annotating they skip what only training needs (`inference_forwards`);
- the attribute ruler: its Matcher over ~180 one-token patterns, then a Span and a Token per
  match to set each attribute, was 17% of spaCy's time;
- the rule lemmatizer: a Python call per token, ~9% of spaCy's time, though a token's lemma
  depends only on its form, part of speech and morphology.
"""

import logging
import re
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from thinc.api import use_ops
from thinc.layers import layernorm, maxout
from threadpoolctl import threadpool_limits

from flows.version import installed
from transforms.tokens import strings_passing

log = logging.getLogger("wirehouse.nlp")

# The versions whose internals the accelerations were written and tested against.
TESTED_VERSIONS = {"spacy": "3.8.7", "thinc": "8.3.11"}


def installed_versions() -> dict[str, str]:
    return {name: installed(name) for name in TESTED_VERSIONS}


def accelerations_apply(wanted: bool, installed: dict[str, str]) -> bool:
    """True when the accelerations are wanted and `installed` holds the tested versions; logs one
    line when a version differs, since the stock path then runs."""
    if not wanted:
        return False
    differ = {name: v for name, v in installed.items() if TESTED_VERSIONS.get(name) != v}
    if differ:
        log.warning(
            "spaCy accelerations off: tested with %s, installed %s; the stock pipeline runs",
            ", ".join(f"{n} {TESTED_VERSIONS[n]}" for n in differ),
            ", ".join(f"{n} {v}" for n, v in differ.items()),
        )
        return False
    return True


@Language.component("paragraph_sentences")
def paragraph_sentences(doc):
    """A line break always ends a sentence: headings, list items and datelines are not run-ons.
    spaCy's tokenizer splits text wherever it turns from whitespace to not (a token's trailing
    space is one " " at most), so a line break only ever sits in a whitespace token: only those
    are looked at, not every token of the doc."""
    for i in np.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


# The token attributes a one-token pattern may test to be answered from a lookup table, with
# the attribute id to read them by; anything else stays with spaCy's Matcher.
_TABLE_KEYS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
_TABLE_PREDICATES = {"IN", "NOT_IN", "REGEX"}
# the doc's columns of those attributes, as read by doc.to_array(_KEY_COLUMNS), and each one's place
_KEY_COLUMNS = list(_TABLE_KEYS.values())
_COLUMN_OF = {key: i for i, key in enumerate(_TABLE_KEYS)}


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


def _is_column_pattern(pattern: list[dict]) -> bool:
    """A pattern of fixed length (no operators) whose tokens test only the table's attributes,
    by a string, a flag, IN, NOT_IN or REGEX: its matches can be read off the doc's columns."""
    for spec in pattern:
        for key, value in spec.items():
            if key not in _TABLE_KEYS:
                return False
            if key == "IS_SPACE":
                if not isinstance(value, bool):
                    return False
            elif isinstance(value, dict):
                if not value or not set(value) <= _TABLE_PREDICATES:
                    return False
                if not all(isinstance(v, str) for k in ("IN", "NOT_IN") for v in value.get(k, [])):
                    return False
            elif not isinstance(value, str):
                return False
    return bool(pattern)


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
    looked up after that. Patterns of several tokens are found from the doc's columns when
    they test the same attributes (`spanning`), by a Matcher otherwise. Called on a
    doc, the result is the list the stock `match` returns, in its order (the tests compare
    them); `TableAttributeRuler` uses its parts.
    """

    def __init__(self, ruler):
        self.strings = ruler.vocab.strings
        self.table_rules: list[tuple[int, int, dict]] = []  # (attribute id, match id, token pattern)
        # longer patterns: found from the doc's columns, or (any other kind) by a Matcher
        self.column_rules: list[tuple[int, int, list[dict]]] = []
        self.matcher = Matcher(ruler.vocab)
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = self.strings[str(attr_id)]
            spanning = []
            for pattern in entry["patterns"]:
                if _is_table_pattern(pattern) and entry["index"] in (0, -1):
                    self.table_rules.append((attr_id, match_id, pattern[0]))
                elif _is_column_pattern(pattern):
                    self.column_rules.append((attr_id, match_id, pattern))
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
        self.named_forms = {get_string_id(form) for form in self.rules_by_lower}
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

    def rules(self, key: tuple[int, int, int, int]) -> list[tuple[int, int]]:
        """(attribute id, match id) of the one-token rules a token of this key matches, in order;
        the key's lower form is 0 unless some rule names it."""
        rules = self.table.get(key)
        if rules is None:
            rules = self.table[key] = self._rules_for(key)
        return rules

    def _token_mask(self, spec: dict, columns: np.ndarray) -> np.ndarray:
        """Which tokens pass one token's tests, as the Matcher evaluates them (strings by their
        ids, REGEX searched in the attribute's text), from the `_KEY_COLUMNS` array."""
        mask = np.ones(len(columns), dtype=bool)
        for key, value in spec.items():
            column = columns[:, _COLUMN_OF[key]]
            if key == "IS_SPACE":
                mask &= (column != 0) == value
            elif isinstance(value, str):
                mask &= column == get_string_id(value)
            else:
                if "IN" in value:
                    mask &= np.isin(column, [get_string_id(v) for v in value["IN"]])
                if "NOT_IN" in value:
                    mask &= ~np.isin(column, [get_string_id(v) for v in value["NOT_IN"]])
                if "REGEX" in value:
                    mask &= strings_passing(self.strings, column, _regex(value["REGEX"]).search)
        return mask

    def spanning(self, doc, columns: np.ndarray | None = None) -> list[tuple[int, int, int, int]]:
        """The matches of the patterns the table does not answer (those of several tokens):
        (attribute id, match id, start, end), unordered. `columns`: the doc's `_KEY_COLUMNS` array,
        if the caller has it."""
        found = set()
        if self.column_rules and len(doc):
            if columns is None:
                columns = doc.to_array(_KEY_COLUMNS)
            for attr_id, match_id, pattern in self.column_rules:
                starts = len(doc) - len(pattern) + 1
                if starts <= 0:
                    continue
                ok = np.ones(starts, dtype=bool)
                for offset, spec in enumerate(pattern):
                    ok &= self._token_mask(spec, columns)[offset : offset + starts]
                    if not ok.any():
                        break
                found.update(
                    (attr_id, match_id, start, start + len(pattern)) for start in np.flatnonzero(ok).tolist()
                )
        if len(self.matcher):
            found.update(
                (int(self.strings[match_id]), match_id, start, end)
                for match_id, start, end in self.matcher(doc, allow_missing=True)
            )
        return list(found)

    def __call__(self, doc) -> list[tuple[int, int, int, int]]:
        named = self.named_forms
        matches = []
        for i, (tag, lower, dep, is_space) in enumerate(doc.to_array(_KEY_COLUMNS).tolist()):
            for attr_id, match_id in self.rules((tag, lower if lower in named else 0, dep, is_space)):
                matches.append((attr_id, match_id, i, i + 1))
        matches.extend(self.spanning(doc))
        matches.sort()
        return matches


class TableAttributeRuler:
    """The attribute ruler's annotations, worked out per distinct token and written as columns.

    The stock component applies each match through a Span and a Token, several times per token
    (most tokens match a tag-map rule and a word rule). What the one-token rules leave on a token
    depends on its tag, lower form, dependency and is-space flag alone (the keys of
    `TableAttributeMatches`), so it is merged once per distinct key, in the ruler's order, and the
    doc's columns are written in one go. A token a pattern of several tokens points at gets all
    its rules applied one by one, in the order the stock `set_annotations` applies them.
    """

    COLUMNS = (LEMMA, POS, TAG, DEP, MORPH)

    def __init__(self, ruler):
        self.matches = TableAttributeMatches(ruler)
        self.attrs = ruler.attrs
        self.indices = ruler.indices
        self.column = {attr: j for j, attr in enumerate(self.COLUMNS)}
        self.named_forms = np.fromiter(self.matches.named_forms, dtype=np.uint64)
        self.merged: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}  # key -> (columns set, values)

    @staticmethod
    def handles(ruler) -> bool:
        """Whether every rule sets only token columns this class writes (no extension attributes,
        no NORM), the only kind it can stand in for."""
        return all(set(attrs) <= set(TableAttributeRuler.COLUMNS) for attrs in ruler.attrs)

    def _apply(self, row: np.ndarray, attr_ids) -> None:
        for attr_id in attr_ids:
            for attr, value in self.attrs[attr_id].items():
                row[self.column[attr]] = value

    def _merged(self, key: tuple) -> tuple[np.ndarray, np.ndarray]:
        found = self.merged.get(key)
        if found is None:
            values = np.zeros(len(self.COLUMNS), dtype=np.uint64)
            mask = np.zeros(len(self.COLUMNS), dtype=bool)
            for attr_id, _ in self.matches.rules(key):
                for attr, value in self.attrs[attr_id].items():
                    values[self.column[attr]] = value
                    mask[self.column[attr]] = True
            found = self.merged[key] = (mask, values)
        return found

    def __call__(self, doc):
        if not len(doc):
            return doc
        columns = doc.to_array(_KEY_COLUMNS)
        keys = columns.copy()
        keys[:, 1] = np.where(np.isin(keys[:, 1], self.named_forms), keys[:, 1], 0)
        distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        merged = [self._merged(tuple(key)) for key in distinct.tolist()]
        masks = np.array([mask for mask, _ in merged])
        values = np.array([value for _, value in merged])
        before = doc.to_array(list(self.COLUMNS))
        after = np.where(masks[inverse], values[inverse], before)
        # tokens a longer pattern points at: every rule of theirs, in the stock order
        spanning: dict[int, list[tuple]] = {}
        for attr_id, match_id, start, end in self.matches.spanning(doc, columns):
            index = self.indices[attr_id]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                raise ValueError(f"attribute ruler pattern {attr_id}: index {index} outside its match")
            spanning.setdefault(target, []).append((attr_id, match_id, start, end))
        for i, found in spanning.items():
            rules = [
                (attr_id, match_id, i, i + 1)
                for attr_id, match_id in self.matches.rules(tuple(keys[i].tolist()))
            ]
            row = before[i].copy()
            self._apply(row, [attr_id for attr_id, *_ in sorted(rules + found)])
            after[i] = row
        changed = (after != before).any(axis=0)
        if changed.any():
            doc.from_array(
                [attr for attr, on in zip(self.COLUMNS, changed, strict=True) if on], after[:, changed]
            )
        return doc


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


@Language.factory("table_attribute_ruler")
def table_attribute_ruler(nlp: Language, name: str) -> TableAttributeRuler:
    """The pipeline's attribute ruler, answered from tables (added in its place by load_nlp)."""
    return TableAttributeRuler(nlp.get_pipe("attribute_ruler"))


@Language.factory("table_lemmatizer")
def table_lemmatizer(nlp: Language, name: str) -> TableLemmas:
    """The pipeline's rule lemmatizer, answered from a table (added in its place by load_nlp)."""
    return TableLemmas(nlp.get_pipe("lemmatizer"))


def _no_gradient(d_output):
    raise ValueError("this layer ran with is_train=False, which keeps nothing to compute a gradient from")


def _maxout_for_inference(model, X, is_train):
    """thinc's maxout layer, whose forward also records which piece won each output (an int per
    output, for the gradient): when annotating, only the winning values are computed, by
    element-wise maximum (~9x faster; the values are those of thinc's op)."""
    if is_train:
        return maxout.forward(model, X, is_train)
    n_out, n_pieces, n_in = model.get_dim("nO"), model.get_dim("nP"), model.get_dim("nI")
    weights = model.ops.reshape2f(model.get_param("W"), n_out * n_pieces, n_in)
    scores = model.ops.gemm(X, weights, trans2=True)
    scores += model.ops.reshape1f(model.get_param("b"), n_out * n_pieces)
    pieces = model.ops.reshape3f(scores, scores.shape[0], n_out, n_pieces)
    best = pieces[..., 0].copy()
    for piece in range(1, n_pieces):
        np.maximum(best, pieces[..., piece], out=best)
    return best, _no_gradient


def _layernorm_for_inference(model, X, is_train):
    """thinc's layer norm, whose forward keeps its intermediate arrays for the gradient: when
    annotating, the same operations in the same order, in place, two arrays the size of X fewer."""
    if is_train:
        return layernorm.forward(model, X, is_train)
    mean = X.mean(axis=1, keepdims=True)
    variance = X.var(axis=1, keepdims=True) + 1e-08
    normalised = X - mean
    normalised *= variance ** (-1.0 / 2.0)
    normalised *= model.get_param("G")
    normalised += model.get_param("b")
    return normalised, _no_gradient


# thinc's forward functions (pinned thinc 8.3) -> the same layer's inference-only forward
INFERENCE_FORWARDS = {maxout.forward: _maxout_for_inference, layernorm.forward: _layernorm_for_inference}


def inference_forwards(models) -> int:
    """Gives every maxout and layer-norm layer of the thinc `models` the forward above: in the
    pipeline's two token-to-vector networks they were most of the time (thinc's maxout also
    records, for the gradient, which piece won). Training (is_train=True) still runs thinc's own.
    Returns how many layers were changed."""
    changed = 0
    for model in models:
        for layer in model.walk():
            faster = INFERENCE_FORWARDS.get(layer._func)
            if faster is not None:
                layer._func = faster
                changed += 1
    return changed


@lru_cache(maxsize=2)
def load_nlp(model_name: str, fast_components: bool | None = None) -> Language:
    """The named spaCy pipeline with the components wirehouse needs.

    NER feeds entities; the parser feeds claims and events (speaker, content, actor, target);
    the lemmatizer gives the lexicon keys. Paragraph breaks are made sentence breaks before parsing.
    `fast_components`: the accelerations; by default the setting `fast_nlp`, and in either case
    only on the tested versions.
    """
    if fast_components is None:
        from flows.settings import Settings

        fast_components = Settings().fast_nlp
    fast_components = accelerations_apply(fast_components, installed_versions())
    if fast_components:
        # One BLAS thread: a run's parallelism is a worker process per core, and BLAS threads
        # on top made two workers fight over both cores (spaCy ~1.8x slower, measured).
        threadpool_limits(limits=1, user_api="blas")
        with use_ops("numpy", use_blis=False):  # each layer keeps the ops it was built with
            nlp = spacy.load(model_name)
        inference_forwards(
            component.model
            for _, component in nlp.pipeline
            if hasattr(getattr(component, "model", None), "walk")
        )
    else:
        nlp = spacy.load(model_name)
    if "parser" in nlp.pipe_names and "paragraph_sentences" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_sentences", before="parser")
    if (
        fast_components
        and "attribute_ruler" in nlp.pipe_names
        and TableAttributeRuler.handles(nlp.get_pipe("attribute_ruler"))
    ):
        nlp.add_pipe("table_attribute_ruler", before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    if fast_components and "lemmatizer" in nlp.pipe_names and nlp.get_pipe("lemmatizer").mode == "rule":
        nlp.add_pipe("table_lemmatizer", before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    return nlp
