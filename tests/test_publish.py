"""A load never blocks a reader: it works on a private copy that replaces the store; loads queue; kill -9 is safe."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import metrics
import ui.data as data
from etl import publish
from etl.load import load_files
from firedash.store import connect, store_signature
from metrics.filters import Filters
from tests.test_undo import DAY, WEEK5, WEEK6, dump, fresh, sample_files

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2024-03-31"


def config_file(tmp_path: Path, publish_every: float) -> Path:
    """The town's configuration with another publishing interval (0: after every file)."""
    text = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    text, n = re.subn(r"publish_every_seconds = \S+", f"publish_every_seconds = {publish_every}", text)
    assert n == 1
    path = tmp_path / "town.toml"
    path.write_text(text, encoding="utf-8")
    return path


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("FIREDASH_")}


def start_load(db: Path, config: Path, files: list[Path], stderr: Path | None = None) -> subprocess.Popen:
    err = stderr.open("w") if stderr else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", "--db", str(db), "--config", str(config), *map(str, files)],
        cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=err,
    )  # fmt: skip


def found(db: Path, config: Path) -> int:
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "summary", "--db", str(db), "--config", str(config), "--as-of", AS_OF,
         "--json"], cwd=ROOT, env=env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["found"]


def tickets(db: Path) -> int:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    finally:
        con.close()


def stray(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f".{db.name}.*") if not p.name.endswith(".lock"))


@pytest.fixture
def base(tmp_path: Path, config) -> Path:
    """A store holding week 5 of the sample: the figures 'as they were' before the next load."""
    db = tmp_path / "live" / "s.duckdb"
    db.parent.mkdir()
    load_files(sample_files(WEEK5), db=db, config=config, today=DAY)
    return db


def test_metrics_summary_during_a_load_answers_with_the_figures_as_they_were(base, tmp_path):
    week6 = sample_files(WEEK6)
    before = found(base, ROOT / "data" / "town.toml")
    gate = tmp_path / "gate.csv"  # a FIFO: the load blocks on it, provably still running, two files committed
    os.mkfifo(gate)
    load = start_load(base, config_file(tmp_path, 3600), [*week6[:2], gate, *week6[2:]])
    try:
        with gate.open("wb") as writer:  # returns once the loader is reading it
            assert found(base, ROOT / "data" / "town.toml") == before
            assert load.poll() is None
            writer.write(b"not a ledger\n")
        assert load.wait(timeout=120) == 1  # the gate is refused, every other file loads
    finally:
        load.kill()
    after = found(base, ROOT / "data" / "town.toml")
    assert before < after == tickets(base)


def test_a_reader_in_this_process_sees_the_replacing_store_while_an_older_connection_is_open(base, config):
    old = connect(base, read_only=True)
    try:
        count = old.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
        load_files(sample_files(WEEK6)[:3], db=base, config=config, today=DAY)
        assert tickets(base) > count  # duckdb.connect would hand back the instance of the replaced file
        assert old.execute("SELECT count(*) FROM tickets").fetchall()[0][0] == count
    finally:
        old.close()


def test_the_store_signature_changes_when_a_file_of_the_same_size_and_time_replaces_it(tmp_path):
    store, other = tmp_path / "s.duckdb", tmp_path / "t.duckdb"
    store.write_bytes(b"a" * 100)
    other.write_bytes(b"b" * 100)
    os.utime(other, ns=(store.stat().st_atime_ns, store.stat().st_mtime_ns))
    before = store_signature(store)
    os.replace(other, store)
    assert store_signature(store) != before


def test_a_page_run_keys_its_results_on_the_file_its_connection_reads(base, config, monkeypatch):
    monkeypatch.setenv("FIREDASH_DB", str(base))
    monkeypatch.setenv("FIREDASH_CONFIG", str(ROOT / "data" / "town.toml"))
    data.clear()
    as_of, day_before = dt.date(2024, 3, 31), dt.date(2024, 3, 30)
    with data.one_connection():
        old = data.cached(metrics.summary_figures, as_of=as_of, filters=Filters())["found"]
        load_files(sample_files(WEEK6), db=base, config=config, today=DAY)
        # the run's connection still reads the replaced file: this result belongs to the old signature
        assert data.cached(metrics.summary_figures, as_of=day_before, filters=Filters())["found"] == old
    with data.one_connection():
        assert data.cached(metrics.summary_figures, as_of=day_before, filters=Filters())["found"] > old
        assert (
            data.cached(metrics.summary_figures, as_of=as_of, filters=Filters())["found"]
            == tickets(base)
            > old
        )
    data.clear()


def test_a_second_load_waits_its_turn_and_says_so(base, tmp_path):
    week6 = sample_files(WEEK6)
    log = tmp_path / "stderr.txt"
    before = base.read_bytes()
    with publish.load_lock(base):
        load = start_load(base, ROOT / "data" / "town.toml", week6[:1], stderr=log)
        deadline = time.monotonic() + 60
        while "另一个导入正在进行，等待其完成…" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "另一个导入正在进行，等待其完成…" in log.read_text()
        assert load.poll() is None and base.read_bytes() == before
    assert load.wait(timeout=120) == 0
    assert "lock" not in log.read_text().lower()
    assert base.read_bytes() != before


def test_kill_9_at_a_file_boundary_leaves_the_store_after_the_last_file(base, tmp_path, config):
    week6 = sample_files(WEEK6)
    gate = tmp_path / "gate.csv"
    os.mkfifo(gate)
    load = start_load(base, config_file(tmp_path, 0), [*week6[:3], gate, *week6[3:]])
    with gate.open("wb"):
        os.kill(load.pid, signal.SIGKILL)
    load.wait(timeout=60)
    expected = fresh(sample_files(WEEK5) + week6[:3], tmp_path, config)
    assert dump(base) == dump(expected)


@pytest.mark.parametrize("seconds", [1.0, 2.5, 4.0])
def test_kill_9_at_any_moment_leaves_the_store_before_or_after_a_file(base, tmp_path, config, seconds):
    week5, later = sample_files(WEEK5), sample_files(WEEK6, "2023-12-17_第7周")
    settings = config_file(tmp_path, 0)
    load = start_load(base, settings, later)
    time.sleep(seconds)
    os.kill(load.pid, signal.SIGKILL)
    load.wait(timeout=60)
    loaded = [i[2] for i in _imports(base)][len(week5) :]
    assert loaded == [f.name for f in later[: len(loaded)]]  # a prefix of the files, in order
    assert dump(base) == dump(fresh(week5 + later[: len(loaded)], tmp_path, config))
    # whatever the kill left beside the store, the next load cleans it and finishes the work
    assert start_load(base, settings, later).wait(timeout=300) == 0
    assert stray(base) == []
    assert dump(base) == dump(fresh(week5 + later, tmp_path, config, name="complete"))


def _imports(db: Path) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT import_id, sha256, file_name FROM imports ORDER BY import_id").fetchall()
    finally:
        con.close()
