"""The NLP stage's batching: how docs are grouped for the parser changes none of their annotations."""

from pathlib import Path

import polars as pl

from transforms.analysis import PARSER_BATCH_SIZE, parsed_docs
from transforms.extract import extract_page

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _articles() -> pl.DataFrame:
    pages = [extract_page(p.read_text(encoding="utf-8"), p.as_uri()) for p in sorted(SAMPLES.glob("*.html"))]
    texts = [page["text"] for page in pages if page.get("text")]
    assert len(texts) >= 2
    # a text in a language the model does not read sits between them and is passed over
    rows = [
        {"text": texts[0], "language": "en"},
        {"text": "Der Minister sagte am Freitag.", "language": "de"},
    ]
    rows += [{"text": text, "language": "en"} for text in texts[1:]]
    rows.append({"text": "The minister said on Friday that talks would resume.", "language": "en"})
    return pl.DataFrame(rows)


def _annotations(doc) -> list:
    return [(t.i, t.dep_, t.head.i, t.is_sent_start, t.ent_iob_, t.ent_type_, t.lemma_) for t in doc]


def test_docs_parsed_one_by_one_or_in_a_batch_are_annotated_alike(nlp):
    articles = _articles()
    one_by_one = list(parsed_docs(articles, nlp, batch_size=1, parser_batch_size=1))
    together = list(parsed_docs(articles, nlp, parser_batch_size=max(PARSER_BATCH_SIZE, articles.height)))
    english = [i for i, language in enumerate(articles["language"]) if language == "en"]
    assert 1 not in english and len(english) >= 3
    assert [i for i, _ in one_by_one] == [i for i, _ in together] == english
    for (_, a), (_, b) in zip(one_by_one, together, strict=True):
        assert _annotations(a) == _annotations(b)
        assert any(t.dep_ == "nsubj" for t in b), "the docs are parsed"
