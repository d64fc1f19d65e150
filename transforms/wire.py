"""Wire copy: which news agency's copy a page carries, from the credit it gives.

An outlet that republishes an agency's story credits the agency where a reader looks for the
source: in the dateline ("HAYWARD, Calif. (AP) —"), in the byline ("Jane Roe; AP Sports
Writer"), or in a closing credit ("… returned home on Wednesday. PTI"). A mention of the agency
in the body ("according to Reuters") credits nothing. Such copy is no original reporting of the
outlet, whether or not the agency's own copy is in the warehouse. The agencies and the forms of
their names are the lexicon `wire_agencies`.
"""

import re
from functools import cache

from transforms.lexicons import table

AGENCIES: tuple[tuple[str, ...], ...] = table("wire_agencies")
DATELINE_CHARS = 100  # a dateline's place and day fit in this many characters before the credit


@cache
def _name_patterns(agencies: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, str], ...]:
    """(agency, pattern of one form of its name): a form written in capitals ("AP") matches only
    so, a longer name in any case, each as whole words."""
    out = []
    for name, *forms in agencies:
        for form in (name, *forms):
            flags = "" if form.isupper() else "(?i:"
            body = re.escape(form)
            out.append((name, f"{flags}{body})" if flags else body))
    return tuple(out)


def _agency_named(pattern_of: str, text: str, agencies) -> str | None:
    """The first agency whose name, put into `pattern_of` ("{name}"), is found in `text`."""
    for name, form in _name_patterns(agencies):
        if re.search(pattern_of.format(name=form), text):
            return name
    return None


# a dateline: capitalised words, figures and punctuation ("NEW DELHI, Nov 19", "ST. JOSEPH,
# Mich."), or nothing, then the credit in brackets, then a dash or the story's first word
_DATELINE = r"^\W*(?:[A-Z0-9][\w.'’-]*,?\s+){{0,8}}\(\s*{name}\s*\)\s*(?:[—–-]+|\w)"


def credited_in_dateline(text: str | None, agencies=AGENCIES) -> str | None:
    """ "HAYWARD, Calif. (AP) — …", "(Reuters) - …", "New Delhi, Nov 19 (PTI) The …"."""
    head = (text or "")[: DATELINE_CHARS + 40]
    return _agency_named(_DATELINE, head, agencies)


def credited_in_byline(author: str | None, agencies=AGENCIES) -> str | None:
    """ "Associated Press", "Reuters", "LISA ROE; MARY DOE Associated Press", "JO ROE; AP Sports
    Writer": the byline names the agency as the story's writer."""
    return _agency_named(r"(?<![\w-]){name}(?![\w-])", author or "", agencies)


# the text's last words: the credit alone ("PTI", "(AFP)", "— AP") after a sentence's end or on a
# line of its own, or "with inputs from" an agency
_SIGN_OFF = r"(?:^|[.!?”\"’)]\s+)(?:[(—–-]+\s*)?(?:\(?\s*(?i:with inputs from)\s+)?{name}\s*\)?\s*\.?\s*$"


def credited_in_sign_off(text: str | None, agencies=AGENCIES) -> str | None:
    """ "… on Wednesday. PTI", a last line "(AFP)", "(With inputs from PTI)"."""
    tail = (text or "").rstrip()[-200:]
    return _agency_named(_SIGN_OFF, tail, agencies)


def wire_agency(author: str | None, text: str | None, agencies=AGENCIES) -> str | None:
    """The agency whose copy the page carries, by the credit it gives (dateline, byline or
    sign-off, in that order), or None for the outlet's own reporting."""
    return (
        credited_in_dateline(text, agencies)
        or credited_in_byline(author, agencies)
        or credited_in_sign_off(text, agencies)
    )
