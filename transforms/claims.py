"""Claims: who said what. Attributed statements from the dependency parse, speakers resolved.

Two passes over a parsed article, each a set of small rules named for the construction they read
(each has a test in tests/test_claims.py):

1. Reporting verbs (`transforms/lexicons/reporting_verbs.tsv` says how each one's content is found):
   - a that-clause or reported clause: "X said (that) ...", "X stressed that ...";
   - a non-finite complement: "X told them to ...", "X denied being ...";
   - a speech act whose content is its own predicate: "X accused Y of ...", "X urged Y to ..."
     (the text keeps the verb: the act is the claim); a topic: "X stressed the need for ...";
   - inverted attribution: "..., the statement said." / "“...,” he said.";
   - parenthetical attribution: "The second round, Pakistan said, was meant to ...";
   - participles that report: "..., emphasizing that ...", "with X saying that ..." (the subject
     taken from the clause they hang on);
   - an elided subject: "But said that ..." continues the previous sentence's speaker;
   - "according to X".
2. Quotations no verb claimed, given the speaker news typography gives them:
   - a quotation continuing after its attribution, in the same paragraph ("“...,” he said. “...”");
   - one introduced by a colon ("Tottenham said in a statement: “...”");
   - one followed by its speaker and any verb ("“...,” Benioff weighed in");
   - a paragraph that is only a quotation, after a paragraph that ended with a quote: the same
     speaker goes on;
   - a quoted phrase in a clause whose subject is a person or a body ("X called it “absolutely
     not true”", "X described the plan as “a fundamental mistake”").

Speakers are resolved by the article's speaker memory (transforms/speakers.py). A reporting verb
inside another claim's content is part of that content ("officials said Pakistan has accused X of
Y" is one claim by the officials), unless it stands in a subordinate clause of it ("the paper says
he was arrested after employees said he tried to steal a van" holds the employees' claim too).
"""

import bisect
import re
from dataclasses import dataclass

import polars as pl

from transforms.ids import stable_id
from transforms.lexicons import table
from transforms.mood import claim_mood
from transforms.quotes import OPEN, QUOTE_CHARS, is_spoken, paragraph_at, paragraphs, quote_regions
from transforms.schemas import CLAIM
from transforms.speakers import PRONOUNS, Form, SpeakerMemory
from transforms.tokens import in_sentence, tokens_with


@dataclass(frozen=True)
class VerbSense:
    """How a reporting verb's content is found (a row of reporting_verbs.tsv)."""

    clause: bool
    complement: bool
    act: bool
    topic: bool
    event: str  # "statement", "report-only" or "-"


def _reporting_verbs(rows) -> dict[str, VerbSense]:
    verbs = {}
    for lemma, content, event, _source in rows:
        features = set(content.split())
        verbs[lemma] = VerbSense(
            "clause" in features, "complement" in features, "act" in features, "topic" in features, event
        )
    return verbs


VERBS = _reporting_verbs(table("reporting_verbs"))
# every lemma a claim can hang on
CLAIM_VERBS = frozenset(VERBS)
# verbs whose dated use by an institution is a public statement, and verbs that never happen
STATEMENT_VERBS = frozenset(lemma for lemma, sense in VERBS.items() if sense.event == "statement")
REPORT_ONLY_VERBS = frozenset(lemma for lemma, sense in VERBS.items() if sense.event != "-")

# Subjects that never name a speaker: relatives and demonstratives, indefinites, and the writer
# ("we estimate", "I think") or a parse that made an object the subject.
NOT_SPEAKERS = frozenset(
    "there that this which who you what everyone nobody somebody i we us me him them".split()
)
_EDGE_PUNCT = " ,;:—–-\n\t"
# "NAIROBI —", "LONDON (Reuters) -", "LIMA:": where the report was filed, not what was said
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,40}(?:\s*\([^)]{1,30}\))?\s*[—–:-]\s+")
_LEADING_THAT = re.compile(r"^(?:that|whether)\s+", re.I)
_WORD = re.compile(r"\w+")
MIN_WORDS = 3


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


