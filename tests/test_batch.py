"""A load of many files (etl.batch: staged at once, written in rounds) gives the store, outcomes and warnings
that loading the same files one by one gives (etl.load.load_file, as an undo replays them)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import batch, merge, publish
from etl.load import FileOutcome, load_file, load_files
from firedash.config import TownConfig
from tests.ledgers import write_xlsx
from tests.test_load import WEEK1, WEEK2

DAY = dt.date(2024, 3, 1)
RECT_HEADER = ("序号", "隐患编号", "整改完成时间", "复查人", "复查时间", "是否销号", "整改资金（元）")
NATURAL_HEADER = ("序号", "检查日期", "所属村", "场所名称", "存在问题", "整改时限", "整改状态")


def store_tables(db: Path) -> dict[str, list[tuple]]:
    """Every table, every column but the times of loading, rows sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        out = {}
        for name in tables:
            columns = [
                c
                for c, kind in con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                    [name],
                ).fetchall()
                if not kind.startswith("TIMESTAMP")
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            out[name] = con.execute(f'SELECT {select} FROM "{name}" ORDER BY ALL').fetchall()  # noqa: S608
        return out


def one_by_one(files: list[Path], db: Path, config: TownConfig) -> list[FileOutcome]:
    """Each file in its own transaction, as the loader did before batches (and an undo's replay does)."""
    loader = partial(load_file, config=config, today=DAY)
    with publish.session(db, settings=config.intake) as session:
        return [session.load(f, loader, stated=None, today=DAY) for f in files]


def same_samples(together: list[FileOutcome], apart: list[FileOutcome]) -> bool:
    """The first rows each file shows on the upload page are the same, values and types."""
    for a, b in zip(together, apart, strict=True):
        if (a.sample is None) != (b.sample is None):
            return False
        if a.sample is not None:
            pd.testing.assert_frame_equal(a.sample, b.sample)
    return True


@pytest.fixture
def slow_publish(config: TownConfig) -> TownConfig:
    """One chunk for the whole batch: the load is never due to publish midway."""
    return dataclasses.replace(config, intake=dataclasses.replace(config.intake, publish_every_seconds=3600))


@pytest.fixture
def ledgers(tmp_path: Path) -> list[Path]:
    """A new village file, a second village's with a row kept aside, a refused file, a 销号 ledger pointing at
    the first file's hazards, the next week (an update and a new hazard), the first file re-sent byte for byte
    and under a new name, and the second village's next week (its natural-key hazard rectified)."""
    folder = tmp_path / "in"
    folder.mkdir()
    week1 = write_xlsx(folder / "东河村台账_2023-12-10.xlsx", WEEK1, report_line="填报日期：2023年12月10日")
    xiling = [
        (1, "2023-12-06", "西岭村", "西岭 卫生室", "电热毯 违规使用", "12月20日前", "未整改"),
        (2, None, "西岭村", "西岭小卖部", "插座老化", "12月20日前", "未整改"),  # no found date: kept aside
    ]
    xiling1 = write_xlsx(
        folder / "西岭村_1.xlsx", xiling, header=NATURAL_HEADER, report_line="填报日期：2023-12-10"
    )
    broken = folder / "南坪村台账.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    rect = write_xlsx(
        folder / "销号台账.xlsx",
        [(1, "DH-001", "2023-12-12", "王五", "2023-12-13", "是", 800), (2, "DH-999", "2023-12-12", "王五", None, None, 0)],
        header=RECT_HEADER, title="整改销号台账", report_line="填报日期：2023-12-14",
    )  # fmt: skip
    week2 = write_xlsx(folder / "东河村台账_2023-12-17.xlsx", WEEK2, report_line="填报日期：2023-12-17")
    resent = shutil.copyfile(week1, folder / "东河村台账_2023-12-10（重发）.xlsx")
    renamed = write_xlsx(
        folder / "东河村台账-再次报送.xlsx", WEEK1, report_line="填报日期：2023年12月10日", title="东河村台账"
    )
    xiling2 = write_xlsx(
        folder / "西岭村_2.xlsx", [(1, "2023/12/6", "西岭村民委员会", "西岭卫生室", "电热毯违规使用", "12月20日前", "已整改")],
        header=NATURAL_HEADER, report_line="填报日期：2023-12-17",
    )  # fmt: skip
    return [week1, xiling1, broken, rect, week2, resent, renamed, xiling2]


