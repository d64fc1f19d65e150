"""`wirehouse report --html OUT.html`: one self-contained page of charts over the warehouse.

The numbers come from the SQL reports in `sql/reports/` (one read-only connection); the charts are
Vega-Lite specs built with altair, and the page carries the Vega JavaScript inline (vl-convert
bundles it), so it opens offline and sends nothing anywhere. Every string from articles reaches
the page either escaped as HTML or inside a JSON spec whose `<`, `>` and `&` are escaped, so a
headline holding `</script>` stays text.
"""

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import polars as pl

from flows.reports import report_sql, set_parameters
from flows.warehouse.connect import open_warehouse
from transforms.gazetteer import geocoded_places

LAND = Path(__file__).resolve().parent / "assets" / "land-110m.json"
TOP = 20  # bars per ranking chart; a long tail is unreadable as bars
WIDTH = 640
COUNT_AXIS = alt.Axis(tickMinStep=1)  # counts have no halves


TRAVELLED_GROUPS = 8  # statements shown in "How a statement travelled": those most outlets carry
TRAVELLED_WORDS = 12  # words added or dropped shown per carrier; the rest are counted


@dataclass(frozen=True)
class Table:
    """A section shown as an HTML table rather than a chart: its columns, and rows of text."""

    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    wide: frozenset[str] = frozenset()  # columns of running text, given the room a reader needs


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def travelled_table(lineage: pl.DataFrame, groups: int = TRAVELLED_GROUPS) -> Table:
    """The statements most outlets carry, each carrier in the order it published: whose copy it
    carries (an agency's or another outlet's), its wording, whether that is the first carrier's,
    and the words it added and dropped."""
    kept = lineage["claim_group_id"].unique(maintain_order=True).head(groups).to_list()
    number = {group: i + 1 for i, group in enumerate(kept)}
    rows = [
        (
            str(number[r["claim_group_id"]]),
            _cell(r["carrier_rank"]),
            _cell(r["outlet"]),
            _cell(r.get("copied_from")),
            _cell(r["published_at"]),
            _cell(r["speaker"]),
            _cell(r["text"]),
            _cell(r["is_verbatim"]),
            _some_words(r["words_added"]),
            _some_words(r["words_dropped"]),
        )
        for r in lineage.filter(pl.col("claim_group_id").is_in(kept)).iter_rows(named=True)
    ]
    columns = (
        "statement",
        "carrier",
        "outlet",
        "copy of",
        "published",
        "speaker",
        "wording",
        "verbatim",
        "added",
        "dropped",
    )
    return Table(columns, rows, wide=frozenset({"wording"}))


def _some_words(words: list[str] | None, shown: int = TRAVELLED_WORDS) -> str:
    """The first words of a list, and how many more: a long quote's changes fill no page."""
    words = words or []
    more = f" … ({len(words) - shown} more)" if len(words) > shown else ""
    return " ".join(words[:shown]) + more


def _html_table(table: Table) -> str:
    wide = [' class="wide"' if c in table.wide else "" for c in table.columns]
    head = "".join(f"<th{w}>{html.escape(c)}</th>" for c, w in zip(table.columns, wide, strict=True))
    body = "".join(
        "<tr>"
        + "".join(f"<td{w}>{html.escape(cell)}</td>" for cell, w in zip(row, wide, strict=True))
        + "</tr>"
        for row in table.rows
    )
    return (
        f'<div class="scroll"><table class="rows"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _short(column: str, length: int = 60) -> pl.Expr:
    """A label cut to `length` characters, so one long headline cannot squeeze a chart."""
    text = pl.col(column).cast(pl.String).fill_null("(untitled)")
    return (
        pl.when(text.str.len_chars() > length)
        .then(text.str.slice(0, length - 1) + "…")
        .otherwise(text)
        .alias(column)
    )


def event_timeline_chart(events: pl.DataFrame) -> alt.Chart:
    """Dated events on a time axis, a row per PLOVER type, a dot per day sized by its events."""
    per_day = events.group_by("event_date", "event_type").len("events").sort("event_date")
    return (
        alt.Chart(per_day, title="Events by date")
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("event_date:T", title="date"),
            y=alt.Y("event_type:N", title=None),
            size=alt.Size("events:Q", title="events", legend=alt.Legend(tickMinStep=1)),
            color=alt.Color("event_type:N", legend=None),
            tooltip=["event_date:T", "event_type:N", "events:Q"],
        )
        .properties(width=WIDTH, height=alt.Step(22))
    )


