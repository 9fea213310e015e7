"""Time the loader's read and normalise phases alone (no store), per phase, over ledger files or folders;
optionally dump what they produced, so two versions of the loader can be compared file by file.

Usage: python bench/bench_parse.py [--repeat N] [--dump OUT.pickle] [--profile OUT.prof] PATH [PATH ...]
(the bundled sample when no PATH is given). Compare two dumps with --compare A.pickle B.pickle.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pickle
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_load import SAMPLE, bare_read, sample_files  # noqa: E402
from etl import load  # noqa: E402
from etl.errors import LedgerError  # noqa: E402
from etl.headers import find_header  # noqa: E402
from etl.normalise import cut_cell_issues, normalise_under  # noqa: E402
from etl.readers import read_ledger  # noqa: E402
from etl.report_date import decide_report_date  # noqa: E402
from etl.values import town_words  # noqa: E402
from firedash.config import load_config  # noqa: E402

TODAY = dt.date(2024, 4, 1)


def files_of(paths: list[str]) -> list[Path]:
    if not paths:
        return sample_files(SAMPLE)
    found: list[Path] = []
    for item in map(Path, paths):
        found += sample_files(item) if item.is_dir() else [item]
    return found


CLOCK = time.perf_counter


def phases(path: Path, config: object, times: dict[str, float]) -> None:
    """One file through the phases of etl.load._parse, each timed into times."""
    extra = town_words(config).columns
    start = CLOCK()
    try:
        sheets = read_ledger(path)
    except LedgerError:
        times["read"] += CLOCK() - start
        return
    mark = CLOCK()
    times["read"] += mark - start
    headers = [find_header(sheet, extra=extra) for sheet in sheets]
    times["header"] += CLOCK() - mark
    mark = CLOCK()
    decided = decide_report_date(path, sheets, headers, config=config, cli=None, today=TODAY)
    times["report_date"] += CLOCK() - mark
    mark = CLOCK()
    for sheet, header, day in zip(sheets, headers, decided.sheets, strict=True):
        normalise_under(sheet, header, config=config, report_date=day, file_name=path.name)
        cut_cell_issues(sheet, header)
    times["normalise"] += CLOCK() - mark


def fingerprint(path: Path, config: object) -> object:
    """Everything _parse gives of a file, as plain values (or the reason it was refused)."""
    try:
        parsed = load._parse(path, config=config, report_date=None, today=TODAY)
    except LedgerError as exc:
        return ("refused", str(exc))
    frame = parsed.frame
    return {
        "report_date": (parsed.report_date, parsed.report_date_source, parsed.stated, parsed.profile),
        "frame": (list(frame.columns), [str(t) for t in frame.dtypes], frame.astype(object).values.tolist()),
        "rejected": [vars(r) for r in parsed.rejected],
        "results": [
            (
                r.kind,
                r.rows_read,
                r.title_report_date,
                sorted(r.villages),
                [vars(c) for c in r.columns],
                [vars(i) for i in r.issues],
                r.unknown_words,
                r.with_status,
                r.rectified_undated,
            )
            for r in parsed.results
        ],
        "raw_rows": {
            name: (rows.header, [a.to_pylist() for a in rows.body]) for name, rows in parsed.raw_rows.items()
        },
    }


def compare(a: Path, b: Path) -> int:
    left, right = pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes())
    differ = [name for name in sorted(set(left) | set(right)) if left.get(name) != right.get(name)]
    for name in differ:
        print("differs:", name)
    print(f"{len(left)} vs {len(right)} files, {len(differ)} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--bare", action="store_true", help="also time the bare read")
    parser.add_argument("--compare", nargs=2, type=Path)
    parser.add_argument("--cpu", action="store_true", help="CPU seconds of the process, not wall seconds")
    args = parser.parse_args(argv)
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    if args.compare:
        return compare(*args.compare)
    config = load_config()
    files = files_of(args.paths)
    if args.dump:
        dumped = {
            str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f): fingerprint(f, config) for f in files
        }
        args.dump.write_bytes(pickle.dumps(dumped))
        print(f"dumped {len(dumped)} files to {args.dump}")
        return 0
    runs: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.repeat):
        times: dict[str, float] = defaultdict(float)
        if profiler:
            profiler.enable()
        for path in files:
            phases(path, config, times)
        if profiler:
            profiler.disable()
        for name, seconds in times.items():
            runs[name].append(seconds)
        runs["total"].append(sum(times.values()))
        if args.bare:
            start = CLOCK()
            for path in files:
                bare_read(path)
            runs["bare_read"].append(CLOCK() - start)
    if profiler:
        profiler.dump_stats(str(args.profile))
    print(f"{len(files)} files, median of {args.repeat}, {'CPU' if args.cpu else 'wall'} seconds")
    for name, values in runs.items():
        print(f"  {name:12s} {statistics.median(values):7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
