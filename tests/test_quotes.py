"""Quotations: marks paired by direction and in turn, continued over paragraphs, ended at a paragraph otherwise."""

from transforms.quotes import is_spoken, paragraph_at, paragraphs, quote_regions


def quoted(text):
    return [text[a:b] for a, b in quote_regions(text)]


def test_curly_and_straight_quotes():
    assert quoted('He said “yes” and then "no".') == ["“yes”", '"no"']


def test_a_quote_open_at_a_paragraphs_end_continues_when_the_next_opens_with_a_mark():
    text = 'She said: "The first part.\n\n"The second part."\n\nPlain text.'
    assert quoted(text) == ['"The first part.\n\n"The second part."']


def test_a_quote_left_open_ends_with_its_paragraph():
    text = "A stray “mark here\n\nThen a new paragraph with “its own quote” inside."
    assert quoted(text) == ["“mark here", "“its own quote”"]


def test_a_straight_mark_closes_an_open_curly_quote():
    text = '“The end of the year is busy," she said. "Buyers wait for deals."'
    assert quoted(text) == ['“The end of the year is busy,"', '"Buyers wait for deals."']


def test_two_single_marks_close_a_double_quote():
    assert quoted("“It was a mistake,’’ he said.") == ["“It was a mistake,’’"]


def test_spoken_quotes_end_with_sentence_punctuation():
    text = "“We will win.” and “Severe weather warning”"
    (a1, b1), (a2, b2) = quote_regions(text)
    assert is_spoken(text, a1, b1) and not is_spoken(text, a2, b2)


def test_paragraph_of_an_offset():
    text = "one\n\ntwo\nthree"
    spans = paragraphs(text)
    assert [text[a:b] for a, b in spans] == ["one", "two", "three"]
    assert paragraph_at(spans, text.index("two") + 1) == 1 and paragraph_at(spans, 0) == 0
