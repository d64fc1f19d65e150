"""Claims: who said what. Attributed statements from the dependency parse, speakers resolved.

Constructions handled (each has a test in tests/test_claims.py):
- a reporting verb with a clausal complement: "X said (that) ...", "X stressed that ...";
- inverted attribution: "..., the statement said." / "“...,” he said.";
- parenthetical attribution: "The second round, Pakistan said, was meant to ...";
- participles that report: "..., emphasizing that ...", "with X saying that ..." (subject taken
  from the clause they hang on);
- speech acts whose content is their own predicate: "X accused Y of ...", "X urged Y to ...",
  "X thanked Y for ..." (the text keeps the verb: the act is the claim);
- "according to X";
- direct quotes over several sentences, and a quote that continues after its attribution;
- a subject-elided continuation ("But said that ...") inherits the previous speaker;
- pronouns ("he", "they", "it") resolve to the speaker they refer to, roles ("the spokesperson")
  to the fullest form of that role in the article ("Pakistan's Foreign Office Spokesperson"),
  and a role written before a person's name ("Defence Minister Khawaja Asif") to that person.
Nested reporting verbs inside a claim's content are part of that content, not claims of their own.
"""

import re
from dataclasses import dataclass

import polars as pl

from transforms.entities import ROLE_WORDS
from transforms.ids import stable_id
from transforms.schemas import CLAIM
from transforms.tokens import in_sentence, tokens_with

# lemma -> how its content is found. "clause": a that-clause or reported clause (the verb is not
# part of the content). "act": the verb phrase itself is the claim ("accused X of Y").
# Lemmas are British and American spellings both.
REPORTING_VERBS = {
    **{
        v: "clause"
        for v in (
            "say",
            "tell",
            "state",
            "add",
            "claim",
            "assert",
            "maintain",
            "affirm",
            "insist",
            "stress",
            "emphasise",
            "emphasize",
            "note",
            "argue",
            "announce",
            "declare",
            "explain",
            "report",
            "confirm",
            "deny",
            "warn",
            "acknowledge",
            "admit",
            "allege",
            "contend",
            "observe",
            "remark",
            "write",
            "reply",
            "respond",
            "predict",
            "promise",
            "vow",
            "pledge",
            "concede",
            "complain",
            "hint",
            "indicate",
            "underline",
            "underscore",
            "highlight",
            "mention",
            "reiterate",
            "suggest",
            "believe",
            "reveal",
            "disclose",
            "recall",
            "caution",
            "estimate",
            "assure",
            "reaffirm",
            "clarify",
            "point",
            "contend",
            "testify",
            "tweet",
            "post",
            "question",
            "agree",
            "reject",
            "demand",
            "ask",
        )
    },
}
# Speech acts whose object is the content (the verb stays in the text).
ACT_VERBS = {
    "accuse",
    "criticise",
    "criticize",
    "condemn",
    "praise",
    "thank",
    "blame",
    "welcome",
    "urge",
    "call",
    "describe",
    "label",
    "term",
    "slam",
    "denounce",
    "recall",
    "reiterate",
    "demand",
    "warn",
    "appeal",
    "commend",
    "applaud",
    "decry",
    "dismiss",
    "brand",
    "hail",
    "laud",
    "lament",
    "deplore",
    "vow",
    "pledge",
    "emphasise",
    "emphasize",
    "stress",
    "highlight",
    "underline",
    "underscore",
}
# every lemma a claim can hang on
CLAIM_VERBS = frozenset(REPORTING_VERBS) | frozenset(ACT_VERBS)
# Topic verbs whose noun object is the content without the verb ("stressed the need for ...").
TOPIC_VERBS = {"emphasise", "emphasize", "stress", "highlight", "underline", "underscore", "note", "mention"}
# Verbs that report only with a clause: with a noun object they are actions, not statements.
CLAUSE_ONLY = {
    "reject",
    "deny",
    "agree",
    "ask",
    "question",
    "respond",
    "reply",
    "post",
    "write",
    "report",
    "point",
    "confirm",
    "indicate",
    "suggest",
    "believe",
    "reveal",
    "add",
    "tell",
    "say",
    "state",
    "claim",
    "maintain",
    "insist",
    "argue",
    "announce",
    "declare",
    "explain",
    "predict",
    "promise",
    "estimate",
    "assure",
    "clarify",
    "testify",
    "observe",
    "remark",
    "admit",
    "acknowledge",
    "allege",
    "contend",
    "concede",
    "complain",
    "hint",
    "disclose",
    "caution",
    "affirm",
    "reaffirm",
    "assert",
}

