"""Who is speaking: an article's speaker memory, for attribution across sentences and paragraphs.

What the memory holds, and how a speaker phrase is resolved with it:
- **Referents**, in text order: every named person or organisation that is the subject of a
  clause outside a quotation, and every claim's speaker where its attribution stands. A pronoun
  is the latest referent before it that can be what it names: "he" and "she" a person (or a role
  people hold), "it" and "they" an organisation, a country or a group. The subject of a clause is
  what a news sentence is about, so "Suter could see the frustration on his friend's face. “...,”
  he said." is Suter's, though the friend was named after him; names inside quotations are
  someone else's words and never become referents.
- **Role-named people**: a role written before a name ("Interior Minister Rafael Ortega") names that
  person, so a later "the interior minister said" is theirs.
- **Speaker forms**: the subjects of every reporting verb of the article, so a short role ("the
  spokesperson") takes its fullest form ("Pakistan's Foreign Office Spokesperson").
- **The issuer of a statement**: "In a statement, X said ..." makes a later "the statement said" X's.

A phrase whose head is a named entity resolves to that entity; one whose head is a common noun
("a source close to the club") stays the phrase: a possessor or a name inside it is not the
speaker ("the reporter's source said" is the source's).
"""

import bisect
import re
from dataclasses import dataclass

from transforms.entities import ROLE_ONLY, ROLE_WORDS

# Nouns for a job that head a role written before a name ("chief executive", "editor").
JOB_NOUNS = frozenset(
    "executive officer manager founder co-founder owner editor economist analyst secretary-general".split()
)
# Words that make up a role written before a person's name: its head and what modifies it.
ROLE_VOCABULARY = (
    ROLE_WORDS
    | JOB_NOUNS
    | frozenset(
        "regional general national party union police army military opposition health education "
        "trade economy environment justice home energy".split()
    )
)
# Words a role can end with: the head of "Defence Minister", not its modifiers ("party", "health").
ROLE_HEADS = ROLE_ONLY | JOB_NOUNS
PERSON_PRONOUNS = frozenset(["he", "she", "him", "her"])
GROUP_PRONOUNS = frozenset(["it", "they", "them"])
PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | {"we", "i"}
GROUP_LABELS = frozenset(["ORG", "NORP", "GPE"])
# Nouns a text uses for an organisation it has named ("the company said").
ORGANISATION_NOUNS = frozenset("company firm group agency organization organisation club chain".split())
# Nouns for a body or a document: "it" or "they", never "he" or "she".
BODIES = frozenset(
    "company firm group agency ministry government department office police club team union board "
    "council committee court commission authority party report statement study survey letter post "
    "website paper newspaper network league association organization organisation administration "
    "campaign service label".split()
)
_STATEMENT = re.compile(r"(?:the |this |that )?(?:statement|communiqu[eé]|release|readout)")
_BARE_BODY = re.compile(r"(?:the |this )?([a-z]+)")


@dataclass(frozen=True)
class Referent:
    at: int  # where it was named
    name: str
    entity_id: str | None
    person: bool  # a person ("he", "she") or a group ("it", "they")
    label: str = ""  # the entity type, when it names one


@dataclass(frozen=True)
class Form:
    """A reporting verb's subject as written: its words, their offsets, and its head's offset."""

    phrase: str
    start: int
    end: int
    head_at: int


