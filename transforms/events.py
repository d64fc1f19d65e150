"""Events: what happened, to whom, where and when, typed by PLOVER.

A trigger is a verb or noun from the lexicon below (its lemma), or a verb + object phrase
("take power"). Each date in a sentence goes to the one event it modifies: the nearest trigger
up its dependency path (checking each ancestor's subject and objects), else a trigger inside a
clause that hangs on the date ("October 11, when an attack ..."), else the nearest trigger in
the sentence. Actor, target and location are entities in the trigger's subject, object and
place phrases. An article that mentions one happening many times yields one event for it.
"""

import polars as pl

from transforms.claims import REPORT_ONLY_VERBS, STATEMENT_VERBS
from transforms.dates import is_datable, resolve
from transforms.ids import stable_id
from transforms.lexicons import table
from transforms.schemas import EVENT
from transforms.tokens import in_sentence, tokens_with

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
    "OTHER",
)


def _lexicon() -> tuple[dict, dict, frozenset]:
    """The trigger lexicon (`lexicons/event_triggers.tsv`): single words as {(lemma, pos): type},
    verb phrases as {(verb, word): type}, and the words that need a date to be an event."""
    words, phrases, needs_date = {}, {}, set()
    for word, pos, event_type, dated in table("event_triggers"):
        if " " in word:
            verb, rest = word.split(" ", 1)
            phrases[(verb, rest)] = event_type
            continue
        for part in ("VERB", "NOUN") if pos == "any" else (pos,):
            words[(word, part)] = event_type
        if dated == "yes":
            needs_date.add(word)
    return words, phrases, frozenset(needs_date)


WORD_TRIGGERS, PHRASE_TRIGGERS, NEEDS_DATE = _lexicon()
# lemma -> type, whichever part of speech: what a report or a test may look a word up in
TRIGGERS = {lemma: event_type for (lemma, _), event_type in WORD_TRIGGERS.items()}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Words before a DATE span that change what it names ("since", "last") or which way it points ("for")
DATE_PREFIXES = frozenset(
    ["since", "on", "in", "last", "next", "this", "early", "late", "mid", "for", "until", "by"]
)
# TIME spans name a day too ("last night", "Thursday night"); a clock time alone resolves to none
DATE_LABELS = frozenset(["DATE", "TIME"])
# Word forms whose lemma is a trigger but which name no happening ("according to" is not an accord).
NOT_TRIGGERS = {"according", "accordingly"}
# the lemmas a trigger can have (a phrase's verb included), and its forms: `_trigger` finds none elsewhere
TRIGGER_LEMMAS = frozenset(TRIGGERS) | frozenset(verb for verb, _ in PHRASE_TRIGGERS)
TRIGGER_FORMS = frozenset(TRIGGERS)


def _phrase_trigger(token) -> tuple[str, str] | None:
    """A verb with the particle or object that makes a phrase of the lexicon ("give up", "call
    for", "impose sanctions")."""
    lemma = token.lemma_.lower()
    for child in token.children:
        key = (lemma, child.lemma_.lower())
        if key in PHRASE_TRIGGERS and child.dep_ in ("dobj", "prt", "prep", "compound:prt"):
            return PHRASE_TRIGGERS[key], f"{token.text} {child.text}"
    return None


def _exchange_of_fire(token) -> bool:
    """ "an exchange of fire" (or gunfire, shots) is fighting, not cooperation."""
    return any(
        child.lower_ == "of" and any(g.lemma_.lower() in ("fire", "gunfire", "shot") for g in child.children)
        for child in token.children
    )


def _market_demand(token) -> bool:
    """A singular "demand" with no one making it ("overwhelming demand", "demand for cars") is a
    market's, not a request."""
    if token.pos_ != "NOUN" or token.tag_ == "NNS":
        return False
    return not any(
        c.dep_ in ("poss", "agent") or (c.dep_ == "prep" and c.lower_ == "by") for c in token.children
    )


