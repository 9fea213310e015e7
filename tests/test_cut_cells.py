"""A cell cut by the reader (longer than a cell may be) is a data issue of the load: stored, counted, shown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from firedash.glossary import label
from tests.ledger_files import write_csv
from tests.test_pages import on_store, open_app  # noqa: F401 -- on_store is a fixture
from tests.test_reader_limits import LONG_REASON, long_cell_workbook

ROOT = Path(__file__).resolve().parent.parent
TEXT = "楼道堆放杂物电动车" * 4_445  # 40,005 characters
HEADER = ["村（社区）", "排查日期", "隐患描述"]


def csv_ledger(tmp_path: Path) -> Path:
    rows = [
        ["填报日期：2023年12月10日"],
        HEADER,
        ["东河村", "2023-12-06", "灭火器过期"],
        ["西岭村", "2023-12-07", TEXT],
    ]
    return write_csv(tmp_path / "西岭村台账.csv", rows)


def load_json(db: Path, ledger: Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "load",
            "--json",
            "--db",
            str(db),
            "--report-date",
            "2023-12-10",
            str(ledger),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (outcome,) = json.loads(done.stdout)
    return outcome


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_cut_cell_of_a_loaded_file_is_stored_and_counted(tmp_path: Path, kind: str) -> None:
    ledger = long_cell_workbook(tmp_path, TEXT, "西岭村台账.xlsx") if kind == "xlsx" else csv_ledger(tmp_path)
    db = tmp_path / "store.duckdb"
    outcome = load_json(db, ledger)
    assert (outcome["rows_new"], outcome["data_issues"]) == (2, 1)
    sheet, row = ("S", 3) if kind == "xlsx" else ("西岭村台账", 4)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            'SELECT sheet, row_number, "column", field, value, problem FROM data_issues'
        ).fetchall()
        (length,) = con.execute("SELECT length(description) FROM tickets WHERE village = '西岭村'").fetchone()
    # Named by the header as written, like the loader's own data issues; the hazard loads with the cut text.
    assert stored == [(sheet, row, "隐患描述", None, TEXT[:40] + "…", LONG_REASON.format(40_005))]
    assert length == 32_767


def test_a_cut_cell_in_a_title_row_keeps_its_column_letter(tmp_path: Path) -> None:
    rows = [["填报日期：2023年12月10日", TEXT], HEADER, ["东河村", "2023-12-06", "灭火器过期"]]
    outcome = load_json(tmp_path / "store.duckdb", write_csv(tmp_path / "东河村台账.csv", rows))
    assert outcome["data_issues"] == 1
    with duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True) as con:
        assert con.execute('SELECT row_number, "column" FROM data_issues').fetchall() == [(1, "B")]


def test_the_quality_page_lists_a_cut_cell(tmp_path: Path, on_store) -> None:  # noqa: F811
    db = tmp_path / "store.duckdb"
    load_json(db, long_cell_workbook(tmp_path, TEXT, "西岭村台账.xlsx"))
    app = open_app(on_store(db), "app_pages/quality.py", as_of="2023-12-20")
    assert not app.exception, [e.value for e in app.exception]
    issues = next(frame.value for frame in app.dataframe if label("problem") in frame.value.columns)
    shown = issues[[label("row_number"), label("column"), label("problem")]].values.tolist()
    assert shown == [[3, "隐患描述", LONG_REASON.format(40_005)]]