def test_a_batch_gives_the_store_and_outcomes_of_loading_one_by_one(
    tmp_path, slow_publish, ledgers, monkeypatch
):
    rounds = []
    write_round = batch._write_round
    monkeypatch.setattr(
        batch, "_write_round", lambda con, r, *a, **k: rounds.append(len(r)) or write_round(con, r, *a, **k)
    )
    monkeypatch.setattr(batch, "_one_by_one", lambda *a: pytest.fail("a round fell back to one by one"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    batched = load_files(ledgers, db=tmp_path / "a" / "s.duckdb", config=slow_publish, today=DAY)
    alone = one_by_one(ledgers, tmp_path / "b" / "s.duckdb", slow_publish)
    together, apart = [o.as_dict() for o in batched], [o.as_dict() for o in alone]

    assert together == apart
    assert same_samples(batched, alone) and len(batched[4].sample) == 4  # week 2: DH-001 … DH-004
    assert store_tables(tmp_path / "a" / "s.duckdb") == store_tables(tmp_path / "b" / "s.duckdb")
    # what the files did, so that two equally wrong loads do not pass
    outcomes = [(o["outcome"], o["rows_new"], o["rows_updated"], o["rows_unchanged"], o["rows_kept_aside"]) for o in together]  # fmt: skip
    assert [o[0] for o in outcomes] == [
        "loaded", "loaded", "refused", "loaded", "loaded", "unchanged", "loaded", "loaded",
    ]  # fmt: skip
    assert outcomes[1][1] == 1 and outcomes[1][4] == 1  # 西岭: one hazard, one row kept aside
    assert outcomes[3][2] == 1 and outcomes[3][4] == 1  # 销号: DH-001 closed, DH-999 points nowhere
    assert outcomes[4][1:3] == (1, 1)  # next week: DH-004 new, DH-001 already closed, DH-002/003 unchanged
    assert outcomes[6][1:3] == (0, 0) and outcomes[7][1:3] == (0, 1)  # the re-send changes nothing
    # several files a round, and the 销号 ledger not in the round of the file whose hazards it closes
    assert len(rounds) < len(ledgers) - 2 and max(rounds) > 1
    # the byte-for-byte re-send made the chunk be written before it was looked up
    assert together[5]["reason"] == apart[5]["reason"]


def test_a_round_that_fails_is_written_one_by_one_and_only_the_bad_file_is_refused(
    tmp_path, slow_publish, ledgers, monkeypatch
):
    from etl import load

    write = load._write

    def fails_for_week2(con, import_id, path, digest, parsed):  # noqa: ANN001, ANN202
        if path.name == "东河村台账_2023-12-17.xlsx":
            raise RuntimeError("disk full")
        return write(con, import_id, path, digest, parsed)

    monkeypatch.setattr(batch, "_write_round", lambda *a, **k: None)  # every round fails as a whole
    monkeypatch.setattr(load, "_write", fails_for_week2)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    together = [
        o.as_dict()
        for o in load_files(ledgers, db=tmp_path / "a" / "s.duckdb", config=slow_publish, today=DAY)
    ]
    apart = [o.as_dict() for o in one_by_one(ledgers, tmp_path / "b" / "s.duckdb", slow_publish)]
    assert together == apart
    assert [o["outcome"] for o in together][4] == "refused" and "disk full" in together[4]["reason"]
    assert store_tables(tmp_path / "a" / "s.duckdb") == store_tables(tmp_path / "b" / "s.duckdb")


@pytest.fixture
def rectification_first(tmp_path: Path) -> list[Path]:
    """A 销号 ledger sent before the village file that first names its hazards (DH-001 closed, DH-003), then a
    second village's file that touches neither: on its own the 销号 ledger points at hazards not yet known."""
    folder = tmp_path / "in"
    folder.mkdir()
    rect = write_xlsx(
        folder / "销号台账.xlsx",
        [(1, "DH-001", "2023-12-12", "王五", "2023-12-13", "是", 800), (2, "DH-003", "2023-12-12", "王五", None, None, 0)],
        header=RECT_HEADER, title="整改销号台账", report_line="填报日期：2023-12-14",
    )  # fmt: skip
    week1 = write_xlsx(folder / "东河村台账_2023-12-10.xlsx", WEEK1, report_line="填报日期：2023年12月10日")
    xiling = write_xlsx(
        folder / "西岭村_1.xlsx", [(1, "2023-12-06", "西岭村", "西岭卫生室", "电热毯违规使用", "12月20日前", "未整改")],
        header=NATURAL_HEADER, report_line="填报日期：2023-12-10",
    )  # fmt: skip
    return [rect, week1, xiling]


def own_rows_only(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A weakened round rule: a file touches only the tickets of its own rows, not those its 整改 rows could
    point at once an earlier file of the round is written."""
    return con.execute(f"SELECT DISTINCT ticket_id, import_id FROM {table}").df()  # noqa: S608 -- a constant


def test_a_rectification_file_before_the_file_that_creates_its_hazards_is_written_in_an_earlier_round(
    tmp_path, slow_publish, rectification_first, monkeypatch
):
    rounds = []
    write_round = batch._write_round
    monkeypatch.setattr(
        batch,
        "_write_round",
        lambda con, r, *a, **k: rounds.append([p.path.name for p in r]) or write_round(con, r, *a, **k),
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    batched = load_files(rectification_first, db=tmp_path / "a" / "s.duckdb", config=slow_publish, today=DAY)
    alone = one_by_one(rectification_first, tmp_path / "b" / "s.duckdb", slow_publish)

    assert [o.as_dict() for o in batched] == [o.as_dict() for o in alone]
    assert store_tables(tmp_path / "a" / "s.duckdb") == store_tables(tmp_path / "b" / "s.duckdb")
    # the 销号 rows point at nothing yet: both kept aside, DH-001 stays open; the 西岭 file joins the 东河 round
    assert [(o.rows_new, o.rows_updated, o.rows_rejected) for o in batched] == [
        (0, 0, 2),
        (3, 0, 0),
        (1, 0, 0),
    ]
    assert rounds == [["销号台账.xlsx"], ["东河村台账_2023-12-10.xlsx", "西岭村_1.xlsx"]]
    with duckdb.connect(str(tmp_path / "a" / "s.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT status, closed_date FROM tickets WHERE hazard_no = 'DH-001'"
        ).fetchall() == [("open", None)]


def test_with_a_weakened_round_rule_the_same_files_load_otherwise(
    tmp_path, slow_publish, rectification_first, monkeypatch
):
    """The test above can tell: in one round the 销号 rows find the hazards the next file creates."""
    monkeypatch.setattr(merge, "touched", own_rows_only)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    batched = load_files(rectification_first, db=tmp_path / "a" / "s.duckdb", config=slow_publish, today=DAY)
    alone = one_by_one(rectification_first, tmp_path / "b" / "s.duckdb", slow_publish)
    assert batched[0].rows_rejected == 0 and alone[0].rows_rejected == 2
    assert store_tables(tmp_path / "a" / "s.duckdb") != store_tables(tmp_path / "b" / "s.duckdb")


def test_a_single_round_that_fails_after_taking_the_chunks_stage_is_written_one_by_one(
    tmp_path, slow_publish, ledgers, monkeypatch
):
    """A round of the whole chunk takes the chunk's stage as its own (etl.merge.restage, whole): rolled back,
    the chunk's stage is there again for the files written one by one (a refused one renumbers the rest)."""
    from etl import records

    record = records.record_imports
    calls = []

    def fails(con, written):  # noqa: ANN001, ANN202
        calls.append([w.path.name for w in written])
        if calls[-1][0].startswith("东河村台账_2023-12-10"):
            raise RuntimeError("disk full")
        return record(con, written)

    monkeypatch.setattr(records, "record_imports", fails)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = [ledgers[0], ledgers[1]]  # 东河 and 西岭: disjoint, one round of the whole chunk
    together = load_files(files, db=tmp_path / "a" / "s.duckdb", config=slow_publish, today=DAY)
    assert calls[0] == [f.name for f in files] and len(calls) == 3  # the round, then each file alone
    alone = one_by_one(files, tmp_path / "b" / "s.duckdb", slow_publish)
    assert [o.outcome for o in together] == ["refused", "loaded"] and "disk full" in together[0].reason
    assert [o.as_dict() for o in together] == [o.as_dict() for o in alone]
    assert store_tables(tmp_path / "a" / "s.duckdb") == store_tables(tmp_path / "b" / "s.duckdb")