def _trigger(token) -> tuple[str, str] | None:
    """(type, trigger words) when the token names a happening."""
    if token.pos_ == "VERB":
        phrase = _phrase_trigger(token)
        if phrase:
            return phrase
    if token.pos_ not in ("VERB", "NOUN", "PROPN") or token.lower_ in NOT_TRIGGERS:
        return None
    lemma = token.lemma_.lower()
    if token.pos_ == "PROPN" and lemma not in ("talks",):
        return None
    pos = "VERB" if token.pos_ == "VERB" else "NOUN"
    event_type = WORD_TRIGGERS.get((lemma, pos)) or WORD_TRIGGERS.get((token.lower_, pos))
    if event_type is None:
        return None
    if token.dep_ in ("amod", "compound") and token.pos_ == "VERB":
        return None
    if lemma == "strike" and token.pos_ == "NOUN" and not _military_strike(token):
        event_type = "PROTEST"  # a walk-out, not a bombardment
    elif lemma == "exchange" and _exchange_of_fire(token):
        event_type = "ASSAULT"
    elif lemma == "demand" and _market_demand(token):
        return None
    return event_type, token.text


def _military_strike(token) -> bool:
    """True when a "strike" is an attack: air/drone/missile/targeted strikes, strikes on or against a target."""
    for child in token.children:
        if child.lower_ in (
            "air",
            "drone",
            "missile",
            "rocket",
            "targeted",
            "precision",
            "military",
            "retaliatory",
            "artillery",
            "nuclear",
            "pre-emptive",
            "preemptive",
            "airstrike",
        ):
            return True
        if child.dep_ == "prep" and child.lower_ in ("on", "against", "in"):
            if child.lower_ != "in":
                return True
    sentence = token.sent.text.lower()
    military = (
        "kill",
        "troop",
        "military",
        "army",
        "bomb",
        "missile",
        "drone",
        "militant",
        "forces",
        "camp",
        "civilian",
        "casualt",
        "wounded",
        "dead",
        "terror",
        "rebel",
        "artillery",
        "jet",
        "navy",
    )
    return any(word in sentence for word in military)


def _clause_head(token):
    """The verb (or main-verb "be") of the clause a token hangs on, walking up the parse; None at
    the root without one."""
    node, steps = token.head, 0
    while steps < 8:
        if node.pos_ == "VERB" or (node.pos_ == "AUX" and node.dep_ not in ("aux", "auxpass")):
            return node
        if node.head.i == node.i:
            return None
        node, steps = node.head, steps + 1
    return None


# Saying, being and seeming are not happenings of their own (the reporting verbs that never are
# come from the one reporting-verb table, transforms/lexicons/reporting_verbs.tsv).
REPORTING_ONLY = REPORT_ONLY_VERBS | frozenset(["be", "seem", "according", "have", "expect", "plan"])
# Reporting verbs, for the statements an institution makes on a day.
REPORTING = STATEMENT_VERBS
# Nouns for what is published: their date is the date of what they do ("a statement on Oct. 25
# accused ..."), when they are the subject of a trigger.
DOCUMENTS = frozenset(["statement", "letter", "report", "post", "announcement"])
# Prepositions that name the happening a clause's act was part of ("in a protest", "at a conference").
OCCASION_PREPOSITIONS = frozenset(["in", "at", "during"])


def _reporting_only(verb) -> bool:
    """True for a verb that only reports, links or seems; "appear" seems when it takes a
    complement ("appeared to be") and happens when it does not ("cases first appeared")."""
    lemma = verb.lemma_.lower()
    if lemma == "appear":
        return any(c.dep_ in ("xcomp", "acomp", "attr", "ccomp") for c in verb.children)
    return lemma in REPORTING_ONLY


# Verbs that only carry the event their object names: "launched a raid", "held talks".
LIGHT_VERBS = frozenset(
    ["launch", "carry", "conduct", "stage", "hold", "begin", "start", "make", "take", "give", "mount"]
)
# Verbs whose subject is the happening: "the hearing is scheduled for", "the vote takes place on".
SCHEDULE_VERBS = frozenset(["schedule", "set", "slate", "due", "plan", "expect", "postpone", "delay"])
HAPPEN_VERBS = frozenset(["happen", "occur"])
FUTURE_AUXILIARIES = frozenset(["will", "shall", "'ll", "wo", "ll"])
SUBJECTS = ("nsubj", "nsubjpass")


