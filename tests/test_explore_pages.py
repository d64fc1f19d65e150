"""The Datasette plugin's links to every row behind a page's lists."""

from urllib.parse import parse_qs

from flows.explore.pages.wirehouse_pages import KEY_TABLE, RELATED, all_rows_query


def test_a_column_link_filters_on_that_column():
    assert parse_qs(all_rows_query("speaker_entity_id", "ab12&x")) == {"speaker_entity_id": ["ab12&x"]}


def test_an_events_link_covers_every_role_and_quotes_the_key():
    where = parse_qs(all_rows_query("_where", "o'neil"))["_where"][0]
    assert where == "'o''neil' in (actor_entity_id, target_entity_id, location_entity_id)"


def test_every_section_opens_rows_of_a_known_table():
    for sections in RELATED.values():
        for _, _, _, sql in sections:
            first_column = sql.split()[1].split(".")[-1].rstrip(",")
            assert first_column in KEY_TABLE, sql
