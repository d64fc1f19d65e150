"""Feeds, sitemaps and URL lists to the page URLs they name. Pure: text in, URLs out.

Only http and https URLs come out: an entry pointing at file://, ftp:// or anything else is
dropped, so a feed can never make the pipeline read a local file.
"""

import re
from urllib.parse import urljoin, urlsplit

import lxml.etree

_XML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|urlset|sitemapindex|rdf:RDF)\b", re.S | re.I
)


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def xml_kind(data: bytes) -> str | None:
    """'feed' for RSS/Atom, 'sitemap' or 'sitemapindex' for sitemaps, None for anything else."""
    match = _XML_START.match(data[:4096])
    if not match:
        return None
    root = match.group(1).decode("ascii").lower()
    if root in ("rss", "feed", "rdf:rdf"):
        return "feed"
    return "sitemapindex" if root == "sitemapindex" else "sitemap"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def links_in_xml(data: bytes, base_url: str) -> list[str]:
    """The page (or child sitemap) URLs of a feed or sitemap, in document order, each once."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    found = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "loc" and element.text:  # sitemap <url><loc> and <sitemap><loc>
            found.append(element.text.strip())
        elif name == "link":
            parent = _local(element.getparent().tag) if element.getparent() is not None else ""
            if parent not in ("item", "entry"):
                continue  # the channel's own link is the site, not an article
            href = element.get("href")
            rel = element.get("rel", "alternate")
            if href and rel == "alternate":
                found.append(href.strip())
            elif element.text and element.text.strip():
                found.append(element.text.strip())
    out, seen = [], set()
    for url in found:
        url = urljoin(base_url, url)
        if is_web_url(url) and url not in seen:
            seen.add(url)
            out.append(url)
    return out


def urls_in_list(text: str) -> tuple[list[str], list[str]]:
    """The http(s) URLs of a URL list (one per line; blank lines and # comments skipped), and the
    other non-empty lines, which are not followed."""
    urls, refused = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        (urls if is_web_url(line) else refused).append(line)
    return urls, refused
