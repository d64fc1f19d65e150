"""HTML to an article: body text and metadata. Pure: a page's text in, a dict out."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import lxml.html
import py3langid
import trafilatura

from transforms.wire import wire_agency

# Bylines that name a desk or a wire, not a person.
_NOT_A_PERSON = re.compile(
    r"\b(desk|staff|report|reporter|bureau|agency|agencies|correspondent|editor|editors|editorial|team|"
    r"newsroom|news service|wire|web|online|admin|redaktion|rédaction)\b",
    re.I,
)
_BULLET = re.compile(r"^\s*[-•*·▪►]\s+", re.M)
_DATE_IN_PATH = re.compile(r"/(20\d\d|19\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|[-_])")


# Publishing systems write placeholders such as 0001-01-01 when a page has no date: no news page
# predates the web.
EARLIEST_PUBLICATION_YEAR = 1990


def _parse_datetime(value: str | None) -> datetime | None:
    """An ISO-8601 timestamp or date as written on the page; None when it is not one, or is a
    placeholder older than the web (so that the page's other dates are searched)."""
    parsed = _parse_iso(value)
    if parsed is not None and parsed.year < EARLIEST_PUBLICATION_YEAR:
        return None
    return parsed


def _parse_iso(value: str | None) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return datetime(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def _json_ld_objects(tree) -> list[dict]:
    """Every JSON-LD object on the page, with @graph lists flattened."""
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _first(*values):
    for value in values:
        if value:
            return value
    return None


def page_metadata(tree) -> dict:
    """Metadata the page states in JSON-LD, meta tags, <time> and <html lang>."""
    ld = _json_ld_objects(tree)
    ld_article = next(
        (
            o
            for o in ld
            if "datePublished" in o or "headline" in o or "article" in str(o.get("@type", "")).lower()
        ),
        {},
    )

    def meta(*names):
        for name in names:
            hits = tree.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content')
            if hits and hits[0].strip():
                return hits[0].strip()
        return None

    published = _first(
        _parse_datetime(ld_article.get("datePublished")),
        _parse_datetime(
            meta(
                "article:published_time",
                "og:published_time",
                "datePublished",
                "pubdate",
                "publishdate",
                "date",
                "dc.date",
                "DC.date.issued",
                "sailthru.date",
            )
        ),
        _parse_datetime(_first(*tree.xpath("//time[@datetime]/@datetime"))),
    )
    canonical = _first(
        *tree.xpath('//link[@rel="canonical"]/@href'),
        meta("og:url"),
    )
    language = _first(*tree.xpath("/html/@lang"), meta("og:locale", "language", "content-language"))
    authors = ld_article.get("author")
    if isinstance(authors, dict):
        authors = [authors]
    author = None
    if isinstance(authors, list):
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        author = "; ".join(n for n in names if isinstance(n, str) and n.strip()) or None
    elif isinstance(authors, str):
        author = authors
    return {
        "published": published,
        "canonical_url": canonical.strip() if isinstance(canonical, str) else None,
        "language": language,
        "author": author or meta("author", "article:author", "byl"),
        "site_name": meta("og:site_name", "application-name"),
        "title": _first(
            ld_article.get("headline") if isinstance(ld_article.get("headline"), str) else None,
            meta("og:title"),
        ),
    }


def clean_author(author: str | None) -> str | None:
    """A byline reduced to people's names; desks, staff and wires are not authors."""
    if not author:
        return None
    author = re.sub(r"^\s*by\s+", "", author.strip(), flags=re.I)
    people = [a.strip() for a in re.split(r";|\band\b|,", author) if a.strip()]
    people = [p for p in people if not _NOT_A_PERSON.search(p) and not re.search(r"https?://|@|\d", p)]
    return "; ".join(people) or None


def normalise_language(tag: str | None) -> str | None:
    """'en-GB', 'en_US' and 'EN' all become 'en'."""
    if not tag:
        return None
    code = re.split(r"[-_]", tag.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def detect_language(text: str) -> str | None:
    """The language of a text, by py3langid's bundled model (no download)."""
    if len(text.strip()) < 20:
        return None
    return py3langid.classify(text[:5000])[0]


# Lines that are page furniture in any language: related-link leads, reading times, newsletter and
# social prompts, comment counters, credits. Matched on the whole line, case-insensitive.
_FURNITURE = re.compile(
    r"^(?:(?:related(?: post| stories| articles)?|read more|see more|more|also|also read|don'?t miss|"
    r"you may also like|recommended|most read(?: in [\w ]+)?|lire aussi|à lire aussi|leia também|"
    r"mehr zum thema|lesen sie auch|siehe auch)\s*(?:[:|].*|[.!…]*)"
    r"|(?:tempo de leitura|lesezeit|temps de lecture|reading time|min(?:ute)? read)\b.*"
    r"|.*\b(?:subscribe|sign up)\b.{0,60}\bnewsletters?\b.*|(?:[\w'’&-]+ ){0,3}newsletters?"
    r"|have a (?:news )?tip\?.*"
    # another headline with its tag: "China furious at Macron for protest jibe [INSIGHT]"
    r"|.{10,150}\[(?:video|insight|reaction|pictures|photos|poll|live|latest|analysis|comment|gallery)\]\s*\|?"
    r"|(?:follow|like) (?:us|[\w ]{1,30}) on (?:instagram|facebook|twitter|youtube|x)\b.*"
    r"|(?:like this story\?|share this (?:story|article)|tell us what you think).*"
    r"|comments?(?: \(\d+\))?|\d+ comments?"
    r"|filed under:.*|tags?:.*|source:\s*[\w ,.]{1,60}|copyright\b.*|©.*"
    # a short line with a copyright sign is a picture credit: "installation views, photos © X, 2018"
    r"|.{0,120}©.{0,60}"
    r"|(?:photo|photos|photograph|picture|image|foto|fotos|bild|imagem|crédit photo|credit)\s*:.{0,80}"
    # a WordPress shortcode the page printed instead of rendering: "[button link=…]Send us…[/button]"
    r"|\[(\w+)\b[^\]]*\].*\[/\1\]"
    r"|.{0,80}\b(?:contributed (?:reporting|to this (?:report|story))|additional reporting by)\b.{0,80}"
    r")$",
    re.I,
)
# A dateline alone: "November 20, 2019 - 11:28 AMT", "sexta-feira, 22 de outubro de 2010 às 20:13".
_DATE_LINE = re.compile(
    r"^(?:[\w-]+,\s*)?(?:\d{1,2}\s+(?:de\s+)?\w+\s+(?:de\s+)?\d{4}|\w+\.? \d{1,2},? \d{4}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"(?:\s*(?:[-–—,]|às|at|um)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?$",
    re.I,
)
MIN_LINK_LINE_WORDS, MAX_LINK_LINE_WORDS = 4, 15
_ADDRESS = re.compile(r"https?://|www\.|@")


def clean_body(text: str, title: str | None, link_texts: frozenset[str] = frozenset()) -> str:
    """trafilatura's text without the headline it repeats, list bullets, page furniture (related-link
    leads, reading times, newsletter and social prompts, credits, lone datelines) and lines that are
    nothing but the text of a link on the page (lists of other headlines); one blank line per paragraph."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0].strip().lower() == title.strip().lower():
        lines = lines[1:]
    lines = [_BULLET.sub("", line) for line in lines]
    kept = []
    for line in lines:
        if _FURNITURE.match(line) or _DATE_LINE.match(line):
            continue
        words = len(line.split())
        if (
            MIN_LINK_LINE_WORDS <= words <= MAX_LINK_LINE_WORDS
            and _squash(line) in link_texts
            and not _ADDRESS.search(line)
        ):
            continue  # another headline; a bare address or product name is left alone
        kept.append(line)
    return "\n\n".join(kept)


def _squash(text: str) -> str:
    return " ".join(text.split()).strip(" .:|").lower()


def link_texts(tree) -> frozenset[str]:
    """The text of every link on the page, for telling a headline list from a paragraph."""
    return frozenset(t for t in (_squash(a.text_content()) for a in tree.iter("a")) if len(t) > 3)


def _published_from_url(url: str | None) -> datetime | None:
    match = _DATE_IN_PATH.search(urlsplit(url).path if url else "")
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _is_link_list(tree, text: str) -> bool:
    """True when the extracted text is mostly the text of links: a link farm or a navigation page."""
    anchors = " ".join(a.text_content() for a in tree.iter("a"))
    link_words = set(anchors.split())
    words = text.split()
    if not words:
        return True
    outside = [w for w in words if w not in link_words]
    return len(outside) < 0.2 * len(words) and len(outside) < 30


SHORT_PRECISE_TEXT = 150  # words
MIN_CLUSTER_LINKS, MIN_CLUSTER_WORDS, CLUSTER_LINK_SHARE = 3, 8, 0.9


def _drop_link_clusters_in_paragraphs(tree) -> None:
    """Removes what sits inside a paragraph but is made of links only: pop-up cards on a name
    (its photo, name and latest headlines), inline "related" bundles. The innermost such element
    goes first, so a paragraph that merely holds one is judged on its own words."""
    candidates = tree.xpath(
        f"//p//*[self::span or self::div or self::aside or self::ul][count(.//a) >= {MIN_CLUSTER_LINKS}]"
    )
    for element in sorted(candidates, key=lambda e: sum(1 for _ in e.iterancestors()), reverse=True):
        words = element.text_content().split()
        linked = sum(len(a.text_content().split()) for a in element.iter("a"))
        if len(words) >= MIN_CLUSTER_WORDS and linked >= CLUSTER_LINK_SHARE * len(words):
            element.drop_tree()  # its tail, the paragraph's text after it, stays


def parsed_page(html: str):
    """The page as an lxml tree, made ready for extraction: HTML comments removed with the text
    after them kept (trafilatura would drop that text with the comment, and server-rendered
    pages put `<!-- -->` inside sentences), and link clusters inside paragraphs removed."""
    tree = lxml.html.fromstring(html)
    lxml.etree.strip_tags(tree, lxml.etree.Comment)
    _drop_link_clusters_in_paragraphs(tree)
    return tree


def _trafilatura(tree, url: str | None, precision: bool):
    return trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,  # see _fallback_metadata
        include_comments=False,
        include_tables=True,
        favor_precision=precision,
        favor_recall=not precision,
    )


# What the page's own JSON-LD and meta tags may leave empty, and trafilatura's search then fills.
FALLBACK_FIELDS = ("title", "published", "canonical_url", "author", "site_name")


def _fallback_metadata(tree, meta: dict):
    """trafilatura's metadata search (its public `extract_metadata`), run only when the page's
    JSON-LD and meta tags leave a field empty: on most pages every field it could give is known
    already. None when nothing is missing."""
    if all(meta[field] for field in FALLBACK_FIELDS):
        return None
    return trafilatura.extract_metadata(tree, default_url=meta["canonical_url"])


def extract_page(html: str, source_uri: str, now: datetime | None = None) -> dict:
    """The article in a page: text and metadata, or `text` None with a `reason`.

    `now` bounds publication dates: a date more than a day in the future is a page error, not news.
    """
    now = now or datetime.now(UTC)
    try:
        tree = parsed_page(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        return {"text": None, "reason": f"not parseable as HTML ({exc})"}
    meta = page_metadata(tree)
    result = _trafilatura(tree, meta["canonical_url"], precision=True)
    precise_words = len((result.text or "").split()) if result is not None else 0
    if precise_words < SHORT_PRECISE_TEXT:
        # Precision mode sometimes keeps one block of a long article. When its text is short,
        # recall mode gets a say: if it finds more than twice as much, its text is the article.
        # (Thresholds set on the "tune" half of the benchmark split; see bench/extraction.py.)
        generous = _trafilatura(parsed_page(html), meta["canonical_url"], precision=False)
        if generous is not None and precise_words < 0.5 * len((generous.text or "").split()):
            result = generous
    if result is None or not (result.text or "").strip():
        return {"text": None, "reason": "no article text found"}
    if _is_link_list(tree, result.text):
        return {"text": None, "reason": "no article text found (the page is a list of links)"}
    links = link_texts(tree)
    fallback = _fallback_metadata(tree, meta)
    title = _first(meta["title"], fallback and fallback.title)
    text = clean_body(result.text, title, links)
    if len(text.split()) < 5:
        return {"text": None, "reason": "no article text found (fewer than 5 words)"}

    published = _first(
        meta["published"],
        _parse_datetime(fallback and fallback.date),
        _published_from_url(meta["canonical_url"]),
    )
    if published is not None:
        aware = published if published.tzinfo else published.replace(tzinfo=UTC)
        if aware > now + timedelta(days=1) or aware.year < EARLIEST_PUBLICATION_YEAR:
            published = None  # a future (or pre-web) date is a broken page, not a scoop
    published_date: date | None = published.date() if published else None
    published_at = None
    if published is not None:
        published_at = (published if published.tzinfo else published.replace(tzinfo=UTC)).astimezone(UTC)

    url = meta["canonical_url"] or (fallback and fallback.url)
    host = urlsplit(url).hostname if url and url.startswith("http") else None
    # Templates often declare the site's default language on every page: with enough text, the
    # text itself is the better witness.
    detected = detect_language(text) if len(text) >= 200 else None
    language = detected or normalise_language(meta["language"]) or detect_language(text)
    byline = _first(meta["author"], fallback and fallback.author)
    return {
        "text": text,
        "reason": None,
        "url": url if url and url.startswith(("http://", "https://")) else None,
        "source": _first(meta["site_name"], fallback and fallback.sitename, host),
        "title": title,
        "author": clean_author(byline),
        "wire_agency": wire_agency(byline, text),  # read before the byline loses its desks and wires
        "published_at": published_at,
        "published_date": published_date,
        "language": language,
    }