class SpeakerMemory:
    """The speaker memory of one article (see the module's docstring)."""

    def __init__(self, text: str, mentions: list[dict], quotations: list[tuple[int, int]]):
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m["start"])
        self._starts = [m["start"] for m in self.mentions]
        self._labels: dict[str, list[str]] = {}  # entity id -> the labels of its mentions, in order
        for m in self.mentions:
            self._labels.setdefault(m["entity_id"], []).append(m["label"])
        self.quotations = quotations
        self.referents: list[Referent] = []
        self._referent_at: list[int] = []
        self.forms: list[Form] = []
        self.statement_issuer: tuple[str, str | None] | None = None
        self.role_person = self._role_people()

    def _role_people(self) -> dict[str, tuple[str, str]]:
        """Role -> (person, entity id) for each run of role words right before a person's name:
        "Interior Minister Rafael Ortega", "Northgate's chief executive Daniel Okafor"."""
        roles = {}
        for m in self.mentions:
            if m["label"] != "PERSON":
                continue
            before = re.findall(r"[\w.’'-]+", self.text[max(0, m["start"] - 80) : m["start"]])
            run = []
            for word in reversed(before):
                if word.lower().rstrip(".") in ROLE_VOCABULARY:
                    run.append(word.lower().rstrip("."))
                else:
                    break
            if run and run[0] in ROLE_HEADS:
                roles[" ".join(reversed(run))] = (m["canonical"], m["entity_id"])
        return roles

    # ---------------------------------------------------------------- what the memory is told

    def inside_quotation(self, offset: int) -> bool:
        return any(a < offset < b for a, b in self.quotations)

    def add_referent(self, referent: Referent) -> None:
        i = bisect.bisect_right(self._referent_at, referent.at)
        self._referent_at.insert(i, referent.at)
        self.referents.insert(i, referent)

    def follow_subjects(self, doc, subjects: list[int]) -> None:
        """Take every clause subject of the parsed article (`subjects`: their token indices, in
        order) that names a person or a group, pronoun subjects resolved as they come; none
        inside a quotation."""
        for token in (doc[i] for i in subjects):
            # a relative clause's subject is not what the sentence is about ("Braun worked with
            # stars whom Swift has feuded with")
            if self.inside_quotation(token.idx) or token.head.dep_ in ("relcl", "acl"):
                continue
            low = token.lower_
            conjoined = [c for c in token.children if c.dep_ == "conj"]
            if conjoined:
                # "Governor X and leaders of the legislature ...": a group, "they"
                last = max(t.i for c in conjoined for t in c.subtree)
                words = doc[token.left_edge.i : last + 1]
                if len(words) <= 14:
                    self.add_referent(Referent(token.idx, words.text, None, False))
                continue
            if low in PERSON_PRONOUNS or low in GROUP_PRONOUNS:
                name, entity_id, _ = self._pronoun(low, token.idx)
                if name is not None:
                    self.add_referent(
                        Referent(
                            token.idx, name, entity_id, low in PERSON_PRONOUNS, self._label_of(entity_id)
                        )
                    )
                continue
            mention = self.mention_at(token.idx)
            if mention is not None and (mention["label"] == "PERSON" or mention["label"] in GROUP_LABELS):
                self.add_referent(
                    Referent(
                        token.idx,
                        mention["canonical"],
                        mention["entity_id"],
                        mention["label"] == "PERSON",
                        mention["label"],
                    )
                )

    def remember(self, speaker: str | None, entity_id: str | None, sentence: str, at: int) -> None:
        """A claim's speaker, where its attribution stands."""
        if not speaker:
            return
        self.add_referent(
            Referent(at, speaker, entity_id, self._is_person(speaker, entity_id), self._label_of(entity_id))
        )
        # "In a statement, X said ...": a later "the statement said" is X's
        if re.search(r"\bstatement\b", sentence, re.I) and not re.search(r"statement", speaker, re.I):
            self.statement_issuer = (speaker, entity_id)

    # ---------------------------------------------------------------- what it answers

    def mention_at(self, offset: int) -> dict | None:
        """The entity mention holding the offset."""
        i = bisect.bisect_right(self._starts, offset) - 1
        while i >= 0 and self.mentions[i]["start"] > offset - 200:
            m = self.mentions[i]
            if m["start"] <= offset < m["end"]:
                return m
            i -= 1
        return None

    def resolve(
        self, phrase: str, start: int, end: int, head_at: int | None = None
    ) -> tuple[str | None, str | None, float]:
        """(speaker, entity id, confidence) for a speaker phrase at start..end whose head word
        stands at head_at (the last word when not given)."""
        low = phrase.lower().strip()
        if head_at is None:
            head_at = max(start, end - 1)
        if low in PRONOUNS:
            return self._pronoun(low, start)
        if _STATEMENT.fullmatch(low):
            if self.statement_issuer:
                return self.statement_issuer[0], self.statement_issuer[1], 0.8
            return phrase, None, 0.7
        entity = self.mention_at(head_at)
        if entity is not None:
            return entity["canonical"], entity["entity_id"], 0.9
        person = self._role_named_person(low)
        if person is not None:
            return person[0], person[1], 0.85
        organisation = self._organisation_by_noun(low)
        if organisation is not None:
            return organisation["canonical"], organisation["entity_id"], 0.8
        body = _BARE_BODY.fullmatch(low)
        if body and body.group(1) in ORGANISATION_NOUNS:
            # "the company", "the agency": the organisation the text was just about
            organisation = self._latest(start, lambda r: r.label == "ORG")
            if organisation is not None:
                return organisation.name, organisation.entity_id, 0.7
        fuller = [f for f in self.forms if f.phrase.lower().endswith(low) and len(f.phrase) > len(phrase)]
        if fuller:
            form = max(fuller, key=lambda f: len(f.phrase))
            named = self.mention_at(form.head_at)
            if named is not None:
                return named["canonical"], named["entity_id"], 0.85
            return form.phrase, None, 0.85
        return phrase, None, 0.9

    def _role_named_person(self, low: str) -> tuple[str, str] | None:
        for role, person in self.role_person.items():
            if low == role or low.endswith(" " + role):
                return person
        return None

    def _organisation_by_noun(self, low: str) -> dict | None:
        """ "the union", "the association": the one organisation of the article named by that noun."""
        head_noun = re.fullmatch(r"(?:the |this )?([a-z]+)", low)
        if not head_noun:
            return None
        named = {
            m["canonical"]: m
            for m in self.mentions
            if m["label"] in ("ORG", "NORP") and m["canonical"].lower().split()[-1] == head_noun.group(1)
        }
        return next(iter(named.values())) if len(named) == 1 else None

    def _pronoun(self, low: str, at: int) -> tuple[str | None, str | None, float]:
        """The latest referent before `at` a pronoun can name; with none, the nearest person (he,
        she) or group (it, they) named before it."""
        person = low in PERSON_PRONOUNS or low == "i"
        referent = self._latest(at, lambda r: r.person == person)
        if referent is not None:
            return referent.name, referent.entity_id, 0.75
        wanted = ("PERSON",) if person else ("ORG", "GPE", "NORP")
        earlier = [m for m in self.mentions if m["end"] <= at and m["label"] in wanted]
        if earlier:
            return earlier[-1]["canonical"], earlier[-1]["entity_id"], 0.6
        return None, None, 0.0

    def _label_of(self, entity_id: str | None) -> str:
        labels = self._labels.get(entity_id) if entity_id is not None else None
        return labels[0] if labels else ""

    def _latest(self, at: int, wanted) -> Referent | None:
        """The latest referent before `at` that is `wanted`."""
        i = bisect.bisect_left(self._referent_at, at) - 1
        while i >= 0:
            if wanted(self.referents[i]):
                return self.referents[i]
            i -= 1
        return None

    def _is_person(self, speaker: str, entity_id: str | None) -> bool:
        """Whether "he" or "she" can name the speaker: a person, or a singular noun for someone
        ("the source", "the spokesperson"), not a plural ("officials") or a body ("the company")."""
        if entity_id is not None:
            labels = self._labels.get(entity_id)
            if labels:
                return "PERSON" in labels
        words = speaker.lower().split()
        head = words[-1] if words else ""
        if head in BODIES or (head.endswith("s") and not head.endswith(("ss", "'s", "’s"))):
            return False
        return True