@dataclass
class _Article:
    """What the rules of one article share."""

    doc: object
    text: str
    memory: SpeakerMemory
    quotations: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    sentences: list
    sentence_starts: list[int]

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def quotation_at(self, start: int, end: int) -> tuple[int, int] | None:
        """The quotation the content start..end opens, or starts inside."""
        return next(((a, b) for a, b in self.quotations if a <= start - 1 < b or a <= start < b), None)


# ---------------------------------------------------------------- spans


def _span_text(text: str, start: int, end: int, clause: bool = True) -> tuple[str, int, int]:
    """The content between start and end, without edge punctuation, a dateline, a leading
    "that" (of a reported clause, not of quoted words), or quote marks left unbalanced at its
    edges; with the offsets it now has."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    m = _DATELINE.match(text[start:end])
    if m:
        start += m.end()
    m = _LEADING_THAT.match(text[start:end]) if clause else None
    if m:
        start += m.end()
    for _ in range(6):
        chunk = text[start:end]
        if not chunk:
            break
        if chunk[0] in QUOTE_CHARS + "‘’" and not _balanced_inside(chunk):
            start += 1
        elif chunk[-1] in QUOTE_CHARS + "‘’" and not _balanced_inside(chunk):
            end -= 1
        elif chunk[-1] in _EDGE_PUNCT or chunk[0] in _EDGE_PUNCT:
            start, end = (start + 1, end) if chunk[0] in _EDGE_PUNCT else (start, end - 1)
        else:
            break
    return text[start:end], start, end


def _balanced_inside(chunk: str) -> bool:
    """True when the quote marks in the chunk pair up (so the edge ones belong to it)."""
    opens = sum(chunk.count(c) for c in OPEN)
    closes = chunk.count("”") + chunk.count("»")
    return opens == closes and chunk.count('"') % 2 == 0 and "’’" not in chunk


def _subtree_bounds(tokens) -> tuple[int, int]:
    tokens = list(tokens)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _lemma(token) -> str:
    return token.lemma_.lower()


def _words(text: str) -> int:
    return len(_WORD.findall(text))


# ---------------------------------------------------------------- speakers


def _subject(verb):
    """The verb's subject, walking up through conjoined and participial heads that share it:
    "..., emphasizing that ...", "with X saying that ..." report for the subject of their clause."""
    seen = 0
    while verb is not None and seen < 6:
        for child in verb.children:
            if child.dep_ == "nsubj":
                return child
        if verb.dep_ in ("conj", "advcl", "xcomp", "pcomp") and verb.head.i != verb.i:
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
        if t.dep_ == "punct" and t.text not in ("’s", "'s", "’", "'") and t.tag_ != "HYPH":
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


def _speaker_of_subject(subject, memory: SpeakerMemory) -> tuple[str | None, str | None, float]:
    """The resolved speaker a subject token names, or (None, None, 0) when it names none."""
    # an adjective with a determiner is a noun phrase too ("The 56-year-old said")
    nominal = subject.pos_ in ("PROPN", "NOUN", "PRON") or (
        subject.pos_ == "ADJ" and any(c.dep_ == "det" for c in subject.children)
    )
    if not nominal or subject.lower_ in NOT_SPEAKERS:
        return None, None, 0.0
    if _in_dateline(subject, memory.text):
        return None, None, 0.0
    named = memory.mention_at(subject.idx)
    if named is None:
        # "The company that runs the show, Dick Clark Productions, denies ...": the apposition names it
        # (the parser may hang it on the last noun before it: the one that ends the subject counts)
        last = max(subject.subtree, key=lambda t: t.i)
        appos = next(
            (t for t in subject.subtree if t.dep_ == "appos" and t.i > subject.i and t.i >= last.i - 1), None
        )
        named = memory.mention_at(appos.idx) if appos is not None else None
        if named is not None and named["label"] in ("PERSON", "ORG"):
            return named["canonical"], named["entity_id"], 0.85
    phrase, start, end = _speaker_phrase(subject)
    return memory.resolve(phrase, start, end, subject.idx)


def _in_dateline(token, text: str) -> bool:
    """A word of the dateline a report opens with ("BUFFALO, N.Y. — ..."): where it was filed."""
    line_start = text.rfind("\n", 0, token.idx) + 1
    line = text[line_start : line_start + 60]
    m = (
        _DATELINE.match(line)
        or re.match(r"^[A-Z][A-Z .'’-]{2,40},[^—–]{1,30}[—–]\s", line)
        or (
            token.ent_type_ in ("GPE", "LOC")
            and re.match(r"^[A-Z][\w.'’ ]{1,30}(?:,[\w.' ]{1,20})?\s*[—–]\s", line)
        )
    )
    return bool(m) and token.idx < line_start + m.end()


def _speaker_forms(doc, verbs: list[int]) -> list[Form]:
    """Every subject of a reporting verb in the article (`verbs`: the indices of the tokens whose
    lemma is one), so a short role finds its fullest form."""
    forms = []
    for i in verbs:
        subject = next((c for c in doc[i].children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ not in PRONOUNS:
            phrase, start, end = _speaker_phrase(subject)
            forms.append(Form(phrase, start, end, subject.idx))
    return forms


# ---------------------------------------------------------------- pass 1: reporting verbs


def _can_report(verb) -> bool:
    """A finite or participial verb in its own clause: not an adjective ("the reported deal"),
    a modifier ("a man called Ali") or a passive ("he was told")."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    if verb.dep_ in ("amod", "acl", "relcl", "compound"):
        return False
    return not any(c.dep_ == "auxpass" for c in verb.children)


