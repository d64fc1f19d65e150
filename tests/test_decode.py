"""Bytes to text: the real encoding, whatever the page declares."""

import codecs

from transforms.decode import decode_html, looks_binary

PAGE = '<html><head><meta charset="{cs}"><title>t</title></head><body><p>{body}</p></body></html>'


def test_declared_legacy_charsets_are_honoured():
    text = "Café owners’ protest in São Paulo: prices rose €3."
    html, encoding = decode_html(PAGE.format(cs="windows-1252", body=text).encode("cp1252"))
    assert text in html and encoding == "cp1252"
    jp = "東京の会談。大臣は話した。"
    html, encoding = decode_html(PAGE.format(cs="shift_jis", body=jp).encode("shift_jis"))
    assert jp in html and encoding == "shift_jis"


def test_byte_order_mark_wins():
    text = "A page in UTF-16 with a byte-order mark"
    html, encoding = decode_html(PAGE.format(cs="utf-16", body=text).encode("utf-16"))
    assert text in html and encoding == "utf-16"


def test_utf8_page_declared_latin1_is_read_as_utf8():
    text = "über café — “quoted”"
    html, encoding = decode_html(PAGE.format(cs="iso-8859-1", body=text).encode("utf-8"))
    assert text in html and encoding == "utf-8"


def test_undeclared_legacy_page_is_detected():
    text = "Le président a déclaré que les négociations reprendraient à Genève la semaine prochaine. " * 5
    html, _ = decode_html(f"<html><body><p>{text}</p></body></html>".encode("cp1252"))
    assert "président a déclaré" in html


def test_control_characters_are_dropped():
    html, _ = decode_html(b"<p>ta\x00lks and \x1b[31mANSI\x0b</p>")
    assert html == "<p>talks and [31mANSI</p>"


def test_binary_is_recognised_but_utf16_is_not_binary():
    assert looks_binary(bytes(range(256)) * 50)
    assert not looks_binary(b"plain <b>text</b>")
    assert not looks_binary(codecs.BOM_UTF16_LE + "text".encode("utf-16-le"))
