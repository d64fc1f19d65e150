"""Shared fixtures: a private PREFECT_HOME, Prefect's own test harness, the spaCy model, sample pages."""

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

# Before Prefect is imported anywhere: a throw-away home, no analytics, quiet logs.
_PREFECT_HOME = tempfile.mkdtemp(prefix="wirehouse-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_NAMES = ("frontier-post-2025-11-09.html", "islamabad-daily-2025-11-09.html")


def one_article(text: str, language: str = "en", published_date=None, article_id: str = "a1"):
    """A one-row `article` frame around a composed text, for transform tests."""
    import polars as pl

    from transforms.schemas import ARTICLE

    row = dict.fromkeys(ARTICLE)
    row.update(
        article_id=article_id,
        text=text,
        language=language,
        source_uri=article_id,
        text_hash=article_id,
        word_count=len(text.split()),
        pipeline_version="test",
        published_date=published_date,
    )
    return pl.DataFrame([row], schema=ARTICLE)


@contextmanager
def held_by_another_process(db: Path, read_only: bool = False, seconds: int = 60):
    """A second process holding the DuckDB file `db` open (read-only or for writing) until the
    block ends; yields that process once it holds the file."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; con = duckdb.connect({str(db)!r}, read_only={read_only}); "
            f"print('holding', flush=True); time.sleep({seconds})",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's own test harness: a temporary API with its own database, for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """A real PostgreSQL server for the session (pgserver's bundled binaries, listening on a Unix
    socket in a temporary folder); gives a function that creates an empty database and returns
    its libpq connection string, as `--db ducklake:postgres:` takes it."""
    import itertools

    import pgserver

    folder = tmp_path_factory.mktemp("postgres")
    server = pgserver.get_server(folder, cleanup_mode="stop")
    numbers = itertools.count()

    def new_database() -> str:
        name = f"lake{next(numbers)}"
        server.psql(f"create database {name};")
        return f"dbname={name} host={folder} user=postgres"

    yield new_database
    server.cleanup()


@pytest.fixture(scope="session")
def object_store():
    """A real S3 API on 127.0.0.1 for the session (moto's server, which keeps its buckets in
    memory); gives a function that creates an empty bucket and returns the environment variables
    that point DuckDB at it."""
    import itertools

    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    credentials = {"AWS_ACCESS_KEY_ID": "wirehouse-test", "AWS_SECRET_ACCESS_KEY": "wirehouse-test"}
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )
    numbers = itertools.count()

    def new_bucket() -> tuple[str, dict[str, str]]:
        bucket = f"lake{next(numbers)}"
        s3.create_bucket(Bucket=bucket)
        return bucket, {
            **credentials,
            "AWS_REGION": "us-east-1",
            "DUCKDB_S3_ENDPOINT": f"{host}:{port}",
            "DUCKDB_S3_USE_SSL": "false",
            "WIREHOUSE_S3_URL_STYLE": "path",
        }

    yield new_bucket
    server.stop()


@pytest.fixture(scope="session")
def nlp():
    """The configured spaCy pipeline, loaded once (as the flow loads it)."""
    from flows.settings import Settings
    from nlp.model import load_nlp

    return load_nlp(Settings().spacy_model)


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory, prefect_harness) -> Path:
    """A warehouse built once from the two seed pages; tests only read it (copy it to change it)."""
    from flows.pipeline import wirehouse_pipeline

    folder = tmp_path_factory.mktemp("seeds")
    for name in SEED_NAMES:
        shutil.copy(SAMPLES / name, folder / name)
    db = folder / "w.duckdb"
    wirehouse_pipeline([str(folder)], db=str(db))
    return db


@pytest.fixture()
def seed_dir(tmp_path) -> Path:
    """A folder holding just the two seed pages."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in SEED_NAMES:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


# Test tiers (`make check` runs unit and nlp, `make test` all four): a test's tier follows from
# what it needs, so a new test lands in the right one without a marker of its own.
SYSTEM_MODULES = {"test_cli", "test_serve", "test_robustness", "test_html_report", "test_explore_server"}
INTEGRATION_FIXTURES = {"prefect_harness", "postgres", "object_store", "seed_warehouse", "loaded"}
INTEGRATION_MODULES = {
    "test_pipeline",
    "test_runners",
    "test_fetch",
    "test_warehouse",
    "test_runs",
    "test_reports",
    "test_explore_publish",
}


def tier(module: str, fixtures: set[str]) -> str:
    """unit, nlp, integration or system: the heaviest thing a test needs."""
    if module in SYSTEM_MODULES:
        return "system"
    if module in INTEGRATION_MODULES or fixtures & INTEGRATION_FIXTURES:
        return "integration"
    if "nlp" in fixtures:
        return "nlp"
    return "unit"


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not any(item.get_closest_marker(name) for name in ("unit", "nlp", "integration", "system")):
            item.add_marker(tier(item.module.__name__.rsplit(".", 1)[-1], set(item.fixturenames)))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
