"""The HTML report: charts built from the warehouse, rendered by a real headless Chromium."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.html_report import LAND, html_page, places_map, report_charts, report_frames, travelled_table
from tests.chromium import HOSTILE, chromium, with_hostile_headline

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")


@pytest.fixture(scope="module")
def hostile_warehouse(seed_warehouse, tmp_path_factory) -> Path:
    """The seed warehouse with markup in a headline, an entity name and a claim's speaker."""
    db = with_hostile_headline(seed_warehouse, tmp_path_factory.mktemp("hostile"))
    with duckdb.connect(str(db)) as con:
        con.execute("update entity set name = ? where name = 'Khawaja Asif'", [HOSTILE])
        con.execute("update claim set speaker = ? where speaker = 'Khawaja Asif'", [HOSTILE])
    return db


@pytest.fixture(scope="module")
def page(hostile_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = subprocess.run(
        [WIREHOUSE, "report", "--html", str(out), "--db", str(hostile_warehouse)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "6 charts" in result.stdout
    return out


def test_the_page_is_self_contained_and_escapes_article_text(page):
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text.split("<script>", 1)[0] and "<script src" not in text
    # the inline Vega bundle and the chart specs, nothing injected by the hostile names
    assert text.count("<script") == 2 and text.count("</script>") == 2
    body = text.split("</head>", 1)[1]  # the Vega bundle itself builds <img> elements
    assert "<img" not in body and "<script>document" not in body
    assert "\\u003c/script\\u003e" in text  # the markup is there, escaped inside the JSON


def test_chromium_renders_every_chart(page, tmp_path):
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="marks"') == 6  # one rendered SVG per chart
    assert "<title>pwned" not in dom.stdout and "<title>1<" not in dom.stdout
    assert not re.search(r"<img[^>]*onerror", dom.stdout)  # no element made from the headline
    assert "&lt;/script&gt;&lt;script&gt;" in dom.stdout  # its markup was drawn as text


def test_chromium_screenshot_shows_charts(page, tmp_path):
    from PIL import Image

    shot = tmp_path / "report.png"
    result = chromium(
        "--window-size=1100,2400", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "p"
    )
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    white = max(colours)[0]
    assert len(colours) > 200  # bars, dots, legends and the map's land, not a blank or text-only page
    assert white < 0.95 * image.width * image.height


def test_empty_warehouse_gives_a_page_that_says_so(prefect_harness, tmp_path):
    from flows.warehouse.connect import open_warehouse

    db = tmp_path / "empty.duckdb"
    with open_warehouse(str(db)):
        pass
    charts = report_charts(report_frames(str(db)), json.loads(LAND.read_text()))
    assert all(isinstance(chart, str) for _, chart in charts)
    page = html_page("empty", {"articles": 0}, charts, vega_bundle="")
    assert "no dated events yet" in page and "vegaEmbed('#" not in page


def test_map_places_only_what_the_gazetteer_knows():
    places = pl.DataFrame(
        {"name": ["Kabul", "Gondor"], "type": ["GPE", "LOC"], "articles": [2, 1], "mentions": [3, 1]}
    )
    spec = places_map(places, json.loads(LAND.read_text())).to_dict()
    values = [
        v for layer in spec["layer"] for v in spec.get("datasets", {}).get(layer["data"].get("name", ""), [])
    ]
    assert [v["name"] for v in values] == ["Kabul"]
    assert values[0]["latitude"] == pytest.approx(34.5, abs=0.1)


def test_a_statement_carried_as_agency_copy_says_whose_and_a_long_change_is_counted():
    added = [f"word{i}" for i in range(20)]
    lineage = pl.DataFrame(
        [
            {
                "claim_group_id": "g",
                "carrier_rank": 1,
                "outlet": "Gazette",
                "copied_from": None,
                "words_added": [],
            },
            {
                "claim_group_id": "g",
                "carrier_rank": 2,
                "outlet": "Courier",
                "copied_from": "Wire Agency",
                "words_added": added,
            },
        ]
    ).with_columns(
        published_at=pl.lit(None, pl.Datetime("us", "UTC")),
        speaker=pl.lit("the mayor"),
        text=pl.lit("the bridge will reopen"),
        is_verbatim=pl.lit(True),
        words_dropped=pl.lit([], pl.List(pl.String)),
    )
    table = travelled_table(lineage)
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    assert [r["copy of"] for r in rows] == ["", "Wire Agency"]
    assert rows[1]["added"] == " ".join(added[:12]) + " … (8 more)"
    assert "wording" in table.wide