# Words that make up a role written before a person's name.
ROLE_VOCABULARY = ROLE_WORDS | {
    "executive",
    "officer",
    "manager",
    "founder",
    "co-founder",
    "owner",
    "editor",
    "economist",
    "analyst",
    "secretary-general",
    "regional",
    "general",
    "national",
    "party",
    "union",
    "police",
    "army",
    "military",
    "opposition",
    "health",
    "education",
    "trade",
    "economy",
    "environment",
    "justice",
    "home",
    "energy",
}

PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "them"}
QUOTE_CHARS = '"“”„«»'
_OPEN = "“„«"
_CLOSE = "”»"
_EDGE = re.compile(r"^[\s,;:—–\-]+|[\s,;:—–\-]+$")
# "ISLAMABAD —", "LONDON (Reuters) -", "KABUL:": where the report was filed, not what was said
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,40}(?:\s*\([^)]{1,30}\))?\s*[—–:-]\s+")
_LEADING_THAT = re.compile(r"^(?:that|whether)\s+", re.I)


@dataclass
class Claim:
    speaker: str | None
    speaker_entity_id: str | None
    text: str
    verb: str
    is_direct_quote: bool
    start: int
    end: int
    sentence: str
    sentence_index: int
    confidence: float
    verb_at: int = -1  # offset of the reporting verb, to drop verbs nested in another claim's content


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, marks included: curly pairs, and straight quotes taken in turn."""
    regions = []
    depth_start = None
    for i, ch in enumerate(text):
        if ch in _OPEN and depth_start is None:
            depth_start = i
        elif ch in _CLOSE and depth_start is not None:
            regions.append((depth_start, i + 1))
            depth_start = None
    # straight quotes have no direction: pair them in turn within each paragraph, so one stray
    # mark cannot flip every quotation after it
    offset = 0
    for paragraph in text.split("\n"):
        straight = [offset + i for i, ch in enumerate(paragraph) if ch == '"']
        for a, b in zip(straight[::2], straight[1::2], strict=False):
            regions.append((a, b + 1))
        offset += len(paragraph) + 1
    return sorted(regions)


def _span_text(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The content between start and end, without edge punctuation, a leading "that", or
    quote marks left unbalanced at its edges; with the offsets it now has."""
    while start < end and text[start] in " ,;:—–-\n\t":
        start += 1
    while end > start and text[end - 1] in " ,;:—–-\n\t":
        end -= 1
    m = _DATELINE.match(text[start:end])
    if m:
        start += m.end()
    m = _LEADING_THAT.match(text[start:end])
    if m:
        start += m.end()
    for _ in range(4):
        chunk = text[start:end]
        if not chunk:
            break
        if chunk[0] in QUOTE_CHARS and not _balanced_inside(chunk):
            start += 1
        elif chunk[-1] in QUOTE_CHARS and not _balanced_inside(chunk):
            end -= 1
        elif chunk[-1] in " ,;:":
            end -= 1
        else:
            break
    return text[start:end], start, end


def _balanced_inside(chunk: str) -> bool:
    """True when the quote marks in the chunk pair up (so the edge ones belong to it)."""
    opens = sum(chunk.count(c) for c in _OPEN)
    closes = sum(chunk.count(c) for c in _CLOSE)
    straight = chunk.count('"')
    return opens == closes and straight % 2 == 0


def _subtree_bounds(tokens) -> tuple[int, int]:
    tokens = list(tokens)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _lemma(token) -> str:
    return token.lemma_.lower()


def _subject(verb):
    """The verb's subject, walking up through conjoined and participial heads that share it."""
    seen = 0
    while verb is not None and seen < 6:
        for child in verb.children:
            if child.dep_ == "nsubj":
                return child
        if verb.dep_ in ("conj", "advcl", "xcomp", "pcomp") and verb.head is not verb:
            if verb.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in ("if", "because", "although", "when") for c in verb.children
            ):
                return None
            verb = verb.head
            seen += 1
            continue
        return None
    return None


