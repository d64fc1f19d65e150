"""Named entities: spaCy's spans, mended by general rules, resolved to canonical entities.

Per article: spans are cleaned (titles, roles, possessives, a leading "the", bullets), split where
the model glued two names together (across a verb, a colon or a hyphen), completed with acronym
definitions and "<Name> group"-style names the model missed, retyped by evidence in the text
(a name that speaks, a name after "in", a team before a player), and every further occurrence of
a name found is added. Short forms are linked to the full name in the same article ("Okafor" ->
"Daniel Okafor", "Pat" -> "Patrick", "DOJ" -> "Department of Justice"). Across articles the
entity id is a hash of the canonical name's identity key (transforms/names.py), so the same
entity has the same id in every article and every run.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import polars as pl

from transforms.gazetteer import country_name, curated_name, fold, is_city
from transforms.ids import stable_id
from transforms.lexicons import table
from transforms.names import (
    initialisms,
    org_key,
    people_key,
    person_key,
    person_words,
    same_person,
    surname_of,
)
from transforms.schemas import ENTITY, ENTITY_MENTION
from transforms.tokens import tokens_with

NAMED_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
PLACE_TYPES = {"GPE", "LOC", "FAC"}
GROUP_TYPES = {"ORG", "NORP"}
TITLED_TYPES = {"WORK_OF_ART", "EVENT", "LAW", "PRODUCT"}  # titles hold any word ("Make your Move")

# Role and title words (lexicons/role_words.tsv): a PERSON span keeps what follows the last of
# them; an ORG span loses them at its end, except those that may close an organisation's name.
ROLE_WORDS = frozenset(word for word, _ in table("role_words"))
ROLE_ONLY = frozenset(word for word, org_name in table("role_words") if org_name == "no")

# Nouns that make a preceding proper name a group (lexicons/group_nouns.tsv).
GROUP_NOUNS = frozenset(word for (word,) in table("group_nouns"))
TEAM_ROLES = frozenset(word for (word,) in table("team_roles"))


_ACRONYM_AFTER = re.compile(
    r"([A-Z][\w’'\-]*(?:[ \-](?:[A-Z][\w’'\-]*|of|for|and|the|de|al|i|e|ul))*[ ]?)\(([A-Z][A-Za-z]*[A-Z](?:/[A-Za-z]+)?)\)"
)
_ACRONYM_BEFORE = re.compile(
    r"\b([A-Z][A-Za-z]*[A-Z](?:/[A-Za-z]+)?)\s*\(([A-Z][\w’'\-]*(?:[ \-](?:[A-Z][\w’'\-]*|of|for|and|the|de|al|i|e|ul))+)\)"
)
_LEADING_JUNK = re.compile(r"^[\s\-–—•·*▪►\"“”‘’'(\[]+")
_TRAILING_JUNK = re.compile(r"[\s\-–—•·*▪►\"“”‘’'),.;:\]]+$")
_DEMONYM_PLURAL = re.compile(r"^[A-Z][a-z]+(?:ans|ians|is|ese|ites)$")
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])(?:[A-Z]|Jr|Sr|St|Inc|Corp|Co|Ltd)$")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@dataclass
class Mention:
    """One occurrence of a name in an article's text."""

    start: int
    end: int
    label: str
    sentence_index: int
    canonical: str = ""
    source: str = "model"  # model | acronym | pattern | repeat | dateline
    extra_forms: set[str] = field(default_factory=set)


def name_key(name: str) -> str:
    """The comparison form of a canonical name: folded, without "the" or a possessive."""
    key = fold(name)
    key = re.sub(r"^the ", "", key)
    return re.sub(r"'s$", "", key)


def identity_key(name: str, label: str) -> tuple[str, str]:
    """(kind, key): two canonical names with one identity key are one entity. People are kept
    apart from places and groups; a person is keyed by first name and surname, a people by its
    romanised words ("Uighur" = "Uyghur"), anything else by its words ("Justice Department" =
    "Department of Justice")."""
    if label == "PERSON":
        return "person", person_key(name)
    if label == "NORP":
        return "thing", people_key(name_key(name))
    return "thing", org_key(name_key(name))


def entity_id_for(name: str, label: str) -> str:
    """The warehouse-wide id of a canonical entity."""
    return stable_id("entity", *identity_key(name, label))


def _initials(words: list[str]) -> str:
    letters = []
    for word in words:
        for part in re.split(r"[-\s]", word):
            if part and part[0].isupper():
                letters.append(part[0])
    return "".join(letters)


