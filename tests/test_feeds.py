"""Feeds, sitemaps and URL lists: only http(s) page URLs come out."""

from transforms.feeds import is_web_url, links_in_xml, urls_in_list, xml_kind

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><link>https://site.example/</link>
<item><link>https://site.example/a</link></item><item><link>/b</link></item>
<item><link>file:///etc/passwd</link></item><item><link>javascript:alert(1)</link></item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><link href="https://site.example/"/>
<entry><link rel="alternate" href="https://site.example/c"/><link rel="enclosure" href="https://site.example/c.mp3"/></entry></feed>"""
SITEMAP_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://site.example/s1.xml</loc></sitemap></sitemapindex>"""
BOMB = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<urlset><url><loc>https://site.example/&b;</loc></url></urlset>"""


def test_kinds():
    assert xml_kind(RSS) == "feed" and xml_kind(ATOM) == "feed"
    assert xml_kind(SITEMAP_INDEX) == "sitemapindex" and xml_kind(b"<urlset></urlset>") == "sitemap"
    assert xml_kind(b"<html><body>not xml</body></html>") is None


def test_feed_links_are_resolved_and_only_web_urls_are_kept():
    assert links_in_xml(RSS, "https://site.example/feed") == [
        "https://site.example/a",
        "https://site.example/b",
    ]
    assert links_in_xml(ATOM, "https://site.example/atom") == ["https://site.example/c"]
    assert links_in_xml(SITEMAP_INDEX, "https://site.example/") == ["https://site.example/s1.xml"]


def test_entities_are_not_expanded():
    assert all("aaaaaaaaaa" not in u for u in links_in_xml(BOMB, "https://site.example/"))


def test_url_lists():
    urls, refused = urls_in_list(
        "https://a.example/1\n\n# note\nfile:///etc/passwd\nftp://x/y\n http://b.example/2 "
    )
    assert urls == ["https://a.example/1", "http://b.example/2"]
    assert refused == ["file:///etc/passwd", "ftp://x/y"]
    assert not is_web_url("http://") and is_web_url("https://a.example")