def _tense_direction(verb) -> str:
    """Whether a clause speaks of the past or of what is to come, from its verb and the verbs it
    is the complement of: "will", "is scheduled", "plans to" and a schedule line ("Host the
    Lakers on Friday") look ahead; a past tense or a perfect looks back; the news present ("the
    teams meet again on Friday") is "present", ahead only for a weekday or "in three days"."""
    node, steps = verb, 0
    while node is not None and steps < 4:
        auxiliaries = [c for c in node.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in FUTURE_AUXILIARIES for a in auxiliaries):
            return "future"
        # "plans to hold", "is expected to": a schedule verb the clause is the complement of;
        # "is scheduled for": one in the passive
        if node.lemma_.lower() in SCHEDULE_VERBS and (
            node.i != verb.i or any(a.dep_ == "auxpass" for a in auxiliaries)
        ):
            return "future"
        if any(a.tag_ == "VBD" for a in auxiliaries) or node.tag_ == "VBD":
            return "past"
        if any(a.lemma_ == "have" for a in auxiliaries) and node.tag_ == "VBN":
            return "past"
        if node.dep_ == "xcomp" and node.head.i != node.i:
            node, steps = node.head, steps + 1
            continue
        break
    lemma = verb.lemma_.lower()
    if verb.pos_ == "VERB" and lemma not in REPORTING_ONLY and lemma not in REPORTING:
        if verb.tag_ in ("VBZ", "VBP") and not any(c.dep_ == "aux" for c in verb.children):
            return "present"
        if (
            verb.tag_ == "VB"
            and verb.dep_ == "ROOT"
            and not any(c.dep_ in SUBJECTS + ("aux",) for c in verb.children)
        ):
            return "future"  # a schedule line: "Host the Lakers on Friday."
    return "unknown"


def _adjacent_event_noun(date_root, triggers: dict[int, tuple]) -> int | None:
    """An event noun right beside the date ("clashes last month", "an October 15 ceasefire",
    "Thursday night's fight")."""
    span = list(date_root.subtree)
    first, last = span[0].i, span[-1].i
    doc = date_root.doc
    for i in (first - 1, last + 1, first - 2, last + 2):
        if (
            0 <= i < len(doc)
            and i in triggers
            and doc[i].pos_ in ("NOUN", "PROPN")
            and doc[i].sent == date_root.sent
        ):
            if i == last + 2 and doc[last + 1].tag_ != "POS":
                continue
            return _phrase_head(doc[i], triggers)
    return None


def _phrase_head(noun, triggers: dict[int, tuple]) -> int:
    """The event noun a trigger noun completes ("an exchange of fire", "a wave of protests")."""
    preposition = noun.head
    if noun.dep_ == "pobj" and preposition.lower_ == "of" and preposition.head.i in triggers:
        return preposition.head.i
    return noun.i


def _event_of_subject(verb, triggers: dict[int, tuple]) -> int | None:
    """The event noun a verb's subject is ("the talks collapsed"), or the noun a relative clause
    describes ("the hearing, which is scheduled to take place")."""
    for child in verb.children:
        if child.dep_ in SUBJECTS and child.i in triggers:
            return child.i
    if verb.dep_ in ("relcl", "acl") and verb.head.i in triggers:
        return verb.head.i
    if verb.dep_ == "xcomp":
        return _event_of_subject(verb.head, triggers)
    return None


def _subject_noun(verb):
    """The noun a verb's subject (or the noun its relative clause describes) is, for a happening
    the lexicon lacks ("the parade takes place on Sunday")."""
    for child in verb.children:
        if child.dep_ in SUBJECTS and child.pos_ in ("NOUN", "PROPN"):
            return child
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    if verb.dep_ == "xcomp":
        return _subject_noun(verb.head)
    return None


def _scheduled_subject(verb, triggers: dict[int, tuple]) -> int | None:
    """The subject of a "will be" with a date, the thing scheduled ("the final will be on
    Sunday"); a past or present "be" states a fact, not a happening."""
    if verb.lemma_.lower() != "be" or _tense_direction(verb) != "future":
        return None
    noun = _subject_noun(verb)
    if noun is None or noun.pos_ != "NOUN":
        return None
    if noun.i not in triggers:
        triggers[noun.i] = ("OTHER", noun.text)
    return noun.i


def _carrier(verb) -> bool:
    """A verb whose subject is the happening: "take place", "happen", "be scheduled"."""
    lemma = verb.lemma_.lower()
    if lemma in HAPPEN_VERBS or lemma in SCHEDULE_VERBS:
        return True
    return lemma == "take" and any(c.dep_ == "dobj" and c.lemma_.lower() == "place" for c in verb.children)