def acronym_definitions(text: str) -> list[tuple[str, int, int, str, int, int]]:
    """Acronyms the text defines: (acronym, start, end, expansion, start, end) for
    "Andean Liberation Front (ALF)" and "ALF/JK (Andean Liberation Front)" alike.
    The acronym's leading capitals must be the expansion's initials."""
    found = []
    for match in _ACRONYM_AFTER.finditer(text):
        long_form, acronym = match.group(1).rstrip(), match.group(2)
        head = acronym.split("/")[0]
        words = long_form.split()
        # take the shortest tail of the words whose initials spell the acronym
        for cut in range(len(words) - 1, -1, -1):
            tail = words[cut:]
            if _initials(tail).upper() == head.upper():
                expansion = " ".join(tail)
                start = match.start(1) + long_form.rfind(expansion)
                found.append(
                    (acronym, match.start(2), match.end(2), expansion, start, start + len(expansion))
                )
                break
    for match in _ACRONYM_BEFORE.finditer(text):
        acronym, expansion = match.group(1), match.group(2).strip()
        if _initials(expansion.split()).upper() == acronym.split("/")[0].upper():
            found.append(
                (
                    acronym,
                    match.start(1),
                    match.end(1),
                    expansion,
                    match.start(2),
                    match.start(2) + len(expansion),
                )
            )
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drops edge punctuation, bullets, a leading "the" and a trailing possessive from a span."""
    span = text[start:end]
    lead = _LEADING_JUNK.match(span)
    if lead:
        start += lead.end()
    while True:
        span = text[start:end]
        if re.match(r"(?i)the\s+", span):
            start += re.match(r"(?i)the\s+", span).end()
            continue
        trail = _TRAILING_JUNK.search(span)
        if trail and trail.start() > 0:
            if trail.group(0).startswith(".") and _ABBREVIATION_END.search(span[: trail.start()]):
                end = start + trail.start() + 1  # "U.S.", "Jr.": the stop is part of the name
                break
            end = start + trail.start()
            continue
        poss = _POSSESSIVE.search(span)
        if poss and poss.start() > 0:
            end = start + poss.start()
            continue
        break
    return start, end


def _words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]


def _is_role(word: str) -> bool:
    return fold(word).strip(".") in ROLE_WORDS


# Lower-case words names hold (lexicons/name_connectives.tsv).
NAME_CONNECTIVES = frozenset(word for (word,) in table("name_connectives"))


def _is_glue(word: str) -> bool:
    """A lower-case word that names do not hold: a verb or noun between two names."""
    bare = word.strip(",.;")
    return bare.isalpha() and bare.islower() and bare not in NAME_CONNECTIVES and "-" not in word


def _office_of_a_role(possessor: str, following: str, label: str) -> bool:
    """A role's possessive that opens an institution's own name: "Magistrate's Court",
    "Sheriff's Department", "Attorney's Office". Not a person's: a person's span has no office."""
    return label != "PERSON" and _is_role(possessor[:-2]) and following[:1].isupper()


def _split_span(text: str, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """Mends one model span: roles and titles out, possessors and glued names split off."""
    start, end = _trim(text, start, end)
    if end <= start:
        return []
    words = _words(text, start, end)
    # a possessor inside the span: "Pakistan's Foreign Office" -> "Pakistan" + "Foreign Office"
    for i, (word, _, we) in enumerate(words[:-1]):
        if re.search(r"['’]s$", word):
            if _office_of_a_role(word, words[i + 1][0], label):
                continue
            return _split_span(text, start, we, label) + _split_span(text, words[i + 1][1], end, label)
    # a colon or a lower-case word no name holds ("Garrett hit Rudolph"): two spans glued
    for i, (word, _, we) in enumerate(words):
        if 0 < i < len(words) - 1 and _is_glue(word) and label not in TITLED_TYPES:
            return _split_span(text, start, words[i - 1][2], label) + _split_span(
                text, words[i + 1][1], end, label
            )
        if word.endswith(":") and i < len(words) - 1:
            return _split_span(text, start, we - 1, label) + _split_span(text, words[i + 1][1], end, label)
    # names start with a capital: "rookie Emil Bemstrom", "C. Martinez 1" lose the words around them
    while len(words) > 1 and not words[0][0][:1].isupper() and not words[0][0][:1].isdigit():
        words = words[1:]
    while len(words) > 1 and re.fullmatch(r"[\d.,:/-]+", words[-1][0]):
        words = words[:-1]
    start, end = words[0][1], words[-1][2]
    if label == "PERSON":
        last_role = max((i for i, (w, _, _) in enumerate(words) if _is_role(w)), default=-1)
        if last_role >= 0:
            if last_role == len(words) - 1:
                return []
            return _split_span(text, words[last_role + 1][1], end, label)
    else:
        whole = words
        while words and fold(words[-1][0]).strip(".") in ROLE_ONLY:
            words = words[:-1]
        if words and words[-1][0] in NAME_CONNECTIVES:
            words = whole  # "Court of Justice", "Office of Inspector General": the role is the name's
        while (
            words
            and fold(words[0][0]).strip(".") in ROLE_ONLY
            and len(words) > 1
            and label in GROUP_TYPES
            and words[-1][0] not in NAME_HEADS
        ):
            # "Spokesperson Foreign Office" never occurs; a leading role on an ORG is a mis-span,
            # unless the name ends in an organisation's head: "General Assembly", "Premier League"
            words = words[1:]
        if not words or all(_is_role(w) for w, _, _ in words):
            return []
        start, end = _trim(text, words[0][1], words[-1][2])
    # a hyphenated pair of names: "Peru-Chile" -> both
    span = text[start:end]
    if "-" in span and " " not in span.split("-")[0]:
        parts = span.split("-")
        if len(parts) >= 2 and all(p[:1].isupper() for p in parts) and country_name(parts[0]):
            out, offset = [], start
            for part in parts:
                out += _split_span(text, offset, offset + len(part), label)
                offset += len(part) + 1
            return out
    if end - start < 2:
        return []
    return [(start, end, label)]


def _heading_line(text: str, start: int, end: int) -> bool:
    """True when the span sits in a short all-capitals line such as "KEY POINTS"."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if not line.isupper():  # a lower-case letter, or no cased letter: never a capitals heading
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(line.split()) <= 6


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "-"


def word_occurrences(text: str, surface: str):
    r"""(start, end) of each occurrence of `surface` in `text` that is not part of a longer word
    or hyphenated compound, left to right without overlaps: what the regex
    `(?<![\w-])surface(?![\w-])` finds, by `str.find` (a regex per name cost more to compile than
    to run)."""
    if not surface:
        return
    at = text.find(surface)
    while at >= 0:
        end = at + len(surface)
        if (at == 0 or not _is_word_char(text[at - 1])) and (
            end == len(text) or not _is_word_char(text[end])
        ):
            yield at, end
            at = text.find(surface, end)
        else:
            at = text.find(surface, at + 1)


