"""Benchmark the loader: `python -m etl load --help`, the bundled sample store, one week of it, and a
100,000-row ledger (bare reads by python-calamine, fastexcel, openpyxl; load; reload).

Run with `make bench` (or `python bench/bench_load.py [--rows N] [--repeat N] [--skip-openpyxl]`).
The ledger is written once to bench/out/ and reused; every timed step runs --repeat times, the median shown
(the whole sample store --sample-repeat times).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import fastexcel  # noqa: E402
import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402
import xlsxwriter  # noqa: E402

from firedash.config import load_config  # noqa: E402
from sample_town import vocab  # noqa: E402
from sample_town.cells import date_cell  # noqa: E402

OUT = ROOT / "bench" / "out"
HEADER = (
    "序号", "隐患编号", "排查日期", "村（社区）", "单位名称", "地址", "场所类型", "隐患类别", "隐患描述", "隐患等级",
    "是否挂牌督办", "整改措施", "整改期限", "责任单位", "责任人", "联系电话", "检查方式", "整改情况", None,
    "复查人", "复查时间", "是否销号", "整改资金（元）", "备注",
)  # fmt: skip
STATUS_COLUMN = HEADER.index("整改情况")
DATE_FORMS = ("excel", "excel", "excel", "dot", "slash", "cn", "md", "iso", "serial")
VILLAGE_SUFFIXES = ("", "", "委会", "民委员会")
WORDS = {
    "open": ("未整改", "待整改", "限期整改"),
    "in_progress": ("整改中", "正在整改", "部分整改"),
    "rectified": ("已整改", "整改完成", "已完成", "完成"),
}
TARGETS = {"load_vs_read": 2.0, "peak_mb": 1024.0, "sample_vs_read": 6.0, "week_s": 1.0,
           "help_s": 0.5}  # fmt: skip
SAMPLE = ROOT / "data" / "sample"
LEDGER_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}


def ledger_path(rows: int) -> Path:
    return OUT / f"bench_ledger_{rows}.xlsx"


def build_ledger(path: Path, rows: int, seed: int = 2023) -> None:
    """A combined 排查整改 ledger in the generator's shapes: title rows, a two-level merged header, 24 columns."""
    rng = random.Random(seed)
    villages = load_config().villages
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    book.set_properties({"author": "bench", "created": dt.datetime(2024, 3, 31, 17, 30)})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    ws = book.add_worksheet("隐患台账汇总")
    _write_head(ws, book)
    for i in range(rows):
        row = _row(rng, i + 1, villages[i % len(villages)])
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(i + 4, c, value, date_format)
            elif value is not None:
                ws.write(i + 4, c, value)
    ws.write(rows + 4, 0, "合计")
    ws.write(rows + 4, 8, f"共{rows}处")
    ws.write(rows + 6, 0, "填表人：王建国        审核人：李卫东")
    book.close()


def _write_head(ws, book) -> None:  # noqa: ANN001 - xlsxwriter objects
    """Title, 填报日期 and the two-level header, written strictly row by row as constant_memory requires."""
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    last = len(HEADER) - 1
    ws.merge_range(0, 0, 0, last, "《大同镇今冬明春火灾隐患排查整改台账（汇总）》", bold)
    ws.merge_range(1, 0, 1, last, "填报单位：镇应急办        填报日期：2024年3月31日", None)
    for c, name in enumerate(HEADER):
        if c == STATUS_COLUMN:
            ws.merge_range(2, c, 2, c + 1, name, bold)
        elif name is not None:
            ws.write(2, c, name, bold)
            # merge_range() would write row 3 before row 2 is done, and constant_memory drops late cells:
            # record the vertical merge directly, its lower cell stays empty as in Excel.
            ws.merge.append([2, c, 3, c])
    ws.write(3, STATUS_COLUMN, "是否整改", bold)
    ws.write(3, STATUS_COLUMN + 1, "整改完成时间", bold)