def top_entities_chart(entities: pl.DataFrame) -> alt.Chart:
    """The entities named in the most articles."""
    top = entities.head(TOP).with_columns(_short("name", 40))
    return (
        alt.Chart(top, title=f"Top {min(TOP, top.height)} entities")
        .mark_bar()
        .encode(
            x=alt.X("articles:Q", title="articles", axis=COUNT_AXIS),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.Color("type:N", title="type"),
            tooltip=["name:N", "type:N", "articles:Q", "mentions:Q"],
        )
        .properties(width=WIDTH - 200, height=alt.Step(16))
    )


def cooccurrence_chart(pairs: pl.DataFrame, entities: pl.DataFrame, size: int = 15) -> alt.Chart:
    """How often the top entities appear in the same article, as a symmetric heat map."""
    names = entities.head(size)["name"].to_list()
    kept = pairs.filter(pl.col("entity").is_in(names) & pl.col("other").is_in(names)).select(
        "entity", "other", "articles"
    )
    mirrored = pl.concat([kept, kept.select(entity="other", other="entity", articles="articles")])
    return (
        alt.Chart(mirrored.with_columns(_short("entity", 30), _short("other", 30)), title="Named together")
        .mark_rect()
        .encode(
            x=alt.X("entity:N", title=None, sort=names),
            y=alt.Y("other:N", title=None, sort=names),
            color=alt.Color("articles:Q", title="shared articles", scale=alt.Scale(scheme="blues")),
            tooltip=["entity:N", "other:N", "articles:Q"],
        )
        .properties(width=alt.Step(22), height=alt.Step(22))
    )


def claims_by_speaker_chart(speakers: pl.DataFrame) -> alt.Chart:
    """Attributed statements per speaker."""
    top = speakers.head(TOP).with_columns(_short("speaker", 40))
    return (
        alt.Chart(top, title="Claims per speaker")
        .mark_bar()
        .encode(
            x=alt.X("claims:Q", title="claims", axis=COUNT_AXIS),
            y=alt.Y("speaker:N", sort="-x", title=None),
            color=alt.Color("sources:Q", title="sources", scale=alt.Scale(scheme="oranges")),
            tooltip=["speaker:N", "claims:Q", "articles:Q", "sources:Q"],
        )
        .properties(width=WIDTH - 200, height=alt.Step(16))
    )


def story_coverage_chart(stories: pl.DataFrame) -> alt.Chart:
    """Which outlets carry each story, the stories told by most outlets first."""
    top = stories.head(TOP).with_columns(_short("first_title", 70))
    cells = top.select("story_id", "first_title", "outlets", outlet="outlet_names").explode("outlet")
    return (
        alt.Chart(cells, title="Stories across outlets")
        .mark_square(size=140)
        .encode(
            x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("first_title:N", sort=alt.EncodingSortField("outlets", order="descending"), title=None),
            color=alt.Color("outlets:Q", title="outlets", scale=alt.Scale(scheme="greens")),
            tooltip=["first_title:N", "outlet:N", "outlets:Q", "original_articles:Q", "reprints:Q"],
        )
        .properties(height=alt.Step(18))
    )


def places_map(places: pl.DataFrame, land_topojson: dict) -> alt.LayerChart:
    """Places in the news on a world map: a dot per place, sized by the articles naming it.
    The land outline is shipped with wirehouse (world-atlas), so the map needs no network."""
    located = geocoded_places(places)
    land = alt.Data(values=land_topojson, format=alt.DataFormat(type="topojson", feature="land"))
    backdrop = alt.Chart(land).mark_geoshape(fill="#e8e8e8", stroke="#bbbbbb", strokeWidth=0.5)
    dots = (
        alt.Chart(located)
        .mark_circle(color="#c0392b", opacity=0.7, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            size=alt.Size("articles:Q", title="articles", scale=alt.Scale(range=[40, 900])),
            tooltip=["name:N", "kind:N", "articles:Q", "mentions:Q"],
        )
    )
    return (
        (backdrop + dots)
        .project("equalEarth")
        .properties(title="Places in the news", width=WIDTH + 100, height=360)
    )