def _institutional_statement(verb, sentence_entities) -> bool:
    """A reporting verb whose speaker is an organisation or a government, or that is made "in a
    statement", "in a letter": a public statement is a happening of its own."""
    if verb.lemma_.lower() not in REPORTING:
        return False
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "on"):
            if any(
                g.lemma_.lower() in ("statement", "letter", "post", "release", "website")
                for g in child.subtree
            ):
                return True
        if child.dep_ in SUBJECTS:
            for ent in sentence_entities:
                if ent.start <= child.i < ent.end and ent.label_ in ("ORG", "GPE", "NORP"):
                    return True
    return False


def _occasion(verb, triggers: dict[int, tuple]) -> int | None:
    """The event noun a verb's act took place in ("surrounded the building in a protest", "said
    at a conference"), on the verb or on the purpose clause it carries ("... to call for more
    pay in a protest")."""
    clauses = [verb] + [c for c in verb.children if c.dep_ in ("advcl", "xcomp")]
    for clause in clauses:
        for child in clause.children:
            if child.dep_ == "prep" and child.lower_ in OCCASION_PREPOSITIONS:
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj" and grandchild.i in triggers:
                        return grandchild.i
    return None


def _spoken_occasion(verb) -> bool:
    """A reporting verb said on an occasion named by a common noun ("said Tuesday in an
    interview", "in a fireside chat"): the saying is a happening of its own."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in OCCASION_PREPOSITIONS:
            if any(g.dep_ == "pobj" and g.pos_ == "NOUN" and not g.ent_type_ for g in child.children):
                return True
    return False


def _act_described(verb, triggers: dict[int, tuple]) -> int | None:
    """A participle trigger that says what a verb's act was ("posted a message accusing him"),
    within a few steps of the verb: the small model often hangs it on the verb's object."""
    frontier, depth = [verb], 0
    while frontier and depth < 3:
        frontier = [c for node in frontier for c in node.children if c.dep_ not in ("ccomp", "relcl", "conj")]
        for child in frontier:
            if child.dep_ in ("advcl", "xcomp", "acl") and child.tag_ == "VBG" and child.i in triggers:
                return child.i
        depth += 1
    return None


def _what_the_document_did(token, triggers: dict[int, tuple]) -> int:
    """A published document's date goes to the trigger it is the subject of ("a statement
    published Oct. 25 accused ...") or that was done in it ("In a statement published Oct. 25,
    the ministry accused ...")."""
    if token.lemma_.lower() not in DOCUMENTS:
        return token.i
    if token.dep_ in SUBJECTS and token.head.i in triggers:
        return token.head.i
    preposition = token.head
    if token.dep_ == "pobj" and preposition.lower_ == "in" and preposition.head.i in triggers:
        return preposition.head.i
    return token.i


def _date_owner(date_root, triggers: dict[int, tuple], sentence_entities) -> int | None:
    """The event a date modifies (a token index); may add the clause's own verb to `triggers` as
    an OTHER event when the date belongs to a happening the lexicon lacks. A dated document
    hands the date on to what it did."""
    owner = _date_owner_in_clause(date_root, triggers, sentence_entities)
    return None if owner is None else _what_the_document_did(date_root.doc[owner], triggers)


def _date_owner_in_clause(date_root, triggers: dict[int, tuple], sentence_entities) -> int | None:
    """The trigger a date modifies, in order: an event noun beside the date; a trigger in a clause that hangs on the date; the
    clause's verb when it is a trigger (a light verb handing the date to the event noun it
    carries); the event a carrier verb's subject names; the event the act took place in; a verb
    whose subject is an event noun, or whose participle says what it did; any other content verb,
    as an OTHER event; for reporting verbs and "be", the dependency path, then a statement made
    by an institution or on a named occasion."""
    beside = _adjacent_event_noun(date_root, triggers)
    if beside is not None:
        return beside
    inside = [t.i for t in date_root.subtree if t.i in triggers]
    if inside:  # "October 11, when an attack ..."
        return min(inside)
    verb = _clause_head(date_root)
    if verb is None:
        return _date_owner_by_parse(date_root, triggers)
    if verb.lemma_.lower() in LIGHT_VERBS or _carrier(verb):
        carried = [c.i for c in verb.children if c.dep_ == "dobj" and c.i in triggers]
        if carried:
            return carried[0]
    if verb.i in triggers:
        return verb.i
    if _carrier(verb):
        event = _event_of_subject(verb, triggers)
        if event is not None:
            return event
        noun = _subject_noun(verb)
        if noun is not None:
            triggers[noun.i] = ("OTHER", noun.text)
            return noun.i
    occasion = _occasion(verb, triggers)
    if occasion is not None:
        return occasion
    scheduled = _scheduled_subject(verb, triggers)
    if scheduled is not None:
        return scheduled
    if not _reporting_only(verb) and verb.lemma_.lower() not in REPORTING:
        event = _event_of_subject(verb, triggers)
        if event is None:
            event = _act_described(verb, triggers)
        if event is not None:
            return event
        triggers[verb.i] = ("OTHER", verb.text)
        return verb.i
    owner = _date_owner_by_parse(date_root, triggers)
    if owner is None and (_institutional_statement(verb, sentence_entities) or _spoken_occasion(verb)):
        triggers[verb.i] = ("OTHER", verb.text)
        return verb.i
    return owner