def _sentence_index(sent_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(sent_starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if sent_starts[mid] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return max(lo - 1, 0)


def _common_word_at_sentence_start(text: str, start: int, end: int, sent_starts: list[int]) -> bool:
    """A single capitalised word opening a sentence that the article also uses in lower case
    ("Schedule changes were ..." beside "the schedule") is a word, not a name."""
    surface = text[start:end]
    if " " in surface or not surface[:1].isupper() or surface.isupper():
        return False
    index = _sentence_index(sent_starts, start)
    opening = text[sent_starts[index] : start].strip(" \"“‘'(-—–•\n") if sent_starts else ""
    if opening:
        return False
    return next(word_occurrences(text, surface.lower()), None) is not None


def _offices_rejoined(ents, text: str) -> list[tuple[int, int, str]]:
    """The model's spans as (start, end, label), a role's possessive span joined to the capitalised
    name right after it: "Westminster Magistrate's" + "Court" is "Westminster Magistrate's Court"."""
    spans = [(e.start_char, e.end_char, e.label_) for e in ents]
    joined: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if joined:
            prev_start, prev_end, prev_label = joined[-1]
            possessor = text[prev_start:prev_end].split()[-1]
            if (
                text[prev_end:start] == " "
                and re.search(r"['’]s$", possessor)
                and _office_of_a_role(possessor, text[start:end], prev_label)
                and label not in ("PERSON", "DATE", "TIME")
            ):
                joined[-1] = (prev_start, end, prev_label)
                continue
        joined.append((start, end, label))
    return joined


def _model_mentions(doc, text: str, sent_starts: list[int]) -> list[Mention]:
    mentions = []
    for ent_start, ent_end, ent_label in _offices_rejoined(doc.ents, text):
        if ent_label not in NAMED_TYPES:
            continue
        for start, end, label in _split_span(text, ent_start, ent_end, ent_label):
            surface = text[start:end]
            if label in ("ORG", "PERSON") and _heading_line(text, start, end) and not country_name(surface):
                continue
            if not re.search(r"[A-Za-zÀ-ÿ\u0100-\u024f]", surface) or surface.islower():
                continue
            if _common_word_at_sentence_start(text, start, end, sent_starts) and label in (
                "ORG",
                "PERSON",
                "PRODUCT",
            ):
                continue
            if label == "NORP" and surface[:1].islower():
                continue  # "pro-Western", "anti-Semitism": a stance, not a people
            if _a_word_the_parser_reads_as_common(doc, start, end, label):
                continue
            mentions.append(Mention(start, end, label, _sentence_index(sent_starts, start)))
    return mentions


def _gerunds_glued_to_names(text: str, mentions: list[Mention]) -> None:
    """A person's span that opens with a capitalised "-ing" word before the surname of another
    person the article names in full took in the verb that opens the sentence: "Hosting Ruiz at
    the gala" (the article's "Ana Ruiz") names "Ruiz"; "Irving Berlin" is a name of its own."""
    owners = defaultdict(set)  # surname -> the full names that end in it
    for m in mentions:
        if m.label == "PERSON" and " " in text[m.start : m.end]:
            owners[text[m.start : m.end].split()[-1]].add(text[m.start : m.end])
    for m in mentions:
        first, _, rest = text[m.start : m.end].partition(" ")
        if m.label != "PERSON" or not re.fullmatch(r"[A-Z][a-z]+ing", first):
            continue
        if owners.get(rest, set()) - {text[m.start : m.end]}:
            m.start += len(first) + 1


def _a_word_the_parser_reads_as_common(doc, start: int, end: int, label: str) -> bool:
    """A one-word span the tagger reads as a verb, an adverb or a common noun ("Televised",
    "Nationally,", "Schedule") is a capitalised word, not a name. Peoples are adjectives
    ("Uzbek") and stay."""
    span = doc.char_span(start, end)
    if span is None or len(span) != 1 or label == "NORP":
        return False
    return span[0].pos_ in ("VERB", "ADV") or span[0].tag_ == "NN"  # a plural may be a team


def _group_name_mentions(doc, text: str, sent_starts: list[int]) -> list[Mention]:
    """Proper names the model missed that a group noun marks: "the Gul Bahadur group"."""
    found = []
    for token in (doc[i] for i in tokens_with(doc, forms=GROUP_NOUNS)):
        if token.i == 0:
            continue
        names = []
        j = token.i - 1
        while j >= 0 and doc[j].text[:1].isupper() and _inside_group_name(doc[j]):
            names.append(doc[j])
            j -= 1
        if names:
            start = names[-1].idx
            found.append(
                Mention(
                    start,
                    token.idx + len(token.text),
                    "ORG",
                    _sentence_index(sent_starts, start),
                    source="pattern",
                )
            )
    return found


_NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"


def _pattern_mentions(pattern: re.Pattern, text: str, label: str, sent_starts: list[int]) -> list[Mention]:
    """A mention of `label` for each match of `pattern`'s `name` group in the text."""
    return [
        Mention(
            m.start("name"),
            m.end("name"),
            label,
            _sentence_index(sent_starts, m.start("name")),
            source="pattern",
        )
        for m in pattern.finditer(text)
    ]


# a capitalised name, then a post of team_roles, then two or three name words
_AFTER_TEAM_POST = re.compile(
    rf"\b[A-Z][\w.&-]*(?:['’]s?)? (?:{'|'.join(sorted(map(re.escape, TEAM_ROLES)))}) "
    rf"(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,2}})\b"
)


def _people_after_team_posts(text: str, sent_starts: list[int]) -> list[Mention]:
    """People the model missed that a team's post introduces: "Sabres center Casey Hale",
    "Rovers' coach Dan Peel"."""
    return _pattern_mentions(_AFTER_TEAM_POST, text, "PERSON", sent_starts)


_LIST_NEXT = re.compile(
    r"^(?:,| and|, and) (?P<name>[A-Z][\w&'’/-]*[\w&](?: [A-Z][\w&'’/-]*[\w&]){0,3})(?=[,.;]| and\b| or\b)"
)


def _names_listed_with_names(text: str, mentions: list[Mention], sent_starts: list[int]) -> list[Mention]:
    """Names the model missed in a list of names of one kind: after two of them ("AT&T, Comcast,
    T-Mobile and others"), the next capitalised item of the list is one more."""
    ordered = sorted(mentions, key=lambda m: m.start)
    found = []
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.label != second.label or text[first.end : second.start] != ", ":
            continue
        nxt = _LIST_NEXT.match(text[second.end : second.end + 80])
        if not nxt:
            continue
        start, end = second.end + nxt.start("name"), second.end + nxt.end("name")
        if not any(m.start < end and start < m.end for m in mentions):
            found.append(
                Mention(start, end, second.label, _sentence_index(sent_starts, start), source="pattern")
            )
    return found


# a site named by its web address, as outlets are in credits ("told Polygraph.info")
_WEB_NAME = re.compile(
    r"(?<![\w@/.])(?P<name>[A-Z][A-Za-z0-9-]+\.(?:com|org|net|info|news|co\.uk|org\.uk))\b"
)


def _sites_by_their_address(text: str, sent_starts: list[int]) -> list[Mention]:
    """Outlets and organisations the text names by a capitalised web address: "Polygraph.info"."""
    return _pattern_mentions(_WEB_NAME, text, "ORG", sent_starts)


_NAME_CAP = r"[A-Z][\w'’-]*"
_GROUP_NOUN = "|".join(sorted(map(re.escape, GROUP_NOUNS)))
# the connectives inside a name, not those that join two names ("and", "&")
_INNER_CONNECTIVE = "|".join(sorted(map(re.escape, NAME_CONNECTIVES - {"&", "and", "e", "y", "et", "und"})))
# a group noun, then two capitalised words or more, with the connectives names hold
_AFTER_GROUP_NOUN = re.compile(
    rf"\b(?:{_GROUP_NOUN}) (?P<name>{_NAME_CAP}(?: (?:(?:{_INNER_CONNECTIVE}) )?{_NAME_CAP})+)"
)


def _groups_named_after_their_noun(text: str, sent_starts: list[int]) -> list[Mention]:
    """Organisations the model missed that follow a group noun: "a new group Doctors for Open
    Borders", "the coalition Citizens Against Tolls"; not "the council President Ada Vale", a
    post and a person."""
    return [
        m
        for m in _pattern_mentions(_AFTER_GROUP_NOUN, text, "ORG", sent_starts)
        if text[m.start : m.end].split()[0].lower() not in ROLE_WORDS
    ]


def _inside_group_name(token) -> bool:
    """A word of "<Name> group": a proper noun no other name holds, or a people's adjective the
    name opens with ("the Islamic State group")."""
    if token.pos_ == "PROPN" and not token.ent_type_:
        return True
    return (
        token.ent_type_ == "NORP"
        and token.pos_ in ("ADJ", "PROPN")
        and token.i + 1 < len(token.doc)
        and token.nbor().pos_ == "PROPN"
    )


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _coordinated_types(doc, text: str, mentions: list[Mention]) -> None:
    """Names joined by "and"/"or" share a corrected type: in "Torkham or Chaman", a known city
    makes its partner a place too."""
    by_token = {}
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            by_token[span.root.i] = m
    for i, m in by_token.items():
        token = doc[i]
        partner = by_token.get(token.head.i) if token.dep_ == "conj" else None
        if partner is None:
            continue
        if is_city(text[partner.start : partner.end]) and m.label in ("ORG", "PERSON"):
            m.label = "GPE"
        elif is_city(text[m.start : m.end]) and partner.label in ("ORG", "PERSON"):
            partner.label = "GPE"


# last word -> (type, whether it overrides an ORG the model gave)
NAME_HEADS = {word: (label, over_org == "yes") for word, label, over_org in table("name_heads")}


def _types_by_name_head(text: str, mentions: list[Mention]) -> None:
    """A name of several words ending in a facility or company word is that kind of thing:
    "KeyBank Center" a facility, "Dick Clark Productions" an organisation."""
    for m in mentions:
        words = text[m.start : m.end].split()
        if len(words) < 2 or words[-1] not in NAME_HEADS:
            continue
        label, over_org = NAME_HEADS[words[-1]]
        if m.label in ("PERSON", "GPE", "LOC") or (m.label == "ORG" and over_org):
            m.label = label


def _teams_named_with_the(text: str, mentions: list[Mention]) -> None:
    """A one-word name the text writes after "the" is a team or a band, not a person or a place,
    in every mention of it: a plural one ("the Steelers", "the Sabres") once, peoples ("the
    Uzbeks") left to the demonym rule; a singular one the model read as a person ("the Thunder",
    "the Wild") twice, since no person is "the Vale" and places are ("the Gambia")."""
    plural_with_the = set()
    singular_with_the: Counter = Counter()
    for m in mentions:
        surface = text[m.start : m.end]
        before = text[max(0, m.start - 4) : m.start]
        if " " in surface or before.lower() != "the " or m.label not in ("PERSON", "GPE"):
            continue
        if re.fullmatch(r"[A-Z][a-z]+s", surface) and not _DEMONYM_PLURAL.search(surface):
            plural_with_the.add(surface)
        elif re.fullmatch(r"[A-Z][a-z]+", surface) and m.label == "PERSON":
            singular_with_the[surface] += 1
    teams = plural_with_the | {name for name, times in singular_with_the.items() if times >= 2}
    for m in mentions:
        if text[m.start : m.end] in teams and m.label in ("PERSON", "GPE"):
            m.label = "ORG"


_TEAM_ROLE_AFTER = re.compile(r"^(?P<possessive>['’]s?)?\s+(?P<role>[a-z]+)\b")
# the constructions a club is named in: "away to X", "at home to X", "a 4-1 win over X", and
# the manager's: "to manage X", "sacked by X", "in charge of X"
_MATCH_BEFORE = re.compile(
    r"(?:\baway to|\bat home to|\d+-\d+(?: (?:win|victory|loss|defeat))?,? (?:over|against|to)"
    r"|\bmanag(?:e|ed|es|ing)|\bsacked by|\bin charge of)\s+(?:the\s+)?$"
)


def _a_team_by_its_people_or_matches(text: str, m: "Mention") -> bool:
    """A team's post follows the name ("Wild coach"; "Tottenham's manager", which a place's name
    takes too: "Leeds's coach" is the club's), or a match or a manager's post names it ("away to
    West Ham", "112-107 over the Oklahoma City Thunder", "sacked by Manchester United")."""
    surface = text[m.start : m.end]
    if country_name(surface):
        return False  # "a win over Brazil": the national side, and the country it is named for
    after = _TEAM_ROLE_AFTER.match(text[m.end : m.end + 24])
    if after and after.group("role") in TEAM_ROLES:
        # a place before a post, not the place's club's: "England captain", "Pittsburgh quarterback"
        if after.group("possessive") or (m.label != "GPE" and not is_city(surface)):
            return True
    if re.match(r"\s+[A-Z]", text[m.end : m.end + 2]):
        return False  # "over the Leeds Rhinos": the city opens the club's name, which goes on
    return bool(_MATCH_BEFORE.search(text[max(0, m.start - 40) : m.start]))


def _teams_by_their_people_and_matches(text: str, mentions: list[Mention]) -> None:
    """A name the model read as a person or a place is a team, in every mention of it, when one
    mention of it reads as a team's (`_a_team_by_its_people_or_matches`); a bare city before a
    post names the city ("Pittsburgh quarterback")."""
    teams = {
        text[m.start : m.end]
        for m in mentions
        if m.label in ("PERSON", "GPE", "LOC", "ORG") and _a_team_by_its_people_or_matches(text, m)
    }
    for m in mentions:
        if text[m.start : m.end] in teams and m.label in ("PERSON", "GPE", "LOC"):
            m.label = "ORG"


# lemmas whose subject is a speaker: a name that speaks is a person or an organisation
REPORTING_LEMMAS = frozenset(row[0] for row in table("reporting_verbs"))


def _speaking_words(doc) -> set[str]:
    """Proper nouns the text makes the subject of a reporting verb ("Rondo said")."""
    return {
        child.text
        for i in tokens_with(doc, lemmas=REPORTING_LEMMAS)
        for child in doc[i].children
        if child.dep_ == "nsubj" and child.pos_ == "PROPN"
    }


def _people_by_what_they_say(doc, text: str, mentions: list[Mention]) -> None:
    """A name the model read as a place is a person when it, or its last word alone, speaks:
    "Sondland told lawmakers", "Dana Whitfield ... Whitfield said". Countries and cities are
    left alone ("Beijing said"); organisations too, which speak as well ("the League said")."""
    speaking = _speaking_words(doc)
    for m in mentions:
        words = text[m.start : m.end].split()
        if m.source != "model" or not 1 <= len(words) <= 3 or words[-1] not in speaking:
            continue
        if not all(w[:1].isupper() and not w.isupper() for w in words) or words[-1] in NAME_HEADS:
            continue
        surface = text[m.start : m.end]
        if country_name(surface) or is_city(surface) or is_city(words[-1]):
            continue
        if m.label in ("GPE", "LOC"):
            m.label = "PERSON"


def _teams_glued_to_people(text: str, mentions: list[Mention]) -> None:
    """A person's span that opens with a team or place named elsewhere in the article, or a
    position written in capitals, starts at the name: "Browns DL Jordan Hale" -> "Jordan Hale"."""
    others = {text[m.start : m.end] for m in mentions if m.label != "PERSON"}
    for m in mentions:
        if m.label != "PERSON":
            continue
        words = _words(text, m.start, m.end)
        while len(words) > 2 and (words[0][0] in others or re.fullmatch(r"[A-Z]{2,3}", words[0][0])):
            words = words[1:]
        m.start = words[0][1]


_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|near|outside)\s+(?:(?:southern|northern|eastern|western|central)\s+)?$"
)