# verbs whose object is the one told, so a that-clause after it is what they were told ("told a
# briefing that ...", "assured lawmakers that ..."): Quirk et al. 1985, 16.64
ADDRESSEE_VERBS = frozenset({"tell", "assure", "inform", "remind", "notify"})
# what is told, not whom ("told a story that he had invented"): its relative clause is its own
TOLD_THINGS = frozenset({"story", "lie", "joke", "truth", "tale", "secret", "version", "news"})


def _addressee_clause(verb):
    """ "X told a weekly briefing that Y had ...": the parser may read the that-clause as a
    relative clause of the addressee ("a briefing that ..."); one with a subject of its own that
    is not its "that" is what the addressee was told."""
    if _lemma(verb) not in ADDRESSEE_VERBS:
        return []
    for obj in (
        c
        for c in verb.children
        if c.dep_ in ("dobj", "dative") and c.i > verb.i and c.lemma_ not in TOLD_THINGS
    ):
        for clause in (c for c in obj.children if c.dep_ == "relcl" and c.i > obj.i):
            first = clause.doc[clause.left_edge.i]
            subject = [k for k in clause.children if k.dep_ in ("nsubj", "nsubjpass") and k.lower_ != "that"]
            if first.lower_ == "that" and subject and _finite(clause):
                return [clause]
    return []


def _that_clause(verb, sense: VerbSense):
    """ "X said (that) ...": the clausal complement."""
    if not sense.clause:
        return None
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and _finite(c)] or _addressee_clause(verb)
    if not clauses:
        return None
    # "recommends all adults get a vaccine": the parser made the clause's subject the verb's
    # object; a clause with no subject of its own takes it back
    subjectless = not any(k.dep_ in ("nsubj", "nsubjpass") for k in clauses[0].children)
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i < clauses[0].i and subjectless]
    return _subtrees(objects + clauses)


def _finite(head) -> bool:
    """A clause with a tense or a modal ("said it would", "found that prices fell"), not a small
    clause ("found it difficult", "expects costs to rise")."""
    auxiliaries = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    if any(c.tag_ == "TO" for c in auxiliaries):
        return False
    if head.pos_ not in ("VERB", "AUX"):
        return bool(auxiliaries)  # "said it is cost effective", as the parser may hang it
    return head.tag_ != "VBG" or bool(auxiliaries)


def _complement(verb, sense: VerbSense):
    """ "X told them to ...", "X denied being ...": the non-finite complement."""
    if not sense.complement:
        return None
    clauses = [c for c in verb.children if c.dep_ == "xcomp"]
    return _subtrees(clauses) if clauses else None


def _act_dependents(verb) -> list:
    return [
        c
        for c in verb.children
        if c.i > verb.i
        and c.dep_ not in ("punct", "cc", "conj", "mark", "npadvmod")
        and not (c.dep_ == "advcl" and _lemma(c) in CLAIM_VERBS and VERBS[_lemma(c)].clause)
    ]