def report_frames(db: str, since: str | None = None, lock_timeout: float = 30.0) -> dict[str, pl.DataFrame]:
    """The report results the charts draw, read on one read-only connection."""
    names = (
        "event_timeline",
        "top_entities",
        "entity_cooccurrence",
        "claims_by_speaker",
        "story_coverage",
        "places_in_the_news",
        "how_a_statement_travelled",
    )
    with open_warehouse(db, read_only=True, lock_timeout=lock_timeout) as con:
        set_parameters(con, {"since": since})
        frames = {name: con.execute(report_sql(name)).pl() for name in names}
        frames["totals"] = con.execute(
            "select (select count(*) from article) as articles, "
            "(select count(distinct coalesce(source, url, source_uri)) from article) as outlets, "
            "(select count(*) from entity) as entities, (select count(*) from claim) as claims, "
            "(select count(*) from event) as events, "
            "(select count(distinct story_id) from article where story_id is not null) as stories, "
            "(select count(*) from document where status = 'rejected') as rejected_documents"
        ).pl()
    return frames


def report_charts(frames: dict[str, pl.DataFrame], land_topojson: dict) -> list[tuple[str, object]]:
    """(heading, chart or the reason there is none) for each section of the page, in order."""
    sections = [
        ("Event timeline", "event_timeline", event_timeline_chart, "no dated events yet"),
        ("Top entities", "top_entities", top_entities_chart, "no entities yet"),
        ("Claims per speaker", "claims_by_speaker", claims_by_speaker_chart, "no attributed claims yet"),
        ("Story coverage", "story_coverage", story_coverage_chart, "no stories yet"),
    ]
    out = []
    for heading, name, build, empty in sections:
        out.append((heading, build(frames[name]) if frames[name].height else empty))
    pairs = frames["entity_cooccurrence"]
    out.insert(
        2,
        (
            "Entities named together",
            cooccurrence_chart(pairs, frames["top_entities"]) if pairs.height else "no entity pairs yet",
        ),
    )
    places = frames["places_in_the_news"]
    out.append(
        ("Places in the news", places_map(places, land_topojson) if places.height else "no places yet")
    )
    lineage = frames["how_a_statement_travelled"]
    out.append(
        (
            "How a statement travelled",
            travelled_table(lineage) if lineage.height else "no statement carried by two outlets yet",
        )
    )
    return out


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element: no `</script>`, no HTML comment openers."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_page(title: str, totals: dict, charts: list[tuple[str, object]], vega_bundle: str) -> str:
    """The whole page: a summary line, then one section per chart, Vega inline."""
    figures = " · ".join(
        f"{html.escape(str(v))} {html.escape(k.replace('_', ' '))}" for k, v in totals.items()
    )
    sections, embeds = [], []
    for i, (heading, chart) in enumerate(charts):
        if isinstance(chart, str):
            body = f'<p class="empty">{html.escape(chart)}</p>'
        elif isinstance(chart, Table):
            body = _html_table(chart)
        else:
            body = f'<div class="chart" id="chart{i}"></div>'
            embeds.append(f"vegaEmbed('#chart{i}', {_script_json(chart.to_dict())}, options)")
        sections.append(f"<section><h2>{html.escape(heading)}</h2>{body}</section>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
  body {{ font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; }}
  h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
  .totals {{ color: #555; margin-top: 0; }}
  section {{ margin: 2rem 0; }}
  .empty {{ color: #888; font-style: italic; }}
  table.rows {{ border-collapse: collapse; font-size: 13px; }}
  table.rows th, table.rows td {{ border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }}
  table.rows .wide {{ min-width: 22em; }}
  .scroll {{ overflow-x: auto; }}
</style>
<script>{vega_bundle}</script>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="totals">{figures}</p>
{"".join(sections)}
<script>
  const options = {{renderer: "svg", actions: false}};
  {";".join(embeds)};
</script>
</body>
</html>
"""


def write_html_report(db: str, out: str, since: str | None = None) -> int:
    """Writes the page for the warehouse at `db` to `out`; returns how many charts it holds
    (tables aside)."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    frames = report_frames(db, since)
    charts = report_charts(frames, json.loads(LAND.read_text(encoding="utf-8")))
    totals = frames["totals"].to_dicts()[0]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"wirehouse: {Path(db).name}, {stamp}"
    bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
    Path(out).write_text(html_page(title, totals, charts, bundle), encoding="utf-8")
    return sum(not isinstance(chart, str | Table) for _, chart in charts)