def _places_named_after_in(text: str, mentions: list[Mention]) -> None:
    """A one-word name the model read as a person or a people, that the text writes after
    "in", "near" or "outside" ("farmers in Kadana", "the base near al-Qaim"), is a place in every
    mention of it, unless the article names a person with that word."""
    people = {w for m in mentions if m.label == "PERSON" for w in text[m.start : m.end].split()[1:]}
    places = set()
    for m in mentions:
        surface = text[m.start : m.end]
        if m.label not in ("PERSON", "NORP") or " " in surface or surface in people:
            continue
        if _LOCATIVE_BEFORE.search(text[max(0, m.start - 24) : m.start]) and not _POSSESSIVE.match(
            text[m.end : m.end + 2]
        ):
            places.add(surface)
    for m in mentions:
        if text[m.start : m.end] in places and m.label in ("PERSON", "NORP"):
            m.label = "GPE"


# "Maria Lopez, 34, from Leeds", "Ryan Hale, 31, of Hope": a person's age, then where they are from
_ORIGIN_BEFORE = re.compile(r"\b\d{1,3},\s+(?:of|from)\s+$")


def _home_towns_after_an_age(text: str, mentions: list[Mention]) -> None:
    """A name the model read as a person, written after a person's age and "from" or "of", is
    the place they come from, in every mention of it; a possessive place names the region of
    the place after it ("24, from Ontario's Kenora"), both places."""
    places = set()
    for m in mentions:
        if not _ORIGIN_BEFORE.search(text[max(0, m.start - 16) : m.start]):
            continue
        places.add(text[m.start : m.end])
        after = _POSSESSIVE.match(text[m.end : m.end + 2])
        follower = next((n for n in mentions if n.start == m.end + (after.end() if after else 0) + 1), None)
        if after and follower is not None:
            places.add(text[follower.start : follower.end])
    for m in mentions:
        if text[m.start : m.end] in places and m.label in ("PERSON", "NORP", "ORG"):
            m.label = "GPE"


