"""gunicorn.conf.py: a metrics folder for every gunicorn, cleared at start, dead workers
marked (their live gauges dropped)."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]


def test_a_folder_of_its_own_cleared_at_start_and_dead_workers_marked(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "counter_41.db").write_bytes(b"left by the last run")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    settings["on_starting"](None)
    assert list(tmp_path.iterdir()) == []

    (tmp_path / "gauge_livesum_42.db").write_bytes(b"")
    (tmp_path / "counter_42.db").write_bytes(b"")
    settings["child_exit"](None, SimpleNamespace(pid=42))
    assert [path.name for path in tmp_path.iterdir()] == ["counter_42.db"]  # counts stay
    settings["on_exit"](None)
    assert tmp_path.exists()  # chosen by the operator: never removed


def test_without_a_folder_one_is_made_and_removed(monkeypatch):
    for name in ("PROMETHEUS_MULTIPROC_DIR", "HELPSQUARE_METRICS_DIR_MADE"):
        monkeypatch.setenv(name, "")  # so that monkeypatch removes what the file sets
        monkeypatch.delenv(name)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    folder = Path(settings["os"].environ["PROMETHEUS_MULTIPROC_DIR"])

    assert folder.is_dir()
    settings["on_exit"](None)
    assert not folder.exists()
