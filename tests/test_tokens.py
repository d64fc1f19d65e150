"""tokens_with and in_sentence find exactly the tokens a per-token walk would."""

from pathlib import Path

from transforms.claims import CLAIM_VERBS
from transforms.entities import GROUP_NOUNS
from transforms.events import TRIGGER_FORMS, TRIGGER_LEMMAS
from transforms.extract import extract_page
from transforms.tokens import in_sentence, tokens_with

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
ODD = "According to them, the Bahadur group SAID it. Talks were held; they called for calm.\n\nAccordingly, nothing."


def _docs(nlp):
    pages = [extract_page(p.read_text(encoding="utf-8"), p.as_uri()) for p in sorted(SAMPLES.glob("*.html"))]
    return list(nlp.pipe([page["text"] for page in pages if page.get("text")] + [ODD, "", "x"]))


def test_tokens_with_finds_what_a_walk_over_every_token_finds(nlp):
    cases = [
        (CLAIM_VERBS, ()),
        (TRIGGER_LEMMAS, TRIGGER_FORMS),
        ((), GROUP_NOUNS),
        ((), ("according",)),
        ((), ()),
    ]
    found_any = 0
    for doc in _docs(nlp):
        for lemmas, forms in cases:
            walked = [t.i for t in doc if t.lemma_.lower() in lemmas or t.lower_ in forms]
            assert tokens_with(doc, lemmas=lemmas, forms=forms) == walked
            found_any += bool(walked)
    assert found_any >= 8, "the samples hold reporting verbs, triggers, group nouns and 'according'"


def test_tokens_with_lowercases_the_lemma_not_the_word_list(nlp):
    doc = nlp("The minister SAID it.")
    assert doc[2].lemma_.lower() == "say"
    assert tokens_with(doc, lemmas={"say"}) == [2]
    assert tokens_with(doc, lemmas={"SAY"}) == []  # the list is of lower-case lemmas
    assert tokens_with(doc, forms={"SAID"}) == [] and tokens_with(doc, forms={"said"}) == [2]


def test_in_sentence_keeps_the_indices_inside_the_sentence(nlp):
    doc = nlp("He said it. They said so too. Nobody else spoke")
    indices = tokens_with(doc, lemmas={"say", "speak"})
    sentences = list(doc.sents)
    assert [in_sentence(indices, sent) for sent in sentences] == [
        [i for i in indices if sent.start <= i < sent.end] for sent in sentences
    ]
    assert sum(len(in_sentence(indices, sent)) for sent in sentences) == len(indices) == 3