def _speech_act(verb, sense: VerbSense):
    """ "X accused Y of ...": the verb and what follows it."""
    if not sense.act:
        return None
    right = _act_dependents(verb)
    if sense.clause and not any(c.dep_ == "dobj" for c in right):
        return None  # a verb that also reports with a clause is an act only on an object: "reported a loss"
    return [verb, *_subtrees(right)] if right else None


def _topic(verb, sense: VerbSense):
    """ "X stressed the need for ...", "X noted findings of ...": the object without the verb."""
    if not sense.topic:
        return None
    right = _act_dependents(verb)
    return _subtrees(right) if right else None


def _inverted(verb):
    """ "…, the Foreign Office noted." / "The second round, Pakistan said, was …": the clause the
    attribution hangs on, without it."""
    if verb.dep_ not in ("parataxis", "ccomp"):
        return None
    head = verb.head
    if head.i == verb.i or _lemma(head) in CLAIM_VERBS:
        return None
    attribution = {t.i for t in verb.subtree}
    return [t for t in head.subtree if t.i not in attribution] or None


def _subtrees(children) -> list:
    return sorted({t for c in children for t in c.subtree}, key=lambda t: t.i)


def _quoted_together(art: _Article, verb, subject) -> bool:
    """True when the verb and its subject stand in one quotation: a speaker's words about what
    someone else said ("“Although the researchers found that ...”") are the speaker's claim."""
    return any(a < verb.idx < b and a < subject.idx < b for a, b in art.quotations)


def _elided_subject(verb, s_index: int, claims: list[Claim]) -> tuple[str | None, str | None, float]:
    """ "But said that ...": a sentence-root verb with no subject continues the speaker of the
    sentence just before."""
    if verb.dep_ == "ROOT" and claims and s_index - claims[-1].sentence_index <= 1:
        return claims[-1].speaker, claims[-1].speaker_entity_id, 0.6
    return None, None, 0.0


def _parenthetical(text: str, verb, start: int, end: int) -> tuple[str, int, int]:
    """ "The second round, Pakistan said, was meant to ...": the content either side of the
    attribution inside it."""
    a_start, a_end = _subtree_bounds(sorted(verb.subtree, key=lambda t: t.i))
    left, l_start, _ = _span_text(text, start, a_start)
    right, _, r_end = _span_text(text, a_end, end)
    return f"{left} {right}".strip(), l_start, r_end


def _content_span(art: _Article, verb, tokens, inverted: bool, sent) -> tuple[str, int, int, bool] | None:
    """The content's text and offsets, and whether it is a direct quote."""
    text = art.text
    start, end = _subtree_bounds(tokens)
    if inverted and start < verb.idx < end:
        content, c_start, c_end = _parenthetical(text, verb, start, end)
    else:
        content, c_start, c_end = _span_text(text, start, end)
    if _words(content) < MIN_WORDS:
        return None
    region = art.quotation_at(c_start, c_end)
    is_quote = region is not None and (region[1] - region[0]) >= 0.6 * (c_end - c_start)
    if is_quote and (region[0] < sent.start_char or not region[0] <= verb.idx < region[1]):
        # the attribution stands outside the quotation (before it, after it, or in a later
        # sentence): the whole quotation is the content, whatever the parse cut off
        content, c_start, c_end = _span_text(text, region[0] + 1, region[1] - 1, clause=False)
    return content, c_start, c_end, is_quote


def _claim_of_verb(art: _Article, verb, sent, s_index: int, claims: list[Claim]) -> Claim | None:
    if not _can_report(verb):
        return None
    sense = VERBS[_lemma(verb)]
    tokens = _that_clause(verb, sense) or _complement(verb, sense)
    if tokens is None:
        act = _speech_act(verb, sense)
        tokens = act if act is not None else _topic(verb, sense)
    inverted = False
    if tokens is None:
        tokens, inverted = _inverted(verb), True
    if not tokens:
        return None
    subject = _subject(verb)
    if subject is not None and _quoted_together(art, verb, subject):
        return None
    if subject is None:
        speaker, entity_id, confidence = _elided_subject(verb, s_index, claims)
        confidence *= 0.8
    else:
        speaker, entity_id, confidence = _speaker_of_subject(subject, art.memory)
    if speaker is None:
        return None
    span = _content_span(art, verb, tokens, inverted, sent)
    if span is None:
        return None
    content, c_start, c_end, is_quote = span
    return Claim(
        speaker,
        entity_id,
        content,
        _lemma(verb),
        is_quote,
        c_start,
        c_end,
        sent.text.strip(),
        s_index,
        round(confidence, 2),
        verb.idx,
    )