KIND_NOUNS = dict(table("kind_nouns"))
# the name's own further capitalised words, then a lower-case kind noun: "Yerba Buena theater"
_KIND_AFTER = re.compile(r"^(?P<more>(?: [A-Z][\w'’-]*)*) (?P<kind>[a-z]+)\b")
_ORGANISER_BEFORE = re.compile(r"\w['’]s\s+$")


def _things_named_by_their_kind(text: str, mentions: list[Mention]) -> None:
    """A kind noun after a name says what the name is (`kind_nouns`): a place or a people and a
    facility noun are one facility ("the Delhi airport" -> "Delhi airport"); any other name
    before a facility noun is that facility in every mention ("Belmarsh prison" ... "HMP
    Belmarsh"), and before an event noun, after its organiser ("Vox Media's Code Media
    conference"), that event. Capitalised words the model left out of the name are taken in."""
    starts = {m.start for m in mentions}
    kinds = {}
    for m in mentions:
        after = _KIND_AFTER.match(text[m.end : m.end + 60])
        kind = after and KIND_NOUNS.get(after.group("kind"))
        if not kind or m.label not in ("PERSON", "GPE", "LOC", "ORG", "NORP", "FAC"):
            continue
        more_end = m.end + len(after.group("more"))
        if any(m.end < start < more_end for start in starts):
            continue  # the capitalised words are another name
        if kind == "EVENT" and not _ORGANISER_BEFORE.search(text[max(0, m.start - 4) : m.start]):
            continue
        place = m.label == "NORP" or (
            m.label in PLACE_TYPES and (country_name(text[m.start : m.end]) or is_city(text[m.start : m.end]))
        )
        if kind == "FAC" and place and not after.group("more"):
            m.end += after.end()  # the place's facility, a name of its own
            m.label = "FAC"
            continue
        m.end = more_end
        kinds[text[m.start : m.end]] = kind
    for m in mentions:
        if text[m.start : m.end] in kinds and m.label in ("PERSON", "GPE", "LOC", "ORG", "NORP"):
            m.label = kinds[text[m.start : m.end]]


