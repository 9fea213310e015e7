"""The sample town: the generator is deterministic, data/sample is what it writes, and loading it tells the story."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import re
from pathlib import Path

import pytest
import python_calamine

from firedash.config import TownConfig
from firedash.store import connect
from sample_town import DEFAULT_SEED, generate
from sample_town.story import LAGGING, MAJORS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
LEDGER_SUFFIXES = {".xlsx", ".xls", ".csv"}
END = dt.date(2024, 3, 31)


def _ledgers(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in LEDGER_SUFFIXES)


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in _ledgers(root)
    }


def _cells(path: Path) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return [row for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, config: TownConfig) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out, seed=DEFAULT_SEED, config=config)
    return out


def test_two_runs_write_the_same_files_byte_for_byte(
    generated: Path, tmp_path: Path, config: TownConfig
) -> None:
    # The second run stops after five weeks to keep the test fast; the whole campaign is drawn either way.
    generate(tmp_path, seed=DEFAULT_SEED, config=config, until=dt.date(2023, 12, 31))
    first, second = _digests(generated), _digests(tmp_path)
    assert 40 < len(second) < len(first)
    assert second == {name: digest for name, digest in first.items() if name < "2024"}


def test_another_seed_tells_another_story(generated: Path, tmp_path: Path, config: TownConfig) -> None:
    generate(tmp_path, seed=DEFAULT_SEED + 1, config=config, until=dt.date(2023, 12, 3))
    week = "2023-12-03_第5周"
    ours, theirs = _ledgers(generated / week), _ledgers(tmp_path / week)
    assert [p.name for p in ours] == [p.name for p in theirs]
    assert all(_cells(a)[4] != _cells(b)[4] for a, b in zip(ours, theirs, strict=True) if a.suffix != ".csv")


def test_the_committed_sample_is_what_the_generator_writes(generated: Path) -> None:
    committed, fresh = _digests(SAMPLE), _digests(generated)
    assert sorted(committed) == sorted(fresh), "文件列表不同：请运行 make sample 并提交 data/sample"
    changed = [name for name in fresh if committed[name] != fresh[name]]
    assert not changed, f"内容不同（请运行 make sample 并提交）：{changed[:3]}"


def test_generating_again_replaces_old_week_folders_and_keeps_the_readme(
    tmp_path: Path, config: TownConfig
) -> None:
    stale = tmp_path / "2023-11-26_第4周"
    stale.mkdir()
    (stale / "旧台账.xlsx").write_bytes(b"old")
    (tmp_path / "README.md").write_text("说明", encoding="utf-8")
    generate(tmp_path, seed=7, config=config, until=dt.date(2023, 12, 3))
    assert not stale.exists() and (tmp_path / "2023-12-03_第5周").is_dir()
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "说明"


def test_one_folder_per_reporting_week_in_chronological_order(generated: Path, config: TownConfig) -> None:
    folders = sorted(p.name for p in generated.iterdir() if p.is_dir())
    days = [dt.date.fromisoformat(name[:10]) for name in folders]
    assert folders[0] == "2023-12-03_第5周" and folders[-1] == "2024-03-31_第22周"
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(days, days[1:], strict=False))
    assert all(
        name.endswith(f"_第{config.campaign.week_number(day)}周")
        for name, day in zip(folders, days, strict=True)
    )


def test_the_sample_stays_small(generated: Path) -> None:
    files = _ledgers(generated)
    assert 200 <= len(files) <= 250
    assert sum(p.stat().st_size for p in files) < 10_000_000


def test_the_ledgers_come_in_the_shapes_villages_send(generated: Path) -> None:
    last = generated / "2024-03-31_第22周"
    suffixes = sorted(p.suffix for p in last.iterdir())
    assert suffixes.count(".xls") == 1 and suffixes.count(".csv") == 1
    csv_bytes = next(last.glob("*.csv")).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        csv_bytes.decode("utf-8")
    assert csv_bytes.decode("gb18030").startswith("大同镇今冬明春火灾防控部门联查隐患清单")
    assert b"\r\n" in csv_bytes
    community = python_calamine.CalamineWorkbook.from_path(str(next(last.glob("社区*.xlsx"))))
    assert community.sheet_names == ["新华社区", "城关社区", "大同街社区"]
    donghe = _cells(next(last.glob("东河村*.xlsx")))
    assert donghe[0][0] == "《大同镇东河村今冬明春火灾隐患排查整改台账》"
    assert donghe[1][0].endswith("填报日期：2024年3月31日")
    assert "整改情况" in donghe[2] and "是否整改" in donghe[3] and "整改完成时间" in donghe[3]


@pytest.mark.parametrize(
    ("village", "column", "pattern"),
    [
        ("西岭村", "检查时间", r"^2\d{3}\.\d{1,2}\.\d{1,2}$"),
        ("南坪村", "发现时间", r"^2\d{3}/\d{1,2}/\d{1,2}$"),
        ("石桥村", "检查日期", r"^2\d{3}年\d{1,2}月\d{1,2}日$"),
        ("杨家庄村", "排查时间", r"^\d{1,2}月\d{1,2}日$"),
        ("高坎村", "检查日期", r"^2\d{3}-\d{2}-\d{2}$"),
    ],
)
def test_villages_write_dates_their_own_way(generated: Path, village: str, column: str, pattern: str) -> None:
    rows = _cells(next((generated / "2024-01-07_第10周").glob(f"{village}*")))
    header = next(i for i, row in enumerate(rows) if column in row)
    at = rows[header].index(column)
    dates = [row[at] for row in rows[header + 1 :] if isinstance(row[0], float | int) and row[at]]
    assert len(dates) > 10
    assert all(re.match(pattern, text) for text in dates)


def test_the_lagging_village_misses_some_weeks(generated: Path) -> None:
    weeks_with = [p.parent.name[:10] for p in generated.glob("*/黄土坡村*")]
    weeks_all = [p.name[:10] for p in generated.iterdir() if p.is_dir()]
    assert sorted(set(weeks_all) - set(weeks_with)) == [
        "2023-12-03", "2023-12-10", "2024-01-14", "2024-02-11", "2024-02-18", "2024-03-10",
    ]  # fmt: skip


# --- The story, once loaded ---------------------------------------------------------------------------
# Ledgers are cumulative, so the last week holds the whole story; one earlier 南坪村 ledger, with the found
# date still missing, shows the village fixing it. (Loading all 250 files takes about a minute: too slow here.)
LAST_WEEK = SAMPLE / "2024-03-31_第22周"
BEFORE_FIX = SAMPLE / "2024-01-07_第10周"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, config: TownConfig) -> Path:
    load = pytest.importorskip("etl.load")
    db = tmp_path_factory.mktemp("sample_store") / "store.duckdb"
    files = [*BEFORE_FIX.glob("南坪村*"), *_ledgers(LAST_WEEK)]
    outcomes = load.load_files(files, db=db, config=config)
    refused = [(o.path.name, o.reason) for o in outcomes if o.outcome == "refused"]
    assert not refused
    return db


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_the_town_finds_about_a_thousand_hazards(store: Path) -> None:
    (tickets,) = _query(store, "SELECT count(*) FROM tickets")[0]
    assert 900 <= tickets <= 1400


def test_each_file_is_dated_by_the_report_date_in_its_title(store: Path) -> None:
    dates = dict(_query(store, "SELECT file_name, report_date FROM imports"))
    assert len(dates) == 1 + len(_ledgers(LAST_WEEK))
    assert dates["南坪村今冬明春隐患台账_第10周.xlsx"] == dt.date(2024, 1, 7)
    assert dates["北山村隐患排查整改台账20240329.xls"] == dt.date(2024, 3, 29)  # sent on Friday
    assert {d for name, d in dates.items() if "南坪村" not in name} == {
        END - dt.timedelta(days=n) for n in (0, 1, 2)
    }


def test_the_planted_bad_rows_are_kept_aside_with_their_reasons(store: Path) -> None:
    rows = _query(store, "SELECT file_name, village, reason, raw_values FROM rejected_rows")
    by_kind = {
        "unknown village": [r for r in rows if "清水村" in r[3]],
        "impossible date": [r for r in rows if "2024.2.30" in r[3]],
        "no found date": [r for r in rows if r[1] == "南坪村" and "补填" not in r[3]],
    }
    assert {kind: bool(found) for kind, found in by_kind.items()} == dict.fromkeys(by_kind, True)
    assert all("村" in r[2] for r in by_kind["unknown village"])
    assert all("日期" in r[2] for r in by_kind["impossible date"] + by_kind["no found date"])
    # 见附件 is an unreadable status, not a missing essential: the hazard loads, status unknown (not rectified).
    assert not [r for r in rows if "见附件" in r[3]]
    unknown = _query(
        store,
        "SELECT village, status, rectified_date FROM tickets WHERE unit = '2组周长家' AND found_date = '2024-01-09'",
    )
    assert unknown == [("杨家庄村", "open", None)]


def test_the_missing_found_date_is_filled_in_a_later_week(store: Path) -> None:
    rejected_in = _query(
        store,
        """SELECT i.report_date, r.reason FROM rejected_rows r JOIN imports i USING (import_id)
        WHERE r.village = '南坪村'""",
    )
    assert [(day, "排查日期" in reason) for day, reason in rejected_in] == [(dt.date(2024, 1, 7), True)]
    fixed = _query(store, "SELECT found_date FROM tickets WHERE village = '南坪村' AND note = '补填排查日期'")
    assert fixed == [(dt.date(2023, 12, 14),)]


def test_major_hazards_and_county_supervision(store: Path) -> None:
    majors = _query(
        store,
        """SELECT county_supervised, rectified_date IS NOT NULL AND rectified_date <= ?
        FROM tickets WHERE severity = 'major'""",
        [END],
    )
    supervised = [done for flag, done in majors if flag]
    assert len(majors) == len(MAJORS)
    assert len(supervised) == sum(1 for m in MAJORS if m[2]) == 4
    assert supervised.count(False) == 1  # one 挂牌督办 still open at the end


def test_the_lagging_villages_have_the_lowest_rates(store: Path) -> None:
    rates = _query(
        store,
        """SELECT village, count(*) FILTER (WHERE rectified_date <= ?) / count(*) AS rate
        FROM tickets WHERE found_date <= ? GROUP BY village ORDER BY rate, village""",
        [END, END],
    )
    assert {village for village, _ in rates[:3]} == set(LAGGING)
    assert rates[2][1] < 0.7 < rates[3][1]


def test_some_are_rectified_late_and_some_struck_off(store: Path) -> None:
    late, closed, overdue = _query(
        store,
        """SELECT count(*) FILTER (WHERE rectified_date > deadline),
                  count(*) FILTER (WHERE closed_date <= ?),
                  count(*) FILTER (WHERE (rectified_date IS NULL OR rectified_date > ?) AND deadline < ?)
        FROM tickets""",
        [END, END, END],
    )[0]
    assert 10 <= late <= 120
    assert 5 <= closed <= 60
    assert overdue >= 50


def test_the_benchmark_ledger_has_the_generator_shapes_and_loads_whole(
    tmp_path: Path, config: TownConfig
) -> None:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "bench_load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "bench.xlsx"
    bench.build_ledger(path, 300)
    book = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert ((2, 0), (3, 0)) in book.merged_cell_ranges and ((2, 17), (2, 18)) in book.merged_cell_ranges
    assert book.to_python()[3][17:19] == ["是否整改", "整改完成时间"]
    load = pytest.importorskip("etl.load")
    (outcome,) = load.load_files([path], db=tmp_path / "bench.duckdb", config=config)
    assert (outcome.outcome, outcome.rows_new, outcome.rows_rejected) == ("loaded", 300, 0)


def test_the_sample_readme_gives_the_figures_the_whole_sample_loads_to(
    tmp_path_factory: pytest.TempPathFactory, config: TownConfig
) -> None:
    """The story line of data/sample/README.md, as every ledger of the sample loads (in folder order)."""
    from metrics.summary_report import summary_payload
    from tests.test_pages import sample_store_path

    line = next(
        line for line in (SAMPLE / "README.md").read_text(encoding="utf-8").splitlines() if "已销号" in line
    )
    words = ("排查隐患", "已整改", "超期未整改", "已销号", "逾期整改")
    stated = {word: int(re.search(rf"{word} (\d+) 处", line)[1]) for word in words}
    con = connect(sample_store_path(tmp_path_factory), read_only=True)
    try:
        figures = summary_payload(con, config=config, as_of=END)
    finally:
        con.close()
    keys = ("found", "rectified", "overdue", "closed", "rectified_late")
    assert {word: figures[key] for word, key in zip(words, keys, strict=True)} == stated