def _in_subordinate_clause(verb, outer_verb) -> bool:
    """True when the verb reports with a clause and a subject of its own, and hangs on the outer
    claim's content through an adverbial or relative clause: a statement of its own inside the
    outer one ("... after employees said ..."), not a participle of it ("..., citing ...")."""
    if not VERBS[_lemma(verb)].clause or not any(c.dep_ == "nsubj" for c in verb.children):
        return False
    node = verb
    while node.head.i != node.i and node.i != outer_verb.i:
        if node.dep_ in ("advcl", "relcl", "acl") and (node.i != verb.i or node.dep_ != "acl"):
            return True
        node = node.head
    return False


def _outermost(found: list[tuple[Claim, object]]) -> list[tuple[Claim, object]]:
    """The sentence's claims without those whose verb lies in another's content, unless it
    stands in a subordinate clause of it."""
    kept = []
    for claim, verb in found:
        nested_in = [(o, v) for o, v in found if o is not claim and o.start <= claim.verb_at < o.end]
        if any(not _in_subordinate_clause(verb, v) for _, v in nested_in):
            continue
        kept.append((claim, verb))
    return kept


def _claims_of_verbs(art: _Article, verbs: list[int], according: list[int]) -> list[Claim]:
    claims: list[Claim] = []
    covered: list[tuple[int, int]] = []  # content already claimed: verbs inside it are skipped
    for s_index, sent in enumerate(art.sentences):
        found = []
        for verb in (art.doc[i] for i in in_sentence(verbs, sent)):
            if any(s <= verb.idx < e for s, e in covered):
                continue
            claim = _claim_of_verb(art, verb, sent, s_index, claims)
            if claim is not None:
                found.append((claim, verb))
        here = [claim for claim, _ in _outermost(found)]
        for claim in here:
            covered.append((claim.start, claim.end))
            art.memory.remember(claim.speaker, claim.speaker_entity_id, claim.sentence, claim.verb_at)
        if not here:
            here = _according_to(art, sent, in_sentence(according, sent), s_index)
        claims.extend(here)
    return claims


def _according_to(art: _Article, sent, according: list[int], s_index: int) -> list[Claim]:
    """ "According to X, ...": the rest of the sentence is X's (`according`: the indices of the
    sentence's tokens "according")."""
    text = art.text
    for token in (sent.doc[i] for i in according):
        if token.i + 1 >= len(token.doc) or token.doc[token.i + 1].lower_ != "to":
            continue
        to = token.doc[token.i + 1]
        sources = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in token.children if c.dep_ == "pobj"
        ]
        if not sources:
            continue
        phrase, p_start, p_end = _speaker_phrase(sources[0])
        speaker, entity_id, confidence = art.memory.resolve(phrase, p_start, p_end, sources[0].idx)
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
        if len(content.split()) < MIN_WORDS:
            continue
        art.memory.remember(speaker, entity_id, sent.text, token.idx)
        claim = Claim(
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
            token.idx,
        )
        return [claim]
    return []


# ---------------------------------------------------------------- pass 2: quotations


def _unclaimed(start: int, end: int, claims: list[Claim]) -> list[tuple[int, int]]:
    """The stretches of start..end no claim's content covers."""
    stretches = [(start, end)]
    for c in claims:
        if c.end <= start or c.start >= end:
            continue
        cut = []
        for a, b in stretches:
            if c.end <= a or c.start >= b:
                cut.append((a, b))
                continue
            if a < c.start:
                cut.append((a, c.start))
            if c.end < b:
                cut.append((c.end, b))
        stretches = cut
    return stretches


