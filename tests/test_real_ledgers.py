"""Real public hazard ledgers nobody on this project wrote (../shared/real-ledgers/) read the way a careful
reader counts them (its README): loaded with etl.load into a real store, counted with metrics.summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.headers import find_header
from etl.load import load_files
from etl.readers import read_ledger
from firedash.config import TownConfig, load_config
from metrics.summary import summary

LEDGERS = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "real-ledgers"
if not LEDGERS.is_dir():
    LEDGERS = Path("/work/shared/real-ledgers")
pytestmark = pytest.mark.skipif(not LEDGERS.is_dir(), reason="../shared/real-ledgers/ is not here")

D = dt.date
JIANSHE = "建设系统安全隐患库（建设部8.7).xlsx"
YIDU = "宜都兴发湿法磷酸项目 现场隐患排查与治理统计表 2019.06.xlsx"
EXPORT = "20200527附件1：软件导出：隐患排查治理汇总清单.xlsx"
HAZARDS_20 = "hazards_20.xlsx"
# file → (the village its file or sheet name carries, campaign start, campaign end), as the check tool uses.
TOWNS = {
    JIANSHE: ("建设系统", D(2024, 6, 1), D(2025, 8, 31)),
    YIDU: ("宜都兴发湿法磷酸项目", D(2019, 5, 1), D(2019, 6, 30)),
    EXPORT: ("汇总清单", D(2020, 4, 1), D(2020, 5, 31)),
    HAZARDS_20: ("导入模板", D(2026, 3, 1), D(2026, 4, 30)),
    "安全检查导入模板.xls": ("安全检查", D(2020, 1, 1), D(2020, 12, 31)),
    "隐患排查标准导入模板.xls": ("锅炉", D(2020, 1, 1), D(2020, 12, 31)),
}


def town(tmp_path: Path, name: str) -> TownConfig:
    village, start, end = TOWNS[name]
    path = tmp_path / "town.toml"
    path.write_text(
        f'town = "检验"\nvillages = ["{village}"]\n[campaign]\nname = "检验"\nstart = {start}\nend = {end}\n'
        f'[[campaign.phases]]\nname = "全程"\nstart = {start}\nend = {end}\n',
        encoding="utf-8",
    )
    return load_config(path)


def figures(db: Path, as_of: dt.date, keys: tuple[str, ...]) -> dict[str, int]:
    if not db.exists():
        return dict.fromkeys(keys, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        row = summary(con, as_of=as_of).iloc[0]
    return {key: int(row[key]) for key in keys}


def load(tmp_path: Path, name: str):
    config = town(tmp_path, name)
    db = tmp_path / "store.duckdb"
    (outcome,) = load_files([LEDGERS / name], db=db, config=config)
    return outcome, db


CASES = [
    pytest.param(YIDU, D(2019, 6, 30), {"found": 38, "rectified": 38, "closed": 38, "overdue": 0}, id="yidu"),
    pytest.param(
        EXPORT, D(2020, 5, 31), {"found": 57, "rectified": 57, "closed": 57, "overdue": 0}, id="export"
    ),
    pytest.param(
        HAZARDS_20,
        D(2026, 4, 30),
        {"found": 20, "rectified": 20, "overdue": 0, "major_found": 20},
        id="h20-april",
    ),
    pytest.param(
        HAZARDS_20, D(2026, 3, 31), {"found": 20, "rectified": 0, "major_found": 20}, id="h20-march"
    ),
    pytest.param("安全检查导入模板.xls", D(2020, 12, 31), {"found": 0}, id="check-template"),
    pytest.param("隐患排查标准导入模板.xls", D(2020, 12, 31), {"found": 0}, id="standard-template"),
]


@pytest.mark.parametrize("name, as_of, want", CASES)
def test_a_real_ledger_gives_what_a_careful_reader_counts(
    tmp_path: Path, name: str, as_of: dt.date, want: dict[str, int]
) -> None:
    outcome, db = load(tmp_path, name)
    assert figures(db, as_of, tuple(want)) == want
    assert outcome.rows_rejected == 0


def test_the_construction_ledger_reads_every_row_of_both_sheets(tmp_path: Path) -> None:
    # 隐患等级 3 / 3级 / 5级 / 一般3级 and 销号情况 已整改 / 现场处置 … are read: the 18 rows of sheet 2 that
    # repeat sheet 1 update those hazards, and the header block and the 填写要求 note are no ledger rows.
    outcome, db = load(tmp_path, JIANSHE)
    assert figures(db, D(2025, 8, 31), ("found",)) == {"found": 117}
    assert outcome.rows_read == 135
    assert outcome.rejected == [] and outcome.rows_repeated == 18
    issues = [i for result in outcome_results(tmp_path, JIANSHE) for i in result.issues]
    assert [i for i in issues if i.field in ("severity", "closed_flag")] == []


def test_the_construction_ledger_figures(tmp_path: Path) -> None:
    _, db = load(tmp_path, JIANSHE)
    assert figures(db, D(2025, 8, 31), ("found", "rectified", "overdue")) == {
        "found": 117,
        "rectified": 115,
        "overdue": 2,
    }


def outcome_results(tmp_path: Path, name: str):
    from etl.load import _parse  # the sheets as normalised, with their issues

    return _parse(LEDGERS / name, config=town(tmp_path, name), report_date=None, today=D(2030, 1, 1)).results


def test_each_row_of_the_construction_ledger_reads_its_status(tmp_path: Path) -> None:
    first, second = outcome_results(tmp_path, JIANSHE)
    # 销号情况 holds the status: 已整改/整改完成/现场处置 rectified, 已整改销号/已销号 closed, 整改中, 待整改.
    assert first.frame["status"].value_counts(dropna=False).to_dict() == {
        "rectified": 101,
        "in_progress": 3,
        None: 1,
    }
    assert second.frame["status"].value_counts(dropna=False).to_dict() == {
        "rectified": 28,
        "open": 1,
        None: 1,
    }
    assert (int(first.frame["closed"].sum()), int(second.frame["closed"].sum())) == (5, 2)
    # A time of day (2024-06-22 10:30) or a dotted text date (2025.7.17) are found dates like the others.
    assert first.frame["found_date"].notna().all() and second.frame["found_date"].notna().all()
    # 序号 27 of sheet 2 (Excel row 29) is shifted one column right: its 整改完成日期 cell says 已整改, listed.
    assert [(i.row_number, i.column, i.value) for i in second.issues] == [(29, "整改完成日期", "已整改")]
    # 整改期限 written with a time of day (2024-08-13 08:30:00) is a deadline, not an issue.
    assert first.issues == []


REPORT_DATES = [
    pytest.param(YIDU, (D(2019, 6, 25), "title"), id="band-over-the-header"),
    pytest.param(EXPORT, (D(2020, 5, 24), "workbook_saved"), id="docprops"),
    pytest.param(HAZARDS_20, (D(2026, 4, 15), "workbook_saved"), id="docprops-h20"),
    pytest.param(JIANSHE, (D(2025, 8, 21), "workbook_saved"), id="docprops-2-sheets"),
]


@pytest.mark.parametrize("name, expected", REPORT_DATES)
def test_the_report_date_and_where_it_came_from(tmp_path: Path, name: str, expected: tuple) -> None:
    from etl.report_date import decide_report_date  # here: the module is new, the other tests run without it

    sheets = read_ledger(LEDGERS / name)
    headers = [find_header(sheet) for sheet in sheets]
    decided = decide_report_date(
        LEDGERS / name, sheets, headers, config=town(tmp_path, name), cli=None, today=D(2030, 1, 1)
    )
    assert (decided.date, decided.source) == expected
    cli = decide_report_date(
        LEDGERS / name, sheets, headers, config=town(tmp_path, name), cli=D(2019, 1, 2), today=D(2030, 1, 1)
    )
    assert (cli.date, cli.source, set(cli.sheets)) == (D(2019, 1, 2), "cli", {D(2019, 1, 2)})
