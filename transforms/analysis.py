"""The NLP stage: parse each English article once, then derive entities, claims and events."""

import polars as pl

from transforms.claims import claim_table
from transforms.entities import entity_tables
from transforms.events import event_table
from transforms.schemas import CLAIM, ENTITY, ENTITY_MENTION, EVENT

ANALYSED_LANGUAGES = {"en"}


def parsed_docs(articles: pl.DataFrame, nlp, batch_size: int = 32) -> list:
    """spaCy docs in article order; None for an article in a language the model does not read."""
    texts = articles["text"].to_list()
    wanted = [i for i, lang in enumerate(articles["language"].to_list()) if lang in ANALYSED_LANGUAGES]
    docs: list = [None] * len(texts)
    for i, doc in zip(wanted, nlp.pipe((texts[i] for i in wanted), batch_size=batch_size), strict=True):
        docs[i] = doc
    return docs


def mentions_by_article(mentions: pl.DataFrame, entities: pl.DataFrame) -> dict[str, list[dict]]:
    """Each article's mentions with the canonical name and type of the entity they point at."""
    joined = mentions.join(entities.select("entity_id", "name", "type"), on="entity_id", how="left")
    out: dict[str, list[dict]] = {}
    for r in joined.sort("article_id", "start_char").iter_rows(named=True):
        out.setdefault(r["article_id"], []).append({
            "start": r["start_char"], "end": r["end_char"], "label": r["type"] or r["label"],
            "canonical": r["name"], "entity_id": r["entity_id"], "text": r["text"],
        })
    return out


def analysed_tables(articles: pl.DataFrame, nlp, batch_size: int = 32) -> dict[str, pl.DataFrame]:
    """entity, entity_mention, claim and event rows for a batch of articles."""
    if articles.height == 0:
        return {"entity": pl.DataFrame(schema=ENTITY), "entity_mention": pl.DataFrame(schema=ENTITY_MENTION),
                "claim": pl.DataFrame(schema=CLAIM), "event": pl.DataFrame(schema=EVENT)}
    docs = parsed_docs(articles, nlp, batch_size)
    mentions, entities = entity_tables(articles, docs)
    by_article = mentions_by_article(mentions, entities)
    claims = claim_table(articles, docs, by_article)
    events = event_table(articles, docs, by_article)
    return {"entity": entities, "entity_mention": mentions, "claim": claims, "event": events}