def _date_owner_by_parse(date_root, triggers: dict[int, tuple]) -> int | None:
    """The trigger a date in a reporting or linking clause modifies, by the dependency path: a
    trigger up the path, or one that is the subject or object of a verb on it."""
    path_child = date_root
    node = date_root.head
    steps = 0
    while steps < 8:
        if node.i in triggers and node.i != date_root.i:
            return node.i
        for child in sorted(node.children, key=lambda c: abs(c.i - date_root.i)):
            if child is path_child:
                continue
            if child.i in triggers and child.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr"):
                return child.i
            if child.dep_ in SUBJECTS:
                inside = [t.i for t in child.subtree if t.i in triggers]
                if inside:
                    return min(inside, key=lambda i: abs(i - date_root.i))
        if node.head.i == node.i:
            break
        path_child, node = node, node.head
        steps += 1
    inside = [t.i for t in date_root.subtree if t.i in triggers]
    return min(inside) if inside else None


def _date_expression(ent) -> tuple[str, int, int]:
    """The DATE span with the words around it that change its meaning ("last", "since", "after")."""
    doc = ent.doc
    start = ent.start
    if start > 0 and doc[start - 1].lower_ in DATE_PREFIXES:
        start -= 1
    end = ent.end
    if end < len(doc) and doc[end].lower_ in ("after", "later", "before", "earlier"):
        end += 1  # "a day after", "two weeks later": counted from the date before
    span = doc[start:end]
    return span.text, span.start_char, span.end_char


def _role_entities(token, mentions: list[dict]) -> tuple[str | None, str | None, str | None]:
    """Actor, target and location entity ids of a trigger, from its syntactic neighbours."""

    def entity_in(tokens) -> dict | None:
        tokens = list(tokens)
        if not tokens:
            return None
        lo = min(t.idx for t in tokens)
        hi = max(t.idx + len(t.text) for t in tokens)
        inside = [m for m in mentions if m["start"] >= lo and m["end"] <= hi]
        return inside[0] if inside else None

    actor = target = location = None
    verb = token if token.pos_ == "VERB" else None
    if verb is not None:
        for child in verb.children:
            if child.dep_ == "nsubj" and actor is None:
                actor = entity_in(child.subtree)
            elif child.dep_ in ("dobj", "nsubjpass") and target is None:
                target = entity_in(child.subtree)
            elif child.dep_ == "agent" and actor is None:
                actor = entity_in(child.subtree)
    else:
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod") and actor is None:
                m = entity_in(child.subtree)
                if m and m["label"] not in PLACE_LABELS:
                    actor = m
            if child.dep_ == "prep" and child.lower_ in ("by", "from") and actor is None:
                actor = entity_in(child.subtree)
            if (
                child.dep_ == "prep"
                and child.lower_ in ("on", "against", "with", "between")
                and target is None
            ):
                target = entity_in(child.subtree)
        if token.dep_ in ("nsubj", "dobj") and actor is None and token.dep_ == "dobj":
            actor = entity_in(c for c in token.head.children if c.dep_ == "nsubj")
    holders = [token] + ([token.head] if token.head.i != token.i else [])
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at", "near", "along", "across", "inside"):
                m = entity_in(child.subtree)
                if m and m["label"] in PLACE_LABELS and location is None:
                    location = m
    if location is None:
        for child in token.children:
            if child.dep_ == "compound":
                m = entity_in([child])
                if m and m["label"] in PLACE_LABELS:
                    location = m

    def eid(m):
        return m["entity_id"] if m else None

    return eid(actor), eid(target), eid(location)


