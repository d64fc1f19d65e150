"""Name identity: when two written names are one entity.

A person is keyed by first name and surname: a middle name or initial, a generational suffix
("Jr.", "III") and surrounding punctuation do not make another person. An organisation is keyed
by its words with "X Department" read as "Department of X". The rules that need the other names
of the article (a surname alone, a short first name, an acronym) take them as an argument.
Pure functions of strings; no state."""

import re

from transforms.gazetteer import fold

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Bodies whose "X <head>" and "<head> of X" forms are written interchangeably in news
# ("the Justice Department", "the Department of Justice"); a "University" is not one of them.
INVERTIBLE_HEADS = frozenset({"department", "ministry"})
_INITIAL = re.compile(r"^(?:[a-z]\.)+$|^[a-z]$")
MIN_SHORT_FIRST_NAME = 3  # "Pat" for "Patrick"; "Al" for "Albert" is too often another name
# Letters English romanisations of one name swap: "Tuareg"/"Touareg", "Uighur"/"Uyghur",
# "Kirghiz"/"Kyrgyz", "Tadjik"/"Tajik".
_ROMANISED = (
    (re.compile(r"oo|ou"), "u"),
    (re.compile(r"(?<=[a-z])y(?=[a-z])"), "i"),
    (re.compile(r"(?<=[kg])h"), ""),
    (re.compile(r"dzh|dj"), "j"),
)


def name_words(name: str) -> list[str]:
    """The folded words of a name, without punctuation at their edges."""
    return [w.strip(".,") for w in fold(name).split() if w.strip(".,")]


def person_words(name: str) -> list[str]:
    """A person's folded name without its generational suffix: "Patrick W. Carlineo Jr." ->
    patrick, w., carlineo."""
    words = [w.strip(",") for w in fold(name).split()]
    while len(words) > 2 and words[-1].strip(".") in SUFFIXES:
        words = words[:-1]
    return [w for w in words if w]


def person_key(name: str) -> str:
    """First name and surname: the comparison form of a person's name. "Sonya A. Zoghlin" and
    "Sonya Zoghlin", "Owen John Dempsey" and "Owen Dempsey" have one key."""
    words = [w.strip(".") or w for w in person_words(name)]
    if len(words) > 2:
        words = [words[0], words[-1]]
    return " ".join(words)


def org_key(name: str) -> str:
    """An organisation's comparison form: "Justice Department" and "Department of Justice"
    (with or without "the") have one key."""
    words = name_words(name)
    if words and words[0] == "the":
        words = words[1:]
    if len(words) >= 2 and words[-1] in INVERTIBLE_HEADS and "of" not in words:
        words = [words[-1], "of", *words[:-1]]
    if len(words) >= 3 and words[1] == "of" and words[2] == "the":
        words = words[:2] + words[3:]
    return " ".join(words)


def people_key(name: str) -> str:
    """A people's comparison form: its words with the letters romanisations swap unified, so
    one people written two ways in two articles is one entity. Only peoples' names: a person's
    or a company's spelling is the one it chose."""
    key = org_key(name)
    for letters, common in _ROMANISED:
        key = letters.sub(common, key)
    return key


def is_initial(word: str) -> bool:
    return bool(_INITIAL.match(fold(word)))


def first_names_agree(short: str, full: str) -> bool:
    """A first name written short is the same first name: a clipping ("Pat", "Patrick"), an
    initial ("P.", "Patrick") or the same name."""
    a, b = fold(short).strip("."), fold(full).strip(".")
    if a == b:
        return True
    if len(a) == 1:
        return b.startswith(a)
    return len(a) >= MIN_SHORT_FIRST_NAME and b.startswith(a)


def same_person(short: str, full: str) -> bool:
    """True when the name `short` can be a shorter writing of `full`: the same surname, and
    first names that agree ("Pat Carlineo" / "Patrick W. Carlineo Jr."). Two first names that
    differ ("Hunter Biden", "Joe Biden") are two people."""
    a, b = person_words(short), person_words(full)
    if len(a) < 2 or len(b) < 2 or a[-1] != b[-1]:
        return False
    return first_names_agree(a[0], b[0])


def surname_of(short: str, full: str) -> bool:
    """True when `short` is the surname (one word or several) that ends `full`: "Okafor" of
    "Daniel Okafor", "Van Der Beek" of "James Van Der Beek"."""
    a, b = person_words(short), person_words(full)
    return 0 < len(a) < len(b) and b[-len(a) :] == a and not is_initial(a[0])


def initialisms(name: str) -> set[str]:
    """The acronyms a name can be written as: the initials of its capitalised words ("EU" for
    "European Union") and of all its words ("DOJ" for "Department of Justice")."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    capitals = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words if w[0].isalpha()).upper()
    return {x for x in (capitals, every) if len(x) >= 2}