def _row(rng: random.Random, seq: int, village: str) -> list[object]:
    """One hazard with the value variety of sixteen villages' ledgers merged into one."""
    form = DATE_FORMS[seq % len(DATE_FORMS)]
    found = dt.date(2023, 11, 27) + dt.timedelta(days=rng.randrange(124))
    sector = rng.choice(tuple(vocab.UNITS))
    category = rng.choice(tuple(vocab.HAZARDS))
    description, measure = rng.choice(vocab.HAZARDS[category])
    status, rectified, deadline = _fate(rng, found, form)
    reviewed = (
        rectified + dt.timedelta(days=rng.randrange(2, 7)) if rectified and rng.random() < 0.5 else None
    )
    return [
        seq, f"DT-B{(seq - 1) % 16 + 1:02d}-{seq:06d}", date_cell(found, form), village + rng.choice(VILLAGE_SUFFIXES),
        f"{village}{rng.choice(vocab.SURNAMES)}记{sector}{seq % 97}号", f"{village}{rng.randrange(1, 10)}组",
        sector, category, description, rng.choice(("一般", "一般", "一般隐患", "较大")), rng.choice(("否", None)),
        measure, deadline, rng.choice(("应急办", "平安办", "村建环保办", village)),
        rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN), f"138****{seq % 10000:04d}",
        rng.choice(("基层排查", "部门联查", "双随机抽查", "暗访", "自查")), status,
        date_cell(rectified, form) if rectified else None, rng.choice(vocab.REVIEWERS) if reviewed else None,
        date_cell(reviewed, form) if reviewed else None, ("是" if rng.random() < 0.2 else "否") if reviewed else None,
        rng.choice((0, 200, 500, 1500)) if rectified else None, rng.choice(vocab.NOTE_WORDS) or None,
    ]  # fmt: skip


def _fate(rng: random.Random, found: dt.date, form: str) -> tuple[str, dt.date | None, object]:
    """整改情况, 整改完成时间 and 整改期限 (a date or 立即整改 / X月底前 / 长期)."""
    draw = rng.random()
    deadline: object = date_cell(found + dt.timedelta(days=rng.choice((7, 15, 30))), form)
    if form == "md":
        deadline = f"{found.month}月底前"
    elif draw < 0.05:
        deadline = "长期"
    elif draw < 0.15:
        deadline = "立即整改"
    if draw < 0.7:
        done = min(found + dt.timedelta(days=rng.randrange(0, 25)), dt.date(2024, 3, 31))
        return rng.choice(WORDS["rectified"]), done, deadline
    return rng.choice(WORDS["open"] + WORDS["in_progress"]), None, deadline


def read_calamine(path: Path) -> int:
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return len(sheet.to_python())


def read_fastexcel(path: Path) -> int:
    """fastexcel reading every cell as text into Arrow: the loader's own reader for .xlsx, bare."""
    return (
        fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string", eager=True).num_rows
    )


def read_openpyxl(path: Path) -> int:
    return len(pd.read_excel(path, engine="openpyxl", header=None))


def run_load(path: Path, db: Path) -> tuple[float, float, float]:
    """Load in a child process: (seconds of the load itself, wall seconds of the child, peak RSS in MB).

    The child imports the loader first and then times `load_files` alone: read, normalise, validate and
    write, without the interpreter's start-up and imports that the CLI also pays (reported apart).
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--child-load", str(path), str(db)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the load failed:\n{output}")
    return float(output.strip().splitlines()[-1]), elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def child_load(path: Path, db: Path) -> int:
    """In the child: the loader as `python -m etl load` runs it, timed from the call to its return."""
    from etl.load import load_files
    from firedash.config import load_config

    config = load_config()
    start = time.perf_counter()
    (outcome,) = load_files([path], db=db, config=config)
    elapsed = time.perf_counter() - start
    if outcome.outcome == "refused":
        print(outcome.reason)
        return 1
    print(f"{elapsed:.3f}")
    return 0


def median_time(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def store_counts(db: Path) -> tuple[int, int, int]:
    """(tickets, status reports, imports): a reload that changes nothing leaves all three as they were."""
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM status_reports), (SELECT count(*) FROM imports)"
        return con.execute(sql).fetchall()[0]


def sample_files(folder: Path = SAMPLE) -> list[Path]:
    """The ledgers of a folder as `python -m etl load FOLDER` takes them (sorted, oldest week first)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in LEDGER_SUFFIXES)


def largest_week(folder: Path = SAMPLE) -> Path:
    """The week folder with the most ledgers (the latest of those tied)."""
    weeks = sorted(p for p in folder.iterdir() if p.is_dir())
    return max(reversed(weeks), key=lambda week: len(sample_files(week)))


