"""The loaded pipeline: the attribute ruler's table matches and the table lemmatizer's lemmas are
exactly spaCy's own."""

from pathlib import Path

import pytest

from flows.nlp_model import TableAttributeMatches, TableLemmas, load_nlp
from flows.settings import Settings
from transforms.extract import extract_page

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

# Words the ruler's rarer patterns are written for: two-token forms ("gonna", "y'all", "ain't",
# "let's"), dependency tests ("there is"), lemma fixes ("'d", "got"), spaces and line breaks.
ODD_FORMS = (
    "Y'all gonna see it. Let's go, c'mon! It ain't so, and they gotta wait. There is a dog and "
    "there were cats. He gets it; she got it. I'd ask them whether but also.  \n\n"
    "Somebody said nothing to anyone. Those were the days, these are these.\tWho's that?"
)


@pytest.fixture(scope="module")
def stock_nlp():
    return load_nlp(Settings().spacy_model, fast_components=False)


def _texts() -> list[str]:
    pages = [extract_page(p.read_text(encoding="utf-8"), p.as_uri()) for p in sorted(SAMPLES.glob("*.html"))]
    return [page["text"] for page in pages if page.get("text")] + [ODD_FORMS]


def test_table_matches_are_the_attribute_rulers_own(stock_nlp):
    ruler = stock_nlp.get_pipe("attribute_ruler")
    table = TableAttributeMatches(ruler)
    assert len(table.table_rules) > 100, "most patterns are one-token ones, answered by the table"
    with stock_nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        docs = list(stock_nlp.pipe(_texts()))
    for doc in docs:
        expected = ruler.match(doc)
        assert table(doc) == expected
        assert table(doc) == expected, "a second pass, answered from the filled table"
    assert any(end - start > 1 for doc in docs for _, _, start, end in ruler.match(doc)), (
        "the sample holds a match of several tokens"
    )


def test_fast_pipeline_annotates_as_the_stock_one(nlp, stock_nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler").match, TableAttributeMatches)
    assert "lemmatizer" not in nlp.pipe_names
    assert isinstance(nlp.get_pipe("table_lemmatizer"), TableLemmas)
    assert "lemmatizer" in stock_nlp.pipe_names
    # twice over: the second pass is answered from the filled tables
    for text in _texts() + _texts():
        fast, stock = nlp(text), stock_nlp(text)
        assert [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in fast] == [
            (t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in stock
        ]
        assert [(e.start, e.end, e.label_) for e in fast.ents] == [
            (e.start, e.end, e.label_) for e in stock.ents
        ]


def test_table_lemmatizer_keeps_the_lemmas_the_attribute_ruler_set(nlp):
    doc = nlp("I'd say they gotta go, and she'd agree.")
    assert [t.lemma_ for t in doc if t.text == "'d"] == ["would", "would"]
    assert [t.lemma_ for t in doc if t.text in ("say", "go", "agree")] == ["say", "go", "agree"]
    assert nlp("He was hoping the uses would last.")[2].lemma_ == "hope"
