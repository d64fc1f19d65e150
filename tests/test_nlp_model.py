"""The loaded pipeline: the attribute ruler's table matches and annotations, the table lemmatizer's
lemmas and the matrix products on numpy's BLAS give exactly spaCy's own annotations."""

from pathlib import Path

import pytest

from flows.nlp_model import TableAttributeMatches, TableAttributeRuler, TableLemmas, load_nlp
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
    assert isinstance(nlp.get_pipe("table_attribute_ruler"), TableAttributeRuler)
    assert "attribute_ruler" not in nlp.pipe_names and "attribute_ruler" in stock_nlp.pipe_names
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


def test_fast_pipeline_multiplies_on_numpys_blas_with_one_thread(nlp, stock_nlp):
    from threadpoolctl import threadpool_info

    def blis_layers(pipeline):
        return [
            (name, layer.name)
            for name, component in pipeline.pipeline
            if hasattr(getattr(component, "model", None), "walk")
            for layer in component.model.walk()
            if getattr(layer.ops, "use_blis", False)
        ]

    # the parser's and NER's output layers score the states through their own C loop, not ops
    assert {layer for _, layer in blis_layers(nlp)} <= {"linear"}
    assert len(blis_layers(stock_nlp)) > 20
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


def test_table_attribute_ruler_applies_longer_patterns_in_the_stock_order(nlp, stock_nlp):
    text = "Let's go: there is time, they gonna wait, y'all know it ain't so. Nothin' was said."
    fast, stock = nlp(text), stock_nlp(text)
    ruler = nlp.get_pipe("table_attribute_ruler")
    assert ruler.matches.spanning(fast), "the text holds matches of several tokens"
    assert [(t.pos_, str(t.morph), t.lemma_) for t in fast] == [
        (t.pos_, str(t.morph), t.lemma_) for t in stock
    ]
    assert [t.lemma_ for t in fast if t.lower_ in ("'s", "gon", "ai", "nothin'")] == [
        "us",
        "go",
        "be",
        "nothing",
    ]


def test_paragraph_sentences_starts_a_sentence_after_every_line_break(nlp):
    from flows.nlp_model import paragraph_sentences

    texts = _texts() + [
        "a\n\nb",
        "\n\nx y\n",
        "x \n y",
        "one.\ntwo",
        "x",
        "",
        "\n",
        "a \n\n b\n",
        "a\tb\r\nc",
    ]
    for text in texts:
        doc = paragraph_sentences(nlp.make_doc(text))
        after_break = [i + 1 for i, t in enumerate(doc[:-1]) if "\n" in t.text or "\n" in t.whitespace_]
        assert [t.i for t in doc[1:] if t.is_sent_start] == after_break, text
    assert [t.text for t in doc if t.is_sent_start] == ["a", "c"]  # "a\tb\r\nc": the tab breaks nothing