def _surnames_are_people(text: str, mentions: list[Mention]) -> None:
    """A lone word the model typed an organisation, a people or a place (not a country), that
    is the surname of a person the article names in full ("Julian Assange" ... "Assange said",
    "Lt. Matt Harris" ... "Harris said"), is that person."""
    surnames = set()
    for m in mentions:
        words = text[m.start : m.end].split()
        if m.label == "PERSON" and len(words) >= 2 and len(words[-1]) >= 3:
            surnames.add(words[-1])
    for m in mentions:
        surface = text[m.start : m.end]
        if m.label in ("ORG", "NORP", "GPE", "LOC") and m.source == "model" and surface in surnames:
            if not country_name(surface):
                m.label = "PERSON"


def _canonical_surface(text: str, m: Mention, doc) -> str:
    surface = " ".join(text[m.start : m.end].split())
    if m.label == "NORP" and re.search(r"[a-z]s$", surface) and not surface.endswith("ss"):
        # peoples in the singular ("Uzbeks" -> "Uzbek"), when the parser read a plural:
        # a name the model took for a people ("Harris") keeps its last letter
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span[-1].tag_ in ("NNS", "NNPS"):
            surface = surface[:-1]
    return surface


def resolve_article(doc, text: str) -> list[Mention]:
    """The article's entity mentions, each with its canonical name and corrected type."""
    sent_starts = [s.start_char for s in doc.sents]
    mentions = _model_mentions(doc, text, sent_starts)
    mentions, acronyms = _with_defined_acronyms(text, mentions, sent_starts)
    mentions = _with_pattern_names(_group_name_mentions(doc, text, sent_starts), mentions)
    mentions = _with_pattern_names(_dateline_place(text), mentions)
    mentions = _with_pattern_names(_people_after_team_posts(text, sent_starts), mentions)
    mentions = _with_pattern_names(_sites_by_their_address(text, sent_starts), mentions)
    mentions = _with_pattern_names(_groups_named_after_their_noun(text, sent_starts), mentions)
    mentions = _with_pattern_names(_names_listed_with_names(text, mentions, sent_starts), mentions)
    _gerunds_glued_to_names(text, mentions)
    _types_of_known_names(text, mentions)
    _people_by_what_they_say(doc, text, mentions)
    _types_by_name_head(text, mentions)
    _teams_named_with_the(text, mentions)
    _teams_by_their_people_and_matches(text, mentions)
    _teams_glued_to_people(text, mentions)
    _surnames_are_people(text, mentions)
    _places_named_after_in(text, mentions)
    _home_towns_after_an_age(text, mentions)
    _coordinated_types(doc, text, mentions)
    mentions = _with_repeated_names(text, mentions, sent_starts)
    _things_named_by_their_kind(text, mentions)
    _canonical_names(text, doc, mentions, acronyms)
    _short_forms_to_full_names(mentions)
    _acronyms_of_named_organisations(mentions)
    _defined_acronym_types(mentions)
    _datelines_cased_as_the_article(mentions)
    return mentions


