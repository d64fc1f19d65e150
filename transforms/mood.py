"""What a claim asks for, read from its parse: that something be done ("obligation"), that it not
be done ("prohibition"), or neither: a report of what is, was or will be ("statement").

Two outlets can report one scene in the same words as an order and as a fact ("families must
leave the low streets" against "families left the low streets"); the link step keeps claims of
different moods apart (transforms/links.py). Each construction is a small rule:
- a deontic modal: "should", "must", "ought to", "shall", negated or not;
- a need: "has to", "needs to" before a verb;
- a reported instruction, whose content opens with the infinitive: "told residents to leave"
  gives "to leave …", "urged them not to …" gives "not to …";
- an imperative: the content opens with a bare verb that has no subject ("Hold onto your
  bedding", "Don't panic", "Never throw them out").

Claims loaded before their mood was parsed are read from their words alone (`mood_of_text`).
"""

import re

DEONTIC_MODALS = frozenset({"should", "must", "ought", "shall"})
NEEDS = frozenset({"have", "need"})
# words that may stand before an imperative's verb: "But mention it …", "So please keep …"
OPENERS = frozenset({"but", "and", "so", "please", "then", "now", "just", "also", "simply"})
NEGATIONS = frozenset({"not", "n't", "never"})


def _negated(token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _deontic_modal(tokens) -> str | None:
    """ "residents should leave", "you must not go", "they ought to pay"."""
    for token in tokens:
        if token.tag_ == "MD" and token.lower_ in DEONTIC_MODALS:
            after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
            negated = (
                _negated(token) or _negated(token.head) or (after is not None and after.lower_ in NEGATIONS)
            )
            return "prohibition" if negated else "obligation"
    return None


def _need(tokens) -> str | None:
    """ "the city has to pay", "we need to act" (not "do not need to": no obligation)."""
    for i, token in enumerate(tokens[:-2]):
        if token.lemma_ in NEEDS and tokens[i + 1].lower_ == "to" and tokens[i + 2].tag_ == "VB":
            return None if _negated(token) else "obligation"
    return None


def _reported_instruction(tokens) -> str | None:
    """Content that opens with the infinitive of a reported instruction: "to leave by noon",
    "not to throw them out"."""
    words = [t for t in tokens if not t.is_punct]
    if len(words) >= 2 and words[0].lower_ == "to" and words[1].tag_ == "VB":
        return "obligation"
    if len(words) >= 3 and words[0].lower_ == "not" and words[1].lower_ == "to" and words[2].tag_ == "VB":
        return "prohibition"
    return None


def _imperative(tokens) -> str | None:
    """Content that opens with a bare verb and no subject: "Hold onto your bedding", "Don't
    panic", "Never throw them out", "But mention it to your doctor"."""
    words = [t for t in tokens if not t.is_punct]
    while words and words[0].lower_ in OPENERS:
        words = words[1:]
    if not words:
        return None
    first = words[0]
    if first.lower_ == "never" and len(words) > 1 and words[1].tag_ == "VB":
        return "prohibition"
    if first.lower_ == "do" and len(words) > 2 and words[1].lower_ in NEGATIONS and words[2].tag_ == "VB":
        return "prohibition"
    subject = any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in first.children)
    if first.tag_ == "VB" and first.dep_ in ("ROOT", "conj", "ccomp") and not subject:
        return "obligation"
    return None


def claim_mood(tokens) -> str:
    """The mood of a claim's content, `tokens` its parsed words (a spaCy span)."""
    for rule in (_reported_instruction, _imperative, _deontic_modal, _need):
        found = rule(tokens)
        if found:
            return found
    return "statement"


# what must be done: "should", "must", "has to", "needs to", or a reported instruction ("told them
# to leave": the claim is "to leave ..."); and what must not: "shouldn't", "must not", "not to"
_OBLIGATION = re.compile(
    r"^\W*to\s+[^\W\d_]|\b(?:should|must)\b|\bought\s+to\b|\b(?:has|have|need|needs)\s+to\b",
    re.IGNORECASE,
)
_PROHIBITION = re.compile(
    r"^\W*not\s+to\b|\b(?:should|must)(?:n[’']t|\s+not|\s+never)\b|\bought\s+not\b", re.IGNORECASE
)


def mood_of_text(text: str | None) -> str:
    """Whether a claim says what must be done ("obligation": "residents should leave", "to get
    rid of the blankets" from "told him to get rid of ..."), what must not ("prohibition":
    "people shouldn't throw them out"), or what is or was ("statement"), from its words alone:
    the link step's fallback for claims loaded before the analyse step parsed their mood
    (`claim_mood`, which also reads imperatives)."""
    if _PROHIBITION.search(text or ""):
        return "prohibition"
    return "obligation" if _OBLIGATION.search(text or "") else "statement"