def _is_title(content: str) -> bool:
    """A name or a title in quote marks ("Gone with the Wind"), not words someone said."""
    words = [w for w in content.split() if w[:1].isalpha()]
    if not words or re.search(r"[.?!]\W*$", content):
        return False
    return sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _same_paragraph_quote(art: _Article, start: int, claims: list[Claim]) -> Claim | None:
    """“…,” he said. “…”: the quote claim just before in the paragraph (or, with none before,
    just after), whose speaker goes on."""
    paragraph = art.paragraphs[paragraph_at(art.paragraphs, start)]
    inside = [c for c in claims if paragraph[0] <= c.start < paragraph[1] and c.is_direct_quote]
    before = [c for c in inside if c.end <= start]
    if before:
        return max(before, key=lambda c: c.end)
    after = [c for c in inside if c.start > start]
    return min(after, key=lambda c: c.start) if after else None


def _paragraph_goes_on(art: _Article, region: tuple[int, int], claims: list[Claim]) -> Claim | None:
    """A paragraph that is only a spoken quotation, after a paragraph whose last claim was a quote:
    the same speaker goes on (news typography attributes the first paragraph only)."""
    n = paragraph_at(art.paragraphs, region[0])
    p_start, p_end = art.paragraphs[n]
    if n == 0 or art.text[p_start : region[0]].strip() or art.text[region[1] : p_end].strip(" .\t"):
        return None
    if not is_spoken(art.text, region[0], region[1]):
        return None
    before_start, before_end = art.paragraphs[n - 1]
    previous = [c for c in claims if before_start <= c.start < before_end]
    if previous:
        last = max(previous, key=lambda c: c.start)
        if last.is_direct_quote:
            return last
    return None


def _colon_introduction(art: _Article, region: tuple[int, int]):
    """“X said in a statement: “…”": the reporting verb of the clause the colon ends, in the
    quotation's paragraph or at the end of the one before; gives (verb, subject)."""
    colon = region[0] - 1
    while colon >= 0 and art.text[colon].isspace():
        colon -= 1
    if colon < 0 or art.text[colon] != ":":
        return None
    sentence = art.sentences[art.sentence_index(colon)]
    for token in reversed(list(sentence)):
        if _lemma(token) in CLAIM_VERBS and token.pos_ == "VERB" and _can_report(token):
            subject = _subject(token)
            if subject is not None:
                return token, subject
    return None


def _attribution_after(art: _Article, region: tuple[int, int]):
    """“…,” Benioff weighed in: a quotation closed on a comma, question or exclamation mark,
    followed by a subject and its verb, whatever the verb; gives (verb, subject)."""
    if art.text[region[1] - 2 : region[1] - 1] not in (",", "?", "!"):
        return None
    doc = art.doc
    first = next((t for t in doc[_token_at(doc, region[1]) :] if not t.is_space and t.idx >= region[1]), None)
    if first is None or first.idx - region[1] > 2:
        return None
    subject = first
    for _ in range(4):
        if subject.dep_ == "nsubj":
            break
        if subject.head.i <= subject.i:
            return None
        subject = subject.head
    verb = subject.head
    if subject.dep_ != "nsubj" or verb.pos_ != "VERB" or verb.i < subject.i or verb.i - subject.i > 4:
        return None
    return verb, subject


def _quoted_phrase_of_subject(art: _Article, region: tuple[int, int]):
    """“X called it “absolutely not true”": a quotation inside a clause whose subject, outside
    it, is a named person or body, a pronoun, or a role: the subject's words; gives (verb, subject)."""
    doc = art.doc
    i = _token_at(doc, region[0] + 1)
    if i >= len(doc):
        return None
    node = doc[i]
    for _ in range(8):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.idx < region[0] or node.idx >= region[1]:
            # a non-finite verb with its own subject is a small clause of the one above it
            # ("Cook remembered Jobs rehearsing ... and “...”"): the speaker is that one's
            nonfinite = node.tag_ in ("VBG", "VBN", "VB") and not any(c.dep_ == "aux" for c in node.children)
            if node.pos_ in ("VERB", "AUX") and node.is_alpha and not nonfinite:
                subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
                if subject is None:
                    continue
                if art.memory.inside_quotation(subject.idx):
                    return None
                named = art.memory.mention_at(subject.idx)
                if named is not None and named["label"] in ("PERSON", "ORG", "NORP", "GPE"):
                    return node, subject
                if subject.lower_ in PRONOUNS:
                    return node, subject
                return None
    return None


