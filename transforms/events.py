"""Events: what happened, to whom, where and when, typed by PLOVER.

A trigger is a verb or noun from the lexicon below (its lemma), or a verb + object phrase
("take power"). Each date in a sentence goes to the one event it modifies: the nearest trigger
up its dependency path (checking each ancestor's subject and objects), else a trigger inside a
clause that hangs on the date ("October 11, when an attack ..."), else the nearest trigger in
the sentence. Actor, target and location are entities in the trigger's subject, object and
place phrases. An article that mentions one happening many times yields one event for it.
"""

import polars as pl

from transforms.dates import is_datable, resolve
from transforms.ids import stable_id
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

# The trigger lexicon: lemma -> PLOVER type. The one place event types are defined.
TRIGGERS = {
    **dict.fromkeys(
        [
            "ceasefire",
            "truce",
            "agreement",
            "accord",
            "pact",
            "deal",
            "treaty",
            "armistice",
            "agree",
            "sign",
            "understanding",
        ],
        "AGREE",
    ),
    **dict.fromkeys(
        [
            "talk",
            "talks",
            "negotiation",
            "negotiate",
            "meeting",
            "meet",
            "summit",
            "dialogue",
            "consultation",
            "consult",
            "discuss",
            "discussion",
            "conference",
            "visit",
            "mediation",
            "mediate",
            "round",
        ],
        "CONSULT",
    ),
    **dict.fromkeys(
        ["support", "endorse", "endorsement", "back", "praise", "welcome", "recognise", "recognize"],
        "SUPPORT",
    ),
    **dict.fromkeys(
        ["concede", "concession", "apologise", "apologize", "apology", "compromise", "ease", "reopen"],
        "CONCEDE",
    ),
    **dict.fromkeys(
        [
            "cooperate",
            "cooperation",
            "collaborate",
            "collaboration",
            "partnership",
            "ally",
            "alliance",
            "exchange",
        ],
        "COOPERATE",
    ),
    **dict.fromkeys(["aid", "assistance", "donate", "donation", "relief", "grant", "loan", "bailout"], "AID"),
    **dict.fromkeys(
        ["withdraw", "withdrawal", "retreat", "pullout", "evacuate", "evacuation", "disarm"], "RETREAT"
    ),
    **dict.fromkeys(["demand", "request", "urge", "appeal", "plead", "petition"], "REQUEST"),
    **dict.fromkeys(
        [
            "accuse",
            "accusation",
            "allege",
            "allegation",
            "blame",
            "condemn",
            "condemnation",
            "criticise",
            "criticize",
            "criticism",
            "denounce",
            "slam",
            "stall",
        ],
        "ACCUSE",
    ),
    **dict.fromkeys(
        ["reject", "rejection", "refuse", "refusal", "deny", "veto", "rebuff", "collapse", "boycott"],
        "REJECT",
    ),
    **dict.fromkeys(["threaten", "threat", "ultimatum", "warn", "warning"], "THREATEN"),
    **dict.fromkeys(
        ["protest", "demonstration", "demonstrate", "rally", "march", "sit-in", "riot"], "PROTEST"
    ),
    **dict.fromkeys(
        [
            "sanction",
            "embargo",
            "ban",
            "suspend",
            "suspension",
            "expel",
            "expulsion",
            "closure",
            "tariff",
            "blockade",
        ],
        "SANCTION",
    ),
    **dict.fromkeys(
        [
            "mobilise",
            "mobilize",
            "mobilisation",
            "mobilization",
            "deploy",
            "deployment",
            "buildup",
            "reinforce",
        ],
        "MOBILIZE",
    ),
    **dict.fromkeys(
        [
            "arrest",
            "detain",
            "detention",
            "seize",
            "seizure",
            "takeover",
            "coup",
            "deport",
            "deportation",
            "crackdown",
            "curfew",
            "raid",
            "abduct",
            "abduction",
            "kidnap",
            "capture",
            "occupy",
            "occupation",
            "annex",
            "annexation",
        ],
        "COERCE",
    ),
    **dict.fromkeys(
        [
            "attack",
            "strike",
            "airstrike",
            "clash",
            "skirmish",
            "killing",
            "kill",
            "bomb",
            "bombing",
            "shelling",
            "shell",
            "shoot",
            "shooting",
            "assault",
            "ambush",
            "explosion",
            "blast",
            "massacre",
            "fighting",
            "fight",
            "battle",
            "war",
            "invasion",
            "invade",
            "offensive",
            "assassination",
            "assassinate",
            "firefight",
            "insurgency",
            "violence",
            "incursion",
        ],
        "ASSAULT",
    ),
    **dict.fromkeys(
        [
            "plea",
            "crash",
            "sentencing",
            "sentence",
            "election",
            "vote",
            "trial",
            "verdict",
            "resign",
            "resignation",
            "launch",
            "earthquake",
            "flood",
            "fire",
            "storm",
            "outbreak",
            "convict",
            "conviction",
            "acquit",
            "acquittal",
            "indict",
            "indictment",
            "appoint",
            "appointment",
            "die",
            "death",
        ],
        "OTHER",
    ),
}
# Verb + object phrases that name one happening: lemma pairs.
PHRASE_TRIGGERS = {
    ("take", "power"): "COERCE",
    ("seize", "power"): "COERCE",
    ("take", "control"): "COERCE",
    ("seize", "control"): "COERCE",
    ("open", "fire"): "ASSAULT",
    ("hand", "over"): "CONCEDE",
    ("call", "for"): "REQUEST",
    ("call", "on"): "REQUEST",
    ("impose", "sanction"): "SANCTION",
    ("close", "border"): "SANCTION",
    ("cut", "tie"): "SANCTION",
    ("sever", "tie"): "SANCTION",
}
# Nouns too general to be a happening without a date: kept only when a date is attached.
NEEDS_DATE = {
    "round",
    "understanding",
    "exchange",
    "support",
    "fire",
    "death",
    "war",
    "violence",
    "insurgency",
    "back",
    "ease",
    "grant",
    "sentence",
    "deal",
    "march",
}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Word forms whose lemma is a trigger but which name no happening ("according to" is not an accord).
NOT_TRIGGERS = {"according", "accordingly"}
# the lemmas a trigger can have (a phrase's verb included), and its forms: `_trigger` finds none elsewhere
TRIGGER_LEMMAS = frozenset(TRIGGERS) | frozenset(verb for verb, _ in PHRASE_TRIGGERS)
TRIGGER_FORMS = frozenset(TRIGGERS)


