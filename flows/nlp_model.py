"""The one place the spaCy pipeline is loaded: once per worker process, then passed to transforms."""

from functools import lru_cache

import spacy
from spacy.language import Language


@Language.component("paragraph_sentences")
def paragraph_sentences(doc):
    """A line break always ends a sentence: headings, list items and datelines are not run-ons."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=2)
def load_nlp(model_name: str) -> Language:
    """The named spaCy pipeline with the components wirehouse needs.

    NER feeds entities; the parser feeds claims and events (speaker, content, actor, target);
    the lemmatizer gives the lexicon keys. Paragraph breaks are made sentence breaks before parsing.
    """
    nlp = spacy.load(model_name)
    if "parser" in nlp.pipe_names and "paragraph_sentences" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_sentences", before="parser")
    return nlp