def _speaker_phrase(subject) -> tuple[str, int, int]:
    """The subject's words that name the speaker: the head noun with what stands before it
    (possessors, compounds, adjectives) and an "of" phrase after it; no clauses, appositions or datelines."""
    tokens = [t for t in subject.subtree if t.i <= subject.i]
    # keep only the contiguous run that ends at the head
    run = []
    for t in reversed(tokens):
        if run and t.i != run[-1].i - 1:
            break
        if t.dep_ == "punct" and t.text not in ("’s", "'s", "’", "'"):
            break
        run.append(t)
    run.reverse()
    for child in subject.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            run.extend(sorted(child.subtree, key=lambda t: t.i))
        break
    while run and (
        run[0].dep_ in ("det", "cc", "punct")
        or (
            run[0].is_upper
            and len(run[0].text) > 2
            and run[0].i < subject.i
            and run[0].ent_type_ in ("GPE", "")
            and subject.i - run[0].i > 1
        )
    ):
        run = run[1:]
    if not run or len(run) > 10:
        return subject.text, subject.idx, subject.idx + len(subject.text)
    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
    # a span's text, not doc.text sliced: Doc.text rebuilds the whole article from its tokens
    return subject.doc[run[0].i : run[-1].i + 1].text, start, end


def _content_children(verb, kind: str):
    """The dependents that hold the content of a reporting verb, and whether the verb belongs to it."""
    lemma = _lemma(verb)
    clauses = [
        c
        for c in verb.children
        if c.dep_ in ("ccomp",) or (c.dep_ == "xcomp" and lemma in ("urge", "ask", "call"))
    ]
    if clauses and lemma not in ("urge", "call", "ask") and kind == "clause":
        return clauses, False
    if lemma in ACT_VERBS:
        right = [
            c
            for c in verb.children
            if c.i > verb.i
            and c.dep_ not in ("punct", "cc", "conj", "mark")
            and not (c.dep_ == "advcl" and _lemma(c) in REPORTING_VERBS)
            and not (c.dep_ == "npadvmod")
        ]
        if right:
            return right, lemma not in TOPIC_VERBS
    if clauses:
        return clauses, False
    return [], False