def _trigger(token) -> tuple[str, str] | None:
    """(type, trigger words) when the token names a happening."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        for child in token.children:
            key = (lemma, child.lemma_.lower())
            if key in PHRASE_TRIGGERS and child.dep_ in ("dobj", "prt", "prep"):
                return PHRASE_TRIGGERS[key], f"{token.text} {child.text}"
    if token.pos_ not in ("VERB", "NOUN", "PROPN") or token.lower_ in NOT_TRIGGERS:
        return None
    if token.pos_ == "PROPN" and lemma not in ("talks",):
        return None
    event_type = TRIGGERS.get(lemma) or TRIGGERS.get(token.lower_)
    if event_type is None:
        return None
    if lemma == "strike" and token.pos_ == "NOUN" and not _military_strike(token):
        event_type = "PROTEST"  # a walk-out, not a bombardment
    if token.dep_ in ("amod", "compound") and token.pos_ == "VERB":
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


def _governing_verb(token):
    """The verb a token hangs on, walking up the parse (None at the root without one)."""
    node, steps = token.head, 0
    while steps < 8:
        if node.pos_ == "VERB":
            return node
        if node.head is node:
            return None
        node, steps = node.head, steps + 1
    return None


def _reporting_only(verb) -> bool:
    """Saying, being and seeming are not happenings of their own."""
    return verb.lemma_.lower() in (
        "say",
        "tell",
        "add",
        "be",
        "seem",
        "appear",
        "note",
        "report",
        "write",
        "according",
        "expect",
        "plan",
        "have",
    )


# Verbs that only carry the event their object names: "launched a raid", "held talks".
LIGHT_VERBS = {
    "launch",
    "carry",
    "conduct",
    "stage",
    "hold",
    "begin",
    "start",
    "make",
    "take",
    "give",
    "mount",
}


def _date_owner(date_root, triggers: dict[int, tuple], sent) -> int | None:
    """The trigger a date modifies; a light verb hands it to the event noun it carries."""
    owner = _date_owner_by_parse(date_root, triggers, sent)
    if owner is not None:
        token = date_root.doc[owner]
        if token.lemma_.lower() in LIGHT_VERBS:
            carried = [c.i for c in token.children if c.dep_ == "dobj" and c.i in triggers]
            if carried:
                return carried[0]
    return owner


def _date_owner_by_parse(date_root, triggers: dict[int, tuple], sent) -> int | None:
    """The trigger a date modifies (token index): an event noun right beside the date ("clashes
    last month", "an October 15 ceasefire"), else by the dependency path."""
    span = list(date_root.subtree)
    first, last = span[0].i, span[-1].i
    for i in (first - 1, last + 1, first - 2):
        if (
            i in triggers
            and date_root.doc[i].pos_ in ("NOUN", "PROPN")
            and date_root.doc[i].sent == date_root.sent
        ):
            return i
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
            if child.dep_ in ("nsubj", "nsubjpass"):
                inside = [t.i for t in child.subtree if t.i in triggers]
                if inside:
                    return min(inside, key=lambda i: abs(i - date_root.i))
        if node.head is node:
            break
        path_child, node = node, node.head
        steps += 1
    inside = [t.i for t in date_root.subtree if t.i in triggers]
    if inside:
        return min(inside)
    if triggers:
        return min(triggers, key=lambda i: abs(i - date_root.i))
    return None


def _date_expression(ent) -> tuple[str, int, int]:
    """The DATE span with the words around it that change its meaning ("last", "since", "after")."""
    doc = ent.doc
    start = ent.start
    if start > 0 and doc[start - 1].lower_ in (
        "since",
        "on",
        "in",
        "last",
        "next",
        "this",
        "early",
        "late",
        "mid",
    ):
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
    holders = [token] + ([token.head] if token.head is not token else [])
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
        if not triggers:
            # a dated sentence with no lexicon trigger still tells of something that happened
            # then: its date's governing verb is an OTHER event ("the museum reopened on Friday")
            for ent in sentence_entities:
                verb = _governing_verb(ent.root) if ent.label_ == "DATE" and is_datable(ent.text) else None
                if verb is not None and not _reporting_only(verb):
                    triggers[verb.i] = ("OTHER", verb.text)
                    break
        if not triggers:
            continue
        dates: dict[int, tuple] = {}
        for ent in sentence_entities:
            if ent.label_ != "DATE":
                continue
            expression, d_start, d_end = _date_expression(ent)
            if not is_datable(ent.text):
                continue
            resolved, granularity = resolve(expression, published, anchor)
            if resolved is None and published is not None:
                continue
            if resolved is not None and granularity == "day":
                anchor = resolved
            owner = _date_owner(ent.root, triggers, sent)
            if owner is not None and owner not in dates:
                dates[owner] = (resolved, granularity, expression)
        for i, (event_type, trigger_text) in triggers.items():
            token = doc[i]
            resolved, granularity, expression = dates.get(i, (None, None, None))
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
