"""The loaded pipeline: the attribute ruler's table matches and annotations, the table lemmatizer's
lemmas, the matrix products on numpy's BLAS and the inference-only layers give exactly spaCy's
own annotations."""

from pathlib import Path

import pytest

from flows.settings import Settings
from nlp.model import (
    INFERENCE_FORWARDS,
    TableAttributeMatches,
    TableAttributeRuler,
    TableLemmas,
    load_nlp,
)
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
    # numpy's own BLAS, the one spaCy's layers multiply on (another library loaded later, such as
    # scipy with its own OpenBLAS in a test, starts with its default thread count)
    numpy_blas = [
        pool for pool in threadpool_info() if pool["user_api"] == "blas" and "numpy" in pool["filepath"]
    ]
    assert numpy_blas and all(pool["num_threads"] == 1 for pool in numpy_blas)


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
    from nlp.model import paragraph_sentences

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


def _tok2vec_networks(pipeline) -> list:
    return [pipeline.get_pipe("tok2vec").model, pipeline.get_pipe("ner").model.get_ref("tok2vec")]


def test_token_vectors_of_the_inference_layers_are_thincs_own(nlp, stock_nlp):
    import numpy as np

    layers = [layer for model in _tok2vec_networks(nlp) for layer in model.walk()]
    changed = [layer for layer in layers if layer._func in INFERENCE_FORWARDS.values()]
    assert len(changed) == 20, (
        "each network's mixing layer and 4 convolutions: a maxout and a layer norm each"
    )
    assert not any(
        layer._func in INFERENCE_FORWARDS.values()
        for model in _tok2vec_networks(stock_nlp)
        for layer in model.walk()
    )
    docs = [nlp.make_doc(text) for text in _texts()]
    fast = [model.predict(docs) for model in _tok2vec_networks(nlp)]
    thincs_own = {faster: stock for stock, faster in INFERENCE_FORWARDS.items()}
    try:  # the same pipeline (same ops) with thinc's forwards back
        for layer in changed:
            layer._func = thincs_own[layer._func]
        stock = [model.predict(docs) for model in _tok2vec_networks(nlp)]
    finally:
        for layer in changed:
            layer._func = INFERENCE_FORWARDS[layer._func]
    for got, expected in zip(fast, stock, strict=True):
        for one, other in zip(got, expected, strict=True):
            assert one.shape == other.shape and np.array_equal(one, other), "bit for bit"


def test_inference_layers_train_as_thincs_own():
    import numpy as np
    from thinc.api import LayerNorm, Maxout, NumpyOps

    from nlp.model import inference_forwards

    X = np.random.default_rng(7).standard_normal((50, 12)).astype("float32")
    X[3] = X[3, 0]  # a row of equal values: pieces tie, the variance is 0
    for make in (lambda: Maxout(8, 12, nP=3), lambda: LayerNorm(12)):
        stock, fast = make(), make()
        for model in (stock, fast):
            model.ops = NumpyOps()
            model.initialize(X=X)
        fast.set_param(
            *(("W", stock.get_param("W")) if fast.name == "maxout" else ("G", stock.get_param("G")))
        )
        fast.set_param("b", stock.get_param("b"))
        assert inference_forwards([fast]) == 1
        assert np.array_equal(fast.predict(X), stock.predict(X))
        (y_fast, grad_fast), (y_stock, grad_stock) = fast.begin_update(X), stock.begin_update(X)
        dY = np.ones_like(y_stock)
        assert np.array_equal(y_fast, y_stock) and np.array_equal(grad_fast(dY), grad_stock(dY))
        _, no_gradient = fast(X, is_train=False)
        with pytest.raises(ValueError, match="is_train=False"):
            no_gradient(dY)


def test_accelerations_apply_only_when_wanted_and_on_the_tested_versions(caplog):
    from nlp.model import TESTED_VERSIONS, accelerations_apply

    assert accelerations_apply(True, dict(TESTED_VERSIONS))
    assert not accelerations_apply(False, dict(TESTED_VERSIONS))
    with caplog.at_level("WARNING", logger="wirehouse.nlp"):
        assert not accelerations_apply(True, {**TESTED_VERSIONS, "spacy": "9.9.9"})
    assert "spacy 9.9.9" in caplog.text and "stock pipeline" in caplog.text


def test_fast_nlp_off_loads_the_stock_pipeline(monkeypatch):
    from flows.settings import Settings
    from nlp.model import load_nlp

    monkeypatch.setenv("WIREHOUSE_FAST_NLP", "false")
    load_nlp.cache_clear()
    nlp = load_nlp(Settings().spacy_model)
    try:
        assert "attribute_ruler" in nlp.pipe_names and "table_attribute_ruler" not in nlp.pipe_names
    finally:
        load_nlp.cache_clear()