class _Speakers:
    """The article's speaker memory: the fullest form of each role, role-named people, the last speaker."""

    def __init__(self, text: str, mentions: list[dict]):
        self.text = text
        self.mentions = mentions
        self.last: str | None = None
        self.last_entity: str | None = None
        self.last_at: int | None = None
        self.statement_issuer: tuple[str, str | None] | None = None
        self.role_person: dict[str, tuple[str, str]] = {}
        for m in mentions:
            if m["label"] != "PERSON":
                continue
            # the run of role words right before a name: "Defence Minister Khawaja Asif",
            # "Northgate's chief executive Daniel Okafor" -> that role names that person
            before = re.findall(r"[\w.’']+", text[max(0, m["start"] - 80) : m["start"]])
            run = []
            for word in reversed(before):
                if word.lower().rstrip(".") in ROLE_VOCABULARY:
                    run.append(word.lower())
                else:
                    break
            if run:
                self.role_person[" ".join(reversed(run))] = (m["canonical"], m["entity_id"])
        self.forms: list[tuple[str, int, int]] = []

    def entity_in(self, start: int, end: int) -> dict | None:
        inside = [m for m in self.mentions if m["start"] >= start and m["end"] <= end]
        people = [m for m in inside if m["label"] == "PERSON"]
        if people:
            return people[-1]
        return inside[-1] if inside else None

    def resolve(
        self, phrase: str, start: int, end: int, sentence: str
    ) -> tuple[str | None, str | None, float]:
        low = phrase.lower().strip()
        if low in PRONOUNS:
            human = low in ("he", "she", "him", "her")
            if (
                self.last is not None
                and self.last_at is not None
                and start - self.last_at < 600
                and (not human or self._is_human(self.last, self.last_entity))
            ):
                return self.last, self.last_entity, 0.75
            # no speaker just before: the nearest person (he/she) or group (it/they) named before
            wanted = (
                ("PERSON",) if low in ("he", "she", "him", "her", "i") else ("ORG", "GPE", "NORP", "PERSON")
            )
            earlier = [m for m in self.mentions if m["end"] <= start and m["label"] in wanted]
            if earlier:
                return earlier[-1]["canonical"], earlier[-1]["entity_id"], 0.6
            if self.last is not None:
                return self.last, self.last_entity, 0.5
            return None, None, 0.0
        if re.fullmatch(
            r"(?:the |this |that )?(?:statement|report|communiqu[eé]|release|letter|readout)", low
        ):
            if self.statement_issuer:
                return self.statement_issuer[0], self.statement_issuer[1], 0.8
            return phrase, None, 0.7
        entity = self.entity_in(start, end)
        if entity is not None and entity["label"] == "PERSON":
            return entity["canonical"], entity["entity_id"], 0.9
        for role, (person, eid) in self.role_person.items():
            if low.endswith(role) and len(role.split()) >= 1 and not any(w in PRONOUNS for w in role.split()):
                return person, eid, 0.85
        head_noun = re.fullmatch(r"(?:the |this )?([a-z]+)", low)
        if head_noun and entity is None:
            # "the union", "the association": the organisation of the article named by that noun
            named = {
                m["canonical"]: m
                for m in self.mentions
                if m["label"] in ("ORG", "NORP") and m["canonical"].lower().split()[-1] == head_noun.group(1)
            }
            if len(named) == 1:
                m = next(iter(named.values()))
                return m["canonical"], m["entity_id"], 0.8
        fuller = [f for f in self.forms if f[0].lower().endswith(low) and len(f[0]) > len(phrase)]
        if fuller:
            name, f_start, f_end = max(fuller, key=lambda f: len(f[0]))
            person = self.entity_in(f_start, f_end)
            if person is not None and person["label"] == "PERSON":
                return person["canonical"], person["entity_id"], 0.85
            return name, (entity["entity_id"] if entity else None), 0.85
        return phrase, (entity["entity_id"] if entity else None), 0.9

    def _is_human(self, speaker: str, entity_id: str | None) -> bool:
        """A person, or a role people hold ("the spokesperson"): what "he" or "she" can refer to."""
        head = speaker.lower().split()[-1] if speaker.split() else ""
        if head in ROLE_VOCABULARY or head.endswith(("person", "man", "woman", "ist")):
            return True  # "Pakistan's Foreign Office Spokesperson" is a person, whatever entity it names
        if entity_id is not None:
            labels = {m["label"] for m in self.mentions if m["entity_id"] == entity_id}
            if labels:
                return "PERSON" in labels
        return head.endswith(("er", "ent"))  # "the reporter", "the resident"

    def remember(
        self, speaker: str | None, entity_id: str | None, sentence: str, at: int | None = None
    ) -> None:
        if speaker:
            self.last, self.last_entity, self.last_at = speaker, entity_id, at
            # "In a statement, X said ...": a later "the statement said" is X's
            if re.search(r"\bstatement\b", sentence, re.I) and not re.search(r"statement", speaker, re.I):
                self.statement_issuer = (speaker, entity_id)


