"""The archive of loaded files: a load flushes the copies it kept once, before it publishes the store that names
them; a copy a crash left short is written again, never read as it is."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from etl import archive
from etl.load import load_files
from firedash.config import TownConfig
from tests.test_undo import DAY, WEEK5, sample_files


def test_a_load_flushes_its_copies_once_before_the_store_is_replaced(
    tmp_path, config: TownConfig, monkeypatch
):
    one_chunk = dataclasses.replace(
        config, intake=dataclasses.replace(config.intake, publish_every_seconds=3600)
    )
    db = tmp_path / "s.duckdb"
    files = sample_files(WEEK5)
    events: list[str] = []
    flushed: list[Path] = []
    flush, replace = archive.flush, os.replace
    monkeypatch.setattr(
        archive, "flush", lambda copies: events.append("flush") or flushed.extend(copies) or flush(copies)
    )
    monkeypatch.setattr(
        os, "replace", lambda a, b: events.append("store" if Path(b) == db else "copy") or replace(a, b)
    )
    outcomes = load_files(files, db=db, config=one_chunk, today=DAY)
    assert {o.outcome for o in outcomes} <= {"loaded", "loaded_with_warnings"}
    # every file copied, then one flush, then the store replaced
    assert events == ["copy"] * len(files) + ["flush", "store"]
    kept = sorted(p.name for p in archive.archive_dir(db).rglob("*") if p.is_file())
    assert kept == sorted(f.name for f in files)
    # the flush writes exactly those copies to disk
    assert sorted(p.name for p in flushed) == kept and all(p.is_file() for p in flushed)


def test_a_dry_run_keeps_and_flushes_nothing(tmp_path, config: TownConfig, monkeypatch):
    monkeypatch.setattr(archive, "flush", lambda copies: (_ for _ in ()).throw(AssertionError("flushed")))
    db = tmp_path / "s.duckdb"
    load_files(sample_files(WEEK5)[:2], db=db, config=config, today=DAY, dry_run=True)
    assert not archive.archive_dir(db).exists() and not db.exists()


def test_a_copy_left_short_by_a_crash_is_written_again(tmp_path, config: TownConfig):
    ledger = sample_files(WEEK5)[0]
    db = tmp_path / "s.duckdb"
    digest = archive.sha256(ledger)
    short = archive.copy_path(db, digest, ledger.name)
    short.parent.mkdir(parents=True)
    short.write_bytes(ledger.read_bytes()[:100])  # renamed into place, its blocks never written

    (outcome,) = load_files([ledger], db=db, config=config, today=DAY)
    assert outcome.outcome in ("loaded", "loaded_with_warnings") and outcome.rows_new > 0
    assert short.read_bytes() == ledger.read_bytes()
    # and a whole copy is reused as it is
    before = short.stat().st_mtime_ns
    assert archive.keep(db, ledger) == (short, False) and short.stat().st_mtime_ns == before