def bare_read(path: Path) -> int:
    """A ledger read by the plain library for its kind, every sheet, nothing else done with the cells."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        return sum(1 for _ in csv.reader(text.splitlines()))
    if suffix == ".xls":
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)
    reader = fastexcel.read_excel(str(path))
    return sum(
        reader.load_sheet(name, header_row=None, dtypes="string", eager=True).num_rows
        for name in reader.sheet_names
    )


def load_in_process(files: list[Path], db: Path, *, dry_run: bool = False) -> float:
    """Seconds of `load_files` over the files into db, as `python -m etl load` runs it (imports done)."""
    from etl.load import load_files

    config = load_config()
    start = time.perf_counter()
    outcomes = load_files(files, db=db, config=config, dry_run=dry_run)
    elapsed = time.perf_counter() - start
    refused = [o for o in outcomes if o.outcome == "refused"]
    if refused:
        raise SystemExit(f"{len(refused)} files refused: {refused[0].reason}")
    return elapsed


def measure_sample(repeat: int, sample_repeat: int) -> dict[str, float]:
    """The bundled sample: bare reads of its files, the whole store built, one week loaded and dry-run."""
    files, week = sample_files(), sample_files(largest_week())
    figures: dict[str, float] = {"sample_files": len(files), "week_files": len(week)}
    figures["sample_read"] = median_time(lambda: [bare_read(f) for f in files], repeat)
    with tempfile.TemporaryDirectory(prefix="bench_sample_") as tmp:
        builds = [load_in_process(files, Path(tmp) / f"store{i}.duckdb") for i in range(sample_repeat)]
        figures["sample_build"] = statistics.median(builds)
        weeks = [load_in_process(week, Path(tmp) / f"week{i}.duckdb") for i in range(repeat)]
        figures["week_load"] = statistics.median(weeks)
        dry = [load_in_process(week, Path(tmp) / f"dry{i}.duckdb", dry_run=True) for i in range(repeat)]
        figures["week_dry_run"] = statistics.median(dry)
    figures["week_read"] = median_time(lambda: [bare_read(f) for f in week], repeat)
    return figures


def measure_help(repeat: int) -> float:
    """Wall seconds of `python -m etl load --help` in a new process (interpreter start-up included)."""
    command = [sys.executable, "-m", "etl", "load", "--help"]
    return median_time(lambda: subprocess.run(command, cwd=ROOT, check=True, capture_output=True), repeat)


def sample_report(figures: dict[str, float], help_s: float, repeat: int) -> str:
    """The sample store, the week and --help as a Markdown table, with the ratios and their targets."""
    read, build = figures["sample_read"], figures["sample_build"]
    week, dry = figures["week_load"], figures["week_dry_run"]
    ratio = build / read
    return "\n".join(
        [
            f"Sample: {SAMPLE.relative_to(ROOT)} ({figures['sample_files']:.0f} ledgers); week: "
            f"{largest_week().relative_to(ROOT)} ({figures['week_files']:.0f} ledgers); median of {repeat} runs",
            "",
            "| step | median | target | met |",
            "| --- | ---: | ---: | --- |",
            f"| `python -m etl load --help` (new process) | {help_s:.2f} s | < {TARGETS['help_s']} s | "
            f"{_yes(help_s < TARGETS['help_s'])} |",
            f"| bare read of the sample's files (fastexcel .xlsx, python-calamine .xls, csv .csv) | {read:.2f} s | — | — |",
            f"| the sample store built in-process (`load_files`, fresh store) | {build:.2f} s | — | — |",
            f"| sample store / bare read | {ratio:.1f}× | ≤ {TARGETS['sample_vs_read']:.0f}× | "
            f"{_yes(ratio <= TARGETS['sample_vs_read'])} |",
            f"| one week loaded in-process (fresh store; bare read {figures['week_read']:.2f} s) | {week:.2f} s | "
            f"< {TARGETS['week_s']:.0f} s | {_yes(week < TARGETS['week_s'])} |",
            f"| the same week, dry run | {dry:.2f} s | < {TARGETS['week_s']:.0f} s | {_yes(dry < TARGETS['week_s'])} |",
        ]
    )


def _yes(met: bool) -> str:
    return "yes" if met else "no"


def measure_loads(path: Path, repeat: int) -> dict[str, float]:
    """Load into a fresh store `repeat` times, then reload the same file into the last store `repeat` times."""
    loads, walls, peaks, reloads = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        for i in range(repeat):
            db = Path(tmp) / f"store{i}.duckdb"
            load, wall, peak = run_load(path, db)
            loads.append(load)
            walls.append(wall)
            peaks.append(peak)
        before = store_counts(db)
        for _ in range(repeat):
            load, _, peak = run_load(path, db)
            reloads.append(load)
            peaks.append(peak)
        unchanged = store_counts(db) == before
    return {
        "load": statistics.median(loads),
        "wall": statistics.median(walls),
        "reload": statistics.median(reloads),
        "peak_mb": max(peaks),
        "tickets": before[0],
        "reload_unchanged": unchanged,
    }


def report(rows: int, path: Path, figures: dict[str, float], repeat: int) -> str:
    """The figures as a Markdown table, with the ratios and their targets."""
    read, load, openpyxl = figures["calamine"], figures["load"], figures.get("openpyxl")
    fast = figures["fastexcel"]
    lines = [
        f"Ledger: {path.relative_to(ROOT)} ({rows:,} rows, {path.stat().st_size / 1e6:.1f} MB); "
        f"median of {repeat} runs; {os.cpu_count()} CPUs",
        "",
        "| step | median | note |",
        "| --- | ---: | --- |",
        f"| (a) python-calamine bare read | {read:.2f} s | rows of Python cells; the issue's reference |",
        f"| (a′) fastexcel bare read | {fast:.2f} s | every cell as text into Arrow: the loader's .xlsx reader |",
        f"| (b) pandas.read_excel, engine=openpyxl | {_seconds(openpyxl)} | {'skipped' if openpyxl is None else ''} |",
        f"| (c) the load into a fresh store: read, normalise, validate, write | {load:.2f} s | "
        f"{figures['tickets']:,} tickets stored |",
        f"| (c′) the same as a new process (start-up and imports included) | {figures['wall']:.2f} s | |",
        f"| (d) reload of the same file | {figures['reload']:.2f} s | "
        f"{'store unchanged' if figures['reload_unchanged'] else 'STORE CHANGED'} |",
        f"| peak memory of the load (max RSS) | {figures['peak_mb']:.0f} MB | |",
        "",
        "| ratio | value | target | met |",
        "| --- | ---: | ---: | --- |",
        _ratio_row(
            "load / fastexcel read", load / fast, f"≤ {TARGETS['load_vs_read']:.0f}×", load / fast <= 2
        ),
        f"| load / calamine read (informative) | {load / read:.2f}× | — | — |",
        f"| new process / calamine read (informative) | {figures['wall'] / read:.2f}× | — | — |",
    ]
    if openpyxl is not None:
        lines.append(f"| openpyxl read / load (informative) | {openpyxl / load:.2f}× | — | — |")
    peak = figures["peak_mb"]
    lines.append(f"| peak memory | {peak:.0f} MB | < 1 GB | {'yes' if peak < TARGETS['peak_mb'] else 'no'} |")
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _ratio_row(name: str, value: float, target: str, met: bool) -> str:
    return f"| {name} | {value:.2f}× | {target} | {'yes' if met else 'no'} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark reading and loading a large ledger")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-openpyxl", action="store_true", help="skip the slow pandas/openpyxl read")
    parser.add_argument("--sample-repeat", type=int, default=1, help="builds of the whole sample store")
    parser.add_argument("--skip-sample", action="store_true", help="only the 100,000-row ledger")
    parser.add_argument("--child-load", nargs=2, metavar=("LEDGER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_load:
        return child_load(Path(args.child_load[0]), Path(args.child_load[1]))
    if not args.skip_sample:
        help_s = measure_help(args.repeat)
        print(sample_report(measure_sample(args.repeat, args.sample_repeat), help_s, args.repeat), flush=True)
        print()
    path = ledger_path(args.rows)
    if not path.exists():
        print(f"writing {path.relative_to(ROOT)} …", file=sys.stderr)
        build_ledger(path, args.rows)
    figures: dict[str, float] = {
        "calamine": median_time(lambda: read_calamine(path), args.repeat),
        "fastexcel": median_time(lambda: read_fastexcel(path), args.repeat),
    }
    if not args.skip_openpyxl:
        figures["openpyxl"] = median_time(lambda: read_openpyxl(path), args.repeat)
    figures.update(measure_loads(path, args.repeat))
    print(report(args.rows, path, figures, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