def _entities_by_sentence(doc) -> dict[int, list]:
    """The model's entities of each sentence (keyed by the sentence's first token), those that
    lie wholly inside it, as `Span.ents` gives them; `Span.ents` rebuilds every entity of the
    doc on each call, which made this stage quadratic in article length."""
    sentences = [(sent.start, sent.end) for sent in doc.sents]
    starts = [start for start, _ in sentences]
    ends = [end for _, end in sentences]
    out: dict[int, list] = {}
    index = 0
    for ent in doc.ents:
        while index < len(starts) and ends[index] <= ent.start:
            index += 1
        if index < len(starts) and starts[index] <= ent.start and ent.end <= ends[index]:
            out.setdefault(starts[index], []).append(ent)
    return out


def date_direction(tense: str, resolved, published) -> str:
    """past, future or unknown: what the text says of an event's time (its tense and modality),
    else where its date lies against the publication day."""
    if tense in ("past", "future"):
        return tense
    if resolved is None or published is None:
        return "unknown"
    if resolved > published:
        return "future"
    return "past" if resolved < published else "unknown"


def extract_events(doc, text: str, published, mentions: list[dict]) -> list[dict]:
    """The events of one parsed article, one per happening (type, trigger, date)."""
    events: dict[tuple, dict] = {}
    anchor = None  # the last day the article has dated: "a day after" counts from it
    entities_in = _entities_by_sentence(doc)
    candidates = tokens_with(doc, lemmas=TRIGGER_LEMMAS, forms=TRIGGER_FORMS)
    for sent in doc.sents:
        sentence_entities = entities_in.get(sent.start, [])
        triggers = {}
        for token in (doc[i] for i in in_sentence(candidates, sent)):
            found = _trigger(token)
            if found:
                triggers[token.i] = found
        dates: dict[int, tuple] = {}
        for ent in sentence_entities:
            if ent.label_ not in DATE_LABELS or not is_datable(ent.text):
                continue
            expression, _, _ = _date_expression(ent)
            clause = _clause_head(ent.root)
            direction = _tense_direction(clause) if clause is not None else "unknown"
            resolved, granularity = resolve(expression, published, anchor, direction)
            if resolved is None and published is not None:
                continue
            if resolved is not None and granularity == "day":
                anchor = resolved
            owner = _date_owner(ent.root, triggers, sentence_entities)
            if owner is not None and owner not in dates:
                dates[owner] = (resolved, granularity, expression, direction)
        for i, (event_type, trigger_text) in triggers.items():
            token = doc[i]
            resolved, granularity, expression, direction = dates.get(i, (None, None, None, "unknown"))
            if token.lemma_.lower() in NEEDS_DATE and expression is None:
                continue
            key = (event_type, token.lemma_.lower(), resolved, expression if resolved is None else None)
            if key in events:
                continue
            actor, target, location = _role_entities(token, mentions)
            events[key] = {
                "event_type": event_type,
                "trigger": trigger_text,
                "sentence": sent.text.strip(),
                "actor_entity_id": actor,
                "target_entity_id": target,
                "location_entity_id": location,
                "event_date": resolved,
                "date_granularity": granularity,
                "date_text": expression,
                "date_direction": date_direction(direction, resolved, published),
                "start_char": token.idx,
                "end_char": token.idx + len(trigger_text),
            }
    return list(events.values())


def event_table(
    articles: pl.DataFrame, docs: list, mentions_by_article: dict[str, list[dict]]
) -> pl.DataFrame:
    """`event` rows for the articles (parsed as `docs`, in the same order)."""
    rows = []
    for article, doc in zip(articles.iter_rows(named=True), docs, strict=True):
        if doc is None:
            continue
        published = article["published_date"]
        for event in extract_events(
            doc, article["text"], published, mentions_by_article.get(article["article_id"], [])
        ):
            rows.append(
                {
                    "event_id": stable_id("event", article["article_id"], str(event["start_char"])),
                    "article_id": article["article_id"],
                    **event,
                }
            )
    frame = pl.DataFrame(rows, schema=EVENT) if rows else pl.DataFrame(schema=EVENT)
    return frame.unique(subset=["event_id"], keep="first", maintain_order=True)