def _speaker_forms(doc, verbs: list[int]) -> list[tuple[str, int, int]]:
    """Every subject of a reporting verb in the article (`verbs`: the indices of the tokens whose
    lemma is one), so a short role finds its fullest form."""
    forms = []
    for i in verbs:
        subject = next((c for c in doc[i].children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ not in PRONOUNS:
            forms.append(_speaker_phrase(subject))
    return forms


def extract_claims(doc, text: str, mentions: list[dict]) -> list[Claim]:
    """The attributed statements of one parsed article.

    `mentions`: the article's resolved entity mentions (start, end, label, canonical, entity_id).
    """
    speakers = _Speakers(text, mentions)
    # the only tokens the rules below can fire on: every other one is skipped by them
    verbs = tokens_with(doc, lemmas=CLAIM_VERBS)
    according = tokens_with(doc, forms=("according",))
    speakers.forms = _speaker_forms(doc, verbs)
    regions = quote_regions(text)
    claims: list[Claim] = []
    covered: list[tuple[int, int]] = []  # content spans already claimed: nested verbs inside are skipped
    sentences = list(doc.sents)
    previous_quote_claim: Claim | None = None

    for s_index, sent in enumerate(sentences):
        sent_text = sent.text.strip()
        found_here: list[Claim] = []
        for verb in (doc[i] for i in in_sentence(verbs, sent)):
            lemma = _lemma(verb)
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            if any(s <= verb.idx < e for s, e in covered):
                continue
            if verb.dep_ in ("amod", "acl", "relcl", "compound") or any(
                c.dep_ == "auxpass" for c in verb.children
            ):
                continue
            kind = REPORTING_VERBS.get(lemma, "act")
            children, keep_verb = _content_children(verb, kind)
            inverted = False
            if not children and verb.dep_ in ("parataxis", "ccomp"):
                # "…, the Foreign Office noted." / "The second round, Pakistan said, was …"
                head = verb.head
                if head.i != verb.i and _lemma(head) not in REPORTING_VERBS and _lemma(head) not in ACT_VERBS:
                    children, inverted = [head], True
            if not children:
                continue
            if (
                lemma in CLAUSE_ONLY
                and not inverted
                and not any(c.dep_ in ("ccomp", "xcomp") for c in children)
            ):
                continue
            subject = _subject(verb)
            if subject is None:
                if verb.dep_ == "ROOT" and claims and s_index - claims[-1].sentence_index <= 1:
                    speaker, entity_id, confidence = claims[-1].speaker, claims[-1].speaker_entity_id, 0.6
                else:
                    continue
            else:
                if subject.pos_ not in ("PROPN", "NOUN", "PRON") or subject.lower_ in (
                    "there",
                    "that",
                    "this",
                    "which",
                    "who",
                    "you",
                    "what",
                    "everyone",
                    "nobody",
                    "somebody",
                    # the writer ("we estimate", "I think") or a parse that made an object the subject
                    "i",
                    "we",
                    "us",
                    "me",
                    "him",
                    "them",
                ):
                    continue
                phrase, p_start, p_end = _speaker_phrase(subject)
                speaker, entity_id, confidence = speakers.resolve(phrase, p_start, p_end, sent_text)
                if speaker is None:
                    continue

            if inverted:
                attribution = set(t.i for t in verb.subtree)
                content_tokens = [t for t in children[0].subtree if t.i not in attribution]
            else:
                content_tokens = sorted({t for c in children for t in c.subtree}, key=lambda t: t.i)
                if keep_verb:
                    content_tokens = [verb] + [t for t in content_tokens if t.i > verb.i]
            if not content_tokens:
                continue
            start, end = _subtree_bounds(content_tokens)
            # skip attribution tokens inside the bounds for parenthetical attribution
            if inverted and verb.idx > start and verb.idx < end:
                attr = sorted(verb.subtree, key=lambda t: t.i)
                a_start, a_end = _subtree_bounds(attr)
                left, ls, le = _span_text(text, start, a_start)
                right, rs, re_ = _span_text(text, a_end, end)
                content = f"{left} {right}".strip()
                c_start, c_end = ls, re_
            else:
                content, c_start, c_end = _span_text(text, start, end)
            if len(re.findall(r"\w+", content)) < 3:
                continue
            region = next(((a, b) for a, b in regions if a <= c_start - 1 < b or a <= c_start < b), None)
            is_quote = region is not None and (region[1] - region[0]) >= 0.6 * (c_end - c_start)
            if is_quote and (region[0] < sent.start_char or not region[0] <= verb.idx < region[1]):
                # the attribution stands outside the quotation (before it, after it, or in a later
                # sentence): the whole quotation is the content, whatever the parse cut off
                content, c_start, c_end = _span_text(text, region[0] + 1, region[1] - 1)
            claim = Claim(
                speaker,
                entity_id,
                content,
                lemma,
                is_quote,
                c_start,
                c_end,
                sent_text,
                s_index,
                round(confidence * (1.0 if subject is not None else 0.8), 2),
                verb.idx,
            )
            found_here.append(claim)

        # a reporting verb inside another claim's content is part of that content ("officials said
        # Pakistan has accused X of Y" is one claim by the officials), whichever verb came first
        found_here = [
            c for c in found_here if not any(o is not c and o.start <= c.verb_at < o.end for o in found_here)
        ]
        for claim in found_here:
            covered.append((claim.start, claim.end))
            speakers.remember(claim.speaker, claim.speaker_entity_id, sent_text, sent.end_char)

        if not found_here:
            found_here.extend(_according_to(sent, in_sentence(according, sent), text, speakers, s_index))
        if not found_here and previous_quote_claim is not None:
            # a quotation continuing after its attribution (“…,” he said. “…”)
            stripped = sent.text.strip()
            if stripped[:1] in _OPEN + '"' and s_index - previous_quote_claim.sentence_index <= 1:
                content, c_start, c_end = _span_text(text, sent.start_char, sent.end_char)
                if len(content.split()) >= 3:
                    found_here.append(
                        Claim(
                            previous_quote_claim.speaker,
                            previous_quote_claim.speaker_entity_id,
                            content,
                            previous_quote_claim.verb,
                            True,
                            c_start,
                            c_end,
                            stripped,
                            s_index,
                            0.7,
                        )
                    )
        claims.extend(found_here)
        quoted = [c for c in found_here if c.is_direct_quote]
        if quoted:
            previous_quote_claim = quoted[-1]
        elif found_here or s_index - (previous_quote_claim.sentence_index if previous_quote_claim else 0) > 1:
            previous_quote_claim = None
    return claims


def _according_to(sent, according: list[int], text: str, speakers: _Speakers, s_index: int) -> list[Claim]:
    """The claim of an "according to X" in the sentence (`according`: the indices of its tokens
    "according"), or none."""
    for token in (sent.doc[i] for i in according):
        if token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
            to = token.doc[token.i + 1]
            sources = [c for c in to.children if c.dep_ == "pobj"] or [
                c for c in token.children if c.dep_ == "pobj"
            ]
            if not sources:
                continue
            phrase, p_start, p_end = _speaker_phrase(sources[0])
            speaker, entity_id, confidence = speakers.resolve(phrase, p_start, p_end, sent.text)
            phrase_tokens = {token.i, to.i} | {t.i for t in sources[0].subtree}
            rest = [t for t in sent if t.i not in phrase_tokens]
            if not rest or speaker is None:
                continue
            start, end = _subtree_bounds(rest)
            a_start = token.idx
            a_end = max(t.idx + len(t.text) for t in sources[0].subtree)
            if a_start > start:
                content, c_start, c_end = _span_text(text, start, a_start)
                tail, _, t_end = _span_text(text, a_end, end)
                if tail.strip(" .") and len(tail.split()) > 1:
                    content, c_end = f"{content} {tail}", t_end
            else:
                content, c_start, c_end = _span_text(text, a_end, end)
            content = content.rstrip(" .")
            if len(content.split()) < 3:
                continue
            speakers.remember(speaker, entity_id, sent.text, sent.end_char)
            return [
                Claim(
                    speaker,
                    entity_id,
                    content,
                    "according to",
                    False,
                    c_start,
                    c_end,
                    sent.text.strip(),
                    s_index,
                    round(confidence * 0.9, 2),
                )
            ]
    return []


def claim_table(
    articles: pl.DataFrame, docs: list, mentions_by_article: dict[str, list[dict]]
) -> pl.DataFrame:
    """`claim` rows for the articles (parsed as `docs`, in the same order)."""
    rows = []
    for article, doc in zip(articles.iter_rows(named=True), docs, strict=True):
        if doc is None:
            continue
        for claim in extract_claims(doc, article["text"], mentions_by_article.get(article["article_id"], [])):
            rows.append(
                {
                    "claim_id": stable_id("claim", article["article_id"], str(claim.start), str(claim.end)),
                    "article_id": article["article_id"],
                    "speaker": claim.speaker,
                    "speaker_entity_id": claim.speaker_entity_id,
                    "text": claim.text,
                    "reporting_verb": claim.verb,
                    "is_direct_quote": claim.is_direct_quote,
                    "start_char": claim.start,
                    "end_char": claim.end,
                    "sentence": claim.sentence,
                    "confidence": claim.confidence,
                    "claim_group_id": None,
                }
            )
    frame = pl.DataFrame(rows, schema=CLAIM) if rows else pl.DataFrame(schema=CLAIM)
    return frame.unique(subset=["claim_id"], keep="first", maintain_order=True)