# A wire dateline: the filing place in capitals, then its region, the agency and a dash
# ("ST. JOSEPH, Mich. (AP) — ", "BUFFALO, N.Y. — ").
_DATELINE_PLACE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’]*(?: [A-Z][A-Z.'’]*){0,3})(?P<region>, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})?"
    r"(?P<agency> \([^)]{1,30}\))? ?[—–-]{1,2} "
)


def _dateline_place(text: str) -> list[Mention]:
    """The place a wire report's dateline names, as one place: the model reads "ST. JOSEPH" as
    two names, or none."""
    match = _DATELINE_PLACE.match(text)
    if match is None or len(match.group("place")) < 3:
        return []
    place = match.group("place")
    # "BREAKING — " is no place: a dateline has its region or agency, or names a known city
    if not (match.group("region") or match.group("agency") or is_city(place.title())):
        return []
    return [Mention(match.start("place"), match.end("place"), "GPE", 0, source="dateline")]


def _with_defined_acronyms(text: str, mentions: list[Mention], sent_starts: list[int]):
    """Acronyms the text defines, and their expansions, are names even when the model missed
    them; returns the mentions and acronym -> expansion."""
    acronyms: dict[str, str] = {}
    extra = []
    for acronym, a_start, a_end, expansion, e_start, e_end in acronym_definitions(text):
        acronyms[acronym] = expansion
        acronyms.setdefault(acronym.split("/")[0], expansion)
        extra.append(Mention(e_start, e_end, "ORG", _sentence_index(sent_starts, e_start), source="acronym"))
        extra.append(Mention(a_start, a_end, "ORG", _sentence_index(sent_starts, a_start), source="acronym"))
    return _with_pattern_names(extra, mentions), acronyms


def _with_pattern_names(found: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """`mentions` with each of `found` in place of the model's spans it overlaps."""
    for new in found:
        mentions = [m for m in mentions if not _overlaps(m, new)]
        mentions.append(new)
    return sorted(mentions, key=lambda m: (m.start, -m.end))


def _types_of_known_names(text: str, mentions: list[Mention]) -> None:
    """Types the model gets wrong that reference data settles: countries are GPE; known cities
    tagged ORG/PERSON are GPE; plural demonyms are NORP."""
    for m in mentions:
        surface = text[m.start : m.end]
        if country_name(surface) and m.label not in ("NORP",):
            m.label = "GPE"
        elif (
            m.label in ("ORG", "PERSON", "NORP")
            and m.source == "model"
            and is_city(surface)
            and " " not in surface
        ):
            m.label = "GPE"
        elif m.label in ("ORG", "PERSON") and _DEMONYM_PLURAL.search(surface) and " " not in surface:
            m.label = "NORP"  # "Uzbeks", "Chileans": peoples, whatever the model says


def _with_repeated_names(text: str, mentions: list[Mention], sent_starts: list[int]) -> list[Mention]:
    """Every further occurrence of a name found, case-sensitive on word boundaries; a person
    named in full is later named by surname alone ("Daniel Okafor" ... "Okafor said")."""
    taken = [(m.start, m.end) for m in mentions]
    forms = {}
    for m in mentions:
        surface = text[m.start : m.end]
        if len(surface) >= 3:
            forms.setdefault(surface, m.label)
    for m in list(mentions):
        words = text[m.start : m.end].split()
        if m.label == "PERSON" and len(words) >= 2 and len(words[-1]) >= 3 and words[-1][:1].isupper():
            forms.setdefault(words[-1], "PERSON")
    repeats = []
    for surface, label in sorted(forms.items(), key=lambda kv: -len(kv[0])):
        for s, e in word_occurrences(text, surface):
            inside = [(ts, te) for ts, te in taken if s < te and ts < e]
            if any(ts < s or te > e or (ts, te) == (s, e) for ts, te in inside):
                continue
            if inside:  # a part the model read alone ("Islamic" of "Islamic State") gives way
                mentions = [m for m in mentions if (m.start, m.end) not in inside]
                taken = [span for span in taken if span not in inside]
            taken.append((s, e))
            repeats.append(Mention(s, e, label, _sentence_index(sent_starts, s), source="repeat"))
    return sorted(mentions + repeats, key=lambda m: m.start)


def _canonical_names(text: str, doc, mentions: list[Mention], acronyms: dict[str, str]) -> None:
    """Each mention's canonical name: a country's stored name, a curated variant, the expansion
    of a defined acronym, or the mention as written."""
    for m in mentions:
        surface = _canonical_surface(text, m, doc)
        m.canonical = (
            (country_name(surface) if m.label in PLACE_TYPES else None)
            or curated_name(surface)
            or acronyms.get(surface)
            or acronyms.get(surface.split("/")[0])
            or surface
        )


def _short_forms_to_full_names(mentions: list[Mention]) -> None:
    """A short form takes the one full name of the article it can stand for: a person's
    surname ("Okafor", "Van Der Beek") or a shorter first name ("Pat Carlineo" for "Patrick W.
    Carlineo"); a group's last words ("Path" for "Shining Path") or its name without the
    group noun ("Gul Bahadur" for "the Gul Bahadur group"). Two full names it could
    stand for ("Hunter Biden", "Joe Biden" for "Biden") leave it as written."""
    people = {m.canonical for m in mentions if m.label == "PERSON" and len(person_words(m.canonical)) > 1}
    groups = {(m.canonical, m.label) for m in mentions if m.label in GROUP_TYPES}
    for m in mentions:
        if m.label == "PERSON":
            full = _full_name_of_person(m.canonical, people)
            if full:
                m.canonical = full
        elif m.label in GROUP_TYPES:
            tokens = m.canonical.split()
            longer = {
                (c, lab)
                for (c, lab) in groups
                if len(c.split()) > len(tokens)
                and (
                    c.split()[-len(tokens) :] == tokens
                    or (c.split()[:-1] == tokens and c.split()[-1] in GROUP_NOUNS)
                )
            }
            if len({c for c, _ in longer}) == 1:
                m.canonical, _ = longer.pop()


def _full_name_of_person(name: str, people: set[str]) -> str | None:
    words = person_words(name)
    if len(words) == 1:
        found = {c for c in people if name in c.split()}  # a surname, or a first name used alone
    else:
        found = {
            c
            for c in people
            if person_key(c) != person_key(name) and (surname_of(name, c) or same_person(name, c))
        }
        found = {c for c in found if len(person_words(c)) >= len(words)}
    keys = {person_key(c) for c in found}
    if len(keys) != 1:
        return None
    return max(found, key=lambda c: (len(person_words(c)), len(c), c))


def _acronyms_of_named_organisations(mentions: list[Mention]) -> None:
    """An acronym the text uses without defining it stands for the one organisation or place of
    the article whose initials it is: "DOJ" for "the Department of Justice", "EU" for "European
    Union"."""
    names = {
        (m.canonical, m.label)
        for m in mentions
        if m.label in GROUP_TYPES | PLACE_TYPES and " " in m.canonical
    }
    for m in mentions:
        if not re.fullmatch(r"[A-Z]{2,6}", m.canonical) or country_name(m.canonical):
            continue
        found = {(c, lab) for c, lab in names if m.canonical in initialisms(c)}
        if len({c for c, _ in found}) == 1:
            m.canonical, m.label = found.pop()


def _defined_acronym_types(mentions: list[Mention]) -> None:
    """A name the text defines with an acronym is one organisation, whatever the model called
    each mention."""
    defined = {m.canonical: m.label for m in mentions if m.source == "acronym"}
    for m in mentions:
        if m.canonical in defined:
            m.label = defined[m.canonical]


def _datelines_cased_as_the_article(mentions: list[Mention]) -> None:
    """All-capitals datelines ("NAIROBI") take the casing the article otherwise uses; a
    dateline place the article never names again is title-cased ("ST. JOSEPH" -> "St. Joseph")."""
    cased = {}
    for m in mentions:
        if not m.canonical.isupper() or len(m.canonical) <= 5:
            cased.setdefault(name_key(m.canonical), m.canonical)
    for m in mentions:
        m.canonical = cased.get(name_key(m.canonical), m.canonical)
        if m.source == "dateline" and m.canonical.isupper():
            m.canonical = " ".join(word.capitalize() for word in m.canonical.split())


def entity_tables(articles: pl.DataFrame, docs: list) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`entity_mention` rows for the articles (parsed as `docs`, in the same order) and the
    `entity` rows they point at. An entity's type is the most common type among its mentions."""
    mention_rows = []
    labels: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set] = defaultdict(set)
    for article, doc in zip(articles.iter_rows(named=True), docs, strict=True):
        if doc is None:
            continue
        text = article["text"]
        resolved = resolve_article(doc, text)
        # one label per canonical name within the article, so one id per entity
        per_name = defaultdict(Counter)
        for m in resolved:
            per_name[name_key(m.canonical)][m.label] += 1
        for m in resolved:
            label = _article_label(per_name[name_key(m.canonical)], m.canonical)
            eid = entity_id_for(m.canonical, label)
            mention_rows.append(
                {
                    "article_id": article["article_id"],
                    "entity_id": eid,
                    "text": text[m.start : m.end],
                    "start_char": m.start,
                    "end_char": m.end,
                    "sentence_index": m.sentence_index,
                    "label": m.label,
                }
            )
            labels[eid][label] += 1
            names[eid][m.canonical] += 1
            surface = " ".join(text[m.start : m.end].split())
            if surface != m.canonical:
                aliases[eid].add(surface)
    mentions = (
        pl.DataFrame(mention_rows, schema=ENTITY_MENTION)
        if mention_rows
        else pl.DataFrame(schema=ENTITY_MENTION)
    )
    mentions = mentions.unique(
        subset=["article_id", "start_char", "end_char"], keep="first", maintain_order=True
    )
    entity_rows = [
        {
            "entity_id": eid,
            "name": _most_common(names[eid]),
            "type": _most_common(labels[eid]),
            "aliases": sorted(aliases[eid]),
        }
        for eid in sorted(labels)
    ]
    entities = pl.DataFrame(entity_rows, schema=ENTITY) if entity_rows else pl.DataFrame(schema=ENTITY)
    return mentions, entities


def merged_entities(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Entity rows of several articles as one row per entity: the name and type most of its
    mentions carry, and every alias."""
    if not frames:
        return pl.DataFrame(schema=ENTITY)
    rows = pl.concat(frames)
    aliases = (
        rows.explode("aliases")
        .group_by("entity_id")
        .agg(pl.col("aliases").drop_nulls().unique().sort().alias("aliases"))
    )
    firsts = (
        rows.select("entity_id", "name", "type")
        .group_by("entity_id", "name", "type")
        .len()
        .sort(["entity_id", "len", "name", "type"], descending=[False, True, False, False])
        .unique(subset=["entity_id"], keep="first", maintain_order=True)
        .drop("len")
    )
    merged = (
        firsts.join(aliases, on="entity_id", how="left").select(list(ENTITY)).sort("entity_id").cast(ENTITY)
    )
    # an entity with no other spelling has an empty alias list, never a null one
    return merged.with_columns(
        pl.when(pl.col("aliases").is_null())
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("aliases"))
        .alias("aliases")
    )


def _most_common(counter: Counter) -> str:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _article_label(counter: Counter, canonical: str) -> str:
    if country_name(canonical):
        return "GPE"
    if "PERSON" in counter and counter["PERSON"] >= sum(counter.values()) / 2:
        return "PERSON"
    non_person = Counter({k: v for k, v in counter.items() if k != "PERSON"})
    return _most_common(non_person or counter)
