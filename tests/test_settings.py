"""Settings: defaults, then wirehouse.toml, then WIREHOUSE_* variables, then flags (init arguments)."""

from flows.settings import Settings


def test_precedence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Settings().batch_size == 50 and Settings().runner == "auto" and Settings().workers >= 1
    (tmp_path / "wirehouse.toml").write_text(
        "batch_size = 7\nlock_timeout_seconds = 5\ncontact = 'ops@example.org'\n"
    )
    assert (Settings().batch_size, Settings().lock_timeout_seconds) == (7, 5)
    monkeypatch.setenv("WIREHOUSE_BATCH_SIZE", "9")
    assert Settings().batch_size == 9 and Settings().lock_timeout_seconds == 5
    assert Settings(batch_size=3).batch_size == 3
    monkeypatch.setenv("WIREHOUSE_RUNNER", "dask=tcp://127.0.0.1:8786")
    monkeypatch.setenv("WIREHOUSE_DUCKLAKE_DATA_PATH", "s3://bucket/wirehouse/")
    assert Settings().runner == "dask=tcp://127.0.0.1:8786"
    assert Settings().ducklake_data_path == "s3://bucket/wirehouse/"
    assert "ops@example.org" in Settings().fetch_settings().agent