def _token_at(doc, offset: int) -> int:
    """The index of the first token at or after the character offset."""
    lo, hi = 0, len(doc)
    while lo < hi:
        mid = (lo + hi) // 2
        if doc[mid].idx < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _claims_of_quotations(art: _Article, claims: list[Claim]) -> list[Claim]:
    found: list[Claim] = []
    for region in art.quotations:
        inner = (region[0] + 1, region[1] - (2 if art.text.endswith("’’", 0, region[1]) else 1))
        for start, end in _unclaimed(*inner, claims + found):
            content, c_start, c_end = _span_text(art.text, start, end, clause=False)
            if _words(content) < MIN_WORDS or _is_title(content):
                continue
            claim = _quotation_claim(art, region, content, c_start, c_end, claims + found)
            if claim is not None:
                found.append(claim)
    return found


def _quotation_claim(
    art: _Article, region, content: str, start: int, end: int, claims: list[Claim]
) -> Claim | None:
    s_index = art.sentence_index(start)
    sentence = art.sentences[s_index].text.strip()

    def claim(speaker, entity_id, verb: str, confidence: float, verb_at: int) -> Claim:
        return Claim(
            speaker, entity_id, content, verb, True, start, end, sentence, s_index, confidence, verb_at
        )

    earlier = _same_paragraph_quote(art, start, claims) or _paragraph_goes_on(art, region, claims)
    if earlier is not None:
        return claim(earlier.speaker, earlier.speaker_entity_id, earlier.verb, 0.7, earlier.verb_at)
    for rule, confidence in (
        (_colon_introduction, 0.8),
        (_attribution_after, 0.7),
        (_quoted_phrase_of_subject, 0.6),
    ):
        found = rule(art, region)
        if found is None:
            continue
        verb, subject = found
        speaker, entity_id, sure = _speaker_of_subject(subject, art.memory)
        if speaker is None:
            return None
        art.memory.remember(speaker, entity_id, sentence, verb.idx)
        return claim(speaker, entity_id, _lemma(verb), round(confidence * sure, 2), verb.idx)
    return None


# ---------------------------------------------------------------- the article


def extract_claims(doc, text: str, mentions: list[dict]) -> list[Claim]:
    """The attributed statements of one parsed article.

    `mentions`: the article's resolved entity mentions (start, end, label, canonical, entity_id).
    """
    quotations = quote_regions(text)
    memory = SpeakerMemory(text, mentions, quotations)
    # the only tokens the rules below can fire on: every other one is skipped by them
    verbs = tokens_with(doc, lemmas=CLAIM_VERBS)
    memory.forms = _speaker_forms(doc, verbs)
    memory.follow_subjects(doc, tokens_with(doc, deps=("nsubj", "nsubjpass")))
    sentences = list(doc.sents)
    art = _Article(
        doc, text, memory, quotations, paragraphs(text), sentences, [s.start_char for s in sentences]
    )
    claims = _claims_of_verbs(art, verbs, tokens_with(doc, forms=("according",)))
    claims += _claims_of_quotations(art, claims)
    return sorted(claims, key=lambda c: c.start)


def claim_table(
    articles: pl.DataFrame, docs: list, mentions_by_article: dict[str, list[dict]]
) -> pl.DataFrame:
    """`claim` rows for the articles (parsed as `docs`, in the same order)."""
    rows = []
    for article, doc in zip(articles.iter_rows(named=True), docs, strict=True):
        if doc is None:
            continue
        for claim in extract_claims(doc, article["text"], mentions_by_article.get(article["article_id"], [])):
            content = doc.char_span(claim.start, claim.end, alignment_mode="expand")
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
                    "mood": claim_mood(content) if content is not None and len(content) else "statement",
                    "claim_group_id": None,
                }
            )
    frame = pl.DataFrame(rows, schema=CLAIM) if rows else pl.DataFrame(schema=CLAIM)
    return frame.unique(subset=["claim_id"], keep="first", maintain_order=True)
