"""A Datasette plugin (loaded with `--plugins-dir`): an entity's, article's or story's page lists
the rows that hang off it, not only how many there are: the claims a speaker made, the events an
entity acts in, where it is mentioned; an article's claims, events and entities; a story's
articles. Each list is capped, with a link to the whole filtered table."""

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components

LIMIT = 20

# table -> sections: (heading, the table listed, the column linking it to the row, or `_where`
# for an event's three roles; a SQLite query of (row key, then the columns shown) for the row `:id`)
RELATED = {
    "entity": [
        (
            "Claims made",
            "claim",
            "speaker_entity_id",
            "select c.claim_id, c.text as statement, c.reporting_verb as verb, a.source, a.published_at "
            "from claim as c join article as a using (article_id) where c.speaker_entity_id = :id "
            "order by a.published_at desc, c.start_char",
        ),
        (
            "Events it acts in",
            "event",
            "_where",
            "select v.event_id, v.event_type, v.trigger, case when v.actor_entity_id = :id then 'actor' "
            "when v.target_entity_id = :id then 'target' else 'location' end as role, v.event_date, "
            "v.sentence from event as v where :id in (v.actor_entity_id, v.target_entity_id, "
            "v.location_entity_id) order by v.event_date desc, v.article_id, v.start_char",
        ),
        (
            "Mentions",
            "entity_mention",
            "entity_id",
            "select m.article_id, m.text as written, a.title, a.source, a.published_at "
            "from entity_mention as m join article as a using (article_id) where m.entity_id = :id "
            "order by a.published_at desc, m.start_char",
        ),
    ],
    "article": [
        (
            "Claims",
            "claim",
            "article_id",
            "select claim_id, speaker, text as statement, reporting_verb as verb, is_direct_quote "
            "from claim where article_id = :id order by start_char",
        ),
        (
            "Events",
            "event",
            "article_id",
            "select event_id, event_type, trigger, event_date, sentence from event "
            "where article_id = :id order by start_char",
        ),
        (
            "Entities named",
            "entity_mention",
            "article_id",
            "select e.entity_id, e.name, e.type, count(*) as mentions from entity_mention as m "
            "join entity as e using (entity_id) where m.article_id = :id group by e.entity_id "
            "order by mentions desc, e.name",
        ),
    ],
    "story": [
        (
            "Articles",
            "article",
            "story_id",
            "select article_id, title, source, published_at from article where story_id = :id "
            "order by published_at",
        ),
    ],
}

# the table each section's row key opens
KEY_TABLE = {"claim_id": "claim", "event_id": "event", "article_id": "article", "entity_id": "entity"}


def all_rows_query(column: str, key: str) -> str:
    """The table page's query string for every row linked to `key`."""
    if column == "_where":
        literal = "'" + key.replace("'", "''") + "'"
        return urlencode({"_where": f"{literal} in (actor_entity_id, target_entity_id, location_entity_id)"})
    return urlencode({column: key})


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table not in RELATED:
        return {}

    async def related():
        (key,) = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        sections = []
        for heading, listed, column, sql in RELATED[table]:
            result = await db.execute(f"{sql} limit {LIMIT + 1}", {"id": key})
            rows = [list(row) for row in result.rows]
            key_column = result.columns[0]
            sections.append(
                {
                    "heading": heading,
                    "columns": result.columns[1:],
                    "rows": [
                        {
                            "href": datasette.urls.row(
                                database, KEY_TABLE[key_column], tilde_encode(str(row[0]))
                            ),
                            "key": row[0],
                            "cells": row[1:],
                        }
                        for row in rows[:LIMIT]
                    ],
                    "more": len(rows) > LIMIT,
                    "all_href": f"{datasette.urls.table(database, listed)}?{all_rows_query(column, key)}",
                }
            )
        return {"wirehouse_related": sections}

    return related
