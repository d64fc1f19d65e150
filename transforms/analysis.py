"""The NLP stage: parse each English article once, then derive entities, claims and events.

Each article is analysed on its own, so a page that trips a rule costs only its own NLP rows:
the article is kept and the failure is reported per article, never for the whole batch.
"""

import polars as pl

from transforms.claims import claim_table
from transforms.entities import entity_tables, merged_entities
from transforms.events import event_table
from transforms.schemas import CLAIM, ENTITY, ENTITY_MENTION, EVENT

ANALYSED_LANGUAGES = {"en"}
ANALYSIS_ERRORS = {"article_id": pl.String, "reason": pl.String}


# The parser advances all the docs of its batch a step at a time, scoring their states in one
# matrix product, so it is cheaper per doc on a larger batch; the layers before it are cheapest
# on small ones. Not larger: the parser first computes its features for every token of its
# batch, so a batch of 64 long articles held more memory at its peak, for no further gain
# (figures: docs/architecture.md).
# A doc's annotations do not depend on the batch it was in.
PARSER_BATCH_SIZE = 16


def parsed_docs(articles: pl.DataFrame, nlp, batch_size: int = 4, parser_batch_size: int = PARSER_BATCH_SIZE):
    """(row index, spaCy doc) in article order for the articles in a language the model reads.
    A generator: each doc can be dropped once used, so memory holds one parser batch, not all docs."""
    texts = articles["text"].to_list()
    wanted = [i for i, lang in enumerate(articles["language"].to_list()) if lang in ANALYSED_LANGUAGES]
    docs = nlp.pipe(
        (texts[i] for i in wanted),
        batch_size=batch_size,
        component_cfg={"parser": {"batch_size": parser_batch_size}},
    )
    yield from zip(wanted, docs, strict=True)


def mentions_by_article(mentions: pl.DataFrame, entities: pl.DataFrame) -> dict[str, list[dict]]:
    """Each article's mentions with the canonical name and type of the entity they point at."""
    joined = mentions.join(entities.select("entity_id", "name", "type"), on="entity_id", how="left")
    out: dict[str, list[dict]] = {}
    for r in joined.sort("article_id", "start_char").iter_rows(named=True):
        out.setdefault(r["article_id"], []).append(
            {
                "start": r["start_char"],
                "end": r["end_char"],
                "label": r["type"] or r["label"],
                "canonical": r["name"],
                "entity_id": r["entity_id"],
                "text": r["text"],
            }
        )
    return out


def _one_article(article: pl.DataFrame, doc) -> dict[str, pl.DataFrame]:
    mentions, entities = entity_tables(article, [doc])
    by_article = mentions_by_article(mentions, entities)
    return {
        "entity": entities,
        "entity_mention": mentions,
        "claim": claim_table(article, [doc], by_article),
        "event": event_table(article, [doc], by_article),
    }


def analysed_tables(articles: pl.DataFrame, nlp, batch_size: int = 4) -> dict[str, pl.DataFrame]:
    """entity, entity_mention, claim and event rows for a batch of articles, and
    `analysis_error` (article_id, reason) for any article whose analysis failed."""
    parts: dict[str, list[pl.DataFrame]] = {"entity": [], "entity_mention": [], "claim": [], "event": []}
    errors = []
    docs = parsed_docs(articles, nlp, batch_size) if articles.height else []
    for index, doc in docs:
        article = articles.slice(index, 1)
        try:
            tables = _one_article(article, doc)
        except Exception as exc:  # one odd page must not cost the batch its analysis
            errors.append(
                {
                    "article_id": article["article_id"][0],
                    "reason": f"analysis failed ({type(exc).__name__}: {str(exc)[:200]})",
                }
            )
            continue
        for name, frame in tables.items():
            parts[name].append(frame)
    schemas = {"entity_mention": ENTITY_MENTION, "claim": CLAIM, "event": EVENT}
    out = {
        name: (pl.concat(parts[name]) if parts[name] else pl.DataFrame(schema=schema))
        for name, schema in schemas.items()
    }
    out["entity"] = merged_entities(parts["entity"]) if parts["entity"] else pl.DataFrame(schema=ENTITY)
    out["analysis_error"] = pl.DataFrame(errors, schema=ANALYSIS_ERRORS)
    return out
