"""Time each dashboard page's first render (AppTest, caches cleared) on a 10,000- and a 1,000,000-ticket store.

The stores are written directly with INSERT … SELECT FROM range() in the sample's shapes (more villages
for the large one); the loader is benchmarked elsewhere. Prints a Markdown table: page, 10k s, 1M s, ratio.
Usage: python bench/bench_pages.py [--small 10000] [--large 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# AppTest runs pages outside a server; Streamlit warns about that on every run: keep the table readable.
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

from firedash.config import DEFAULT_CONFIG, DEFAULT_HAZARD_CATEGORIES, DEFAULT_OFFICES, DEFAULT_SECTORS  # noqa: E402
from firedash.store import connect  # noqa: E402

OUT = ROOT / "bench" / "out"
AS_OF = dt.date(2024, 2, 20)
CAMPAIGN_START = dt.date(2023, 11, 1)
BASE_VILLAGES = (
    "东河村", "西岭村", "南坪村", "北山村", "石桥村", "柳湾村", "杨家庄村", "高坎村",
    "青龙村", "白沙村", "黄土坡村", "桃源村", "马鞍村", "新华社区", "城关社区", "大同街社区",
)  # fmt: skip


def village_names(count: int) -> list[str]:
    """The sample's sixteen villages, then numbered ones (第17村 …) for a larger town."""
    return [*BASE_VILLAGES, *(f"第{i}村" for i in range(len(BASE_VILLAGES) + 1, count + 1))][:count]


def write_config(path: Path, villages: list[str]) -> Path:
    """The default town.toml with another village list."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    start = text.index("villages = [")
    end = text.index("]", start) + 1
    listed = "villages = [" + ", ".join(f'"{v}"' for v in villages) + "]"
    path.write_text(text[:start] + listed + text[end:], encoding="utf-8")
    return path


def _list_sql(values: tuple[str, ...] | list[str], pick: str) -> str:
    """A SQL expression picking one of the literal values by the integer expression `pick` (trusted input)."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"[{quoted}][CAST(1 + ({pick}) % {len(values)} AS BIGINT)]"


def build_store(path: Path, tickets: int, villages: list[str]) -> Path:
    """A store of `tickets` tickets spread over the villages, with history, imports and rejected rows."""
    if path.exists():
        path.unlink()
    con = connect(path)
    try:
        _fill(con, tickets, villages)
    finally:
        con.close()
    return path


def _fill(con, tickets: int, villages: list[str]) -> None:
    h = "(hash(i, '{salt}') % 1000)"
    village = _list_sql(villages, "hash(i, 'v') % 100003")
    sector = _list_sql(DEFAULT_SECTORS, "hash(i, 's') % 1009")
    category = _list_sql(DEFAULT_HAZARD_CATEGORIES, "hash(i, 'c') % 1009")
    office = _list_sql(DEFAULT_OFFICES, "hash(i, 'o') % 1009")
    # found over the campaign with more in Dec–Jan; deadlines 3–30 days later (10% none);
    # 85% rectified after 1–40 days; 70% of those struck off 0–6 days after.
    con.execute(
        f"""CREATE TEMP TABLE raw AS SELECT i,
            DATE '{CAMPAIGN_START}' + CAST(least(150, ({h.format(salt="f")} * {h.format(salt="g")}) / 6700
                + {h.format(salt="f2")} % 40) AS INTEGER) AS found_date,
            {h.format(salt="d")} AS d, {h.format(salt="r")} AS r, {h.format(salt="k")} AS k,
            {h.format(salt="sev")} AS sev
        FROM range({tickets}) t(i)"""  # noqa: S608 -- benchmark data from constants
    )
    con.execute(
        f"""INSERT INTO tickets BY NAME
        SELECT 'bench#' || i AS ticket_id, 'YH' || lpad(CAST(i AS VARCHAR), 7, '0') AS hazard_no,
            {village} AS village, '单位' || (i % 5000) AS unit, {sector} AS sector, {category} AS category,
            '隐患描述' || (i % 977) AS description,
            CASE WHEN sev < 950 THEN 'general' WHEN sev < 980 THEN 'serious' ELSE 'major' END AS severity,
            sev >= 990 AS county_supervised, found_date,
            CASE WHEN d < 100 THEN NULL ELSE found_date + CAST(3 + d % 28 AS INTEGER) END AS deadline,
            {office} AS office, '责任人' || (i % 300) AS responsible,
            CASE WHEN r < 850 THEN 'rectified' WHEN r < 920 THEN 'in_progress' ELSE 'open' END AS status,
            CASE WHEN r < 850 THEN found_date + CAST(1 + r % 40 AS INTEGER) END AS rectified_date,
            CASE WHEN r < 850 AND k < 700 THEN found_date + CAST(1 + r % 40 + k % 7 AS INTEGER) END
                AS closed_date,
            'bench|' || i AS match_key, 1 + i % 20 AS first_import_id, 1 + i % 20 AS last_import_id
        FROM raw"""  # noqa: S608 -- benchmark data from constants
    )
    con.execute(
        """INSERT INTO status_reports
        SELECT ticket_id, last_import_id, found_date + 7, status, rectified_date, closed_date,
            'bench.xlsx', 'Sheet1', 1 FROM tickets"""
    )
    for n in range(1, 21):
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, 'x', ?, ?, 'combined', 1, ?, ?, 0, 0, 2)",
            [n, f"台账{n}.xlsx", f"台账{n}", dt.datetime(2024, 1, 1, 9) + dt.timedelta(days=n), AS_OF,
             tickets // 20, tickets // 20],
        )  # fmt: skip
        con.execute(
            "INSERT INTO rejected_rows VALUES (?, ?, 'Sheet1', ?, NULL, '缺少排查日期', ?)",
            [n, f"台账{n}.xlsx", 10 + n, '{"村（社区）": "东河村", "隐患描述": "=1+1"}'],
        )
    con.execute(
        "INSERT INTO import_villages SELECT import_id, v FROM imports, unnest(?) t(v)", [villages[:-1]]
    )


def time_pages(db: Path, config_file: Path, repeat: int) -> dict[str, float]:
    """Each page's first render in seconds (best of `repeat`), the metric caches cleared before each."""
    from streamlit.testing.v1 import AppTest

    from ui import data
    from ui.navigation import PAGES

    os.environ["FIREDASH_DB"] = str(db)
    os.environ["FIREDASH_CONFIG"] = str(config_file)
    timings: dict[str, float] = {}
    for spec in PAGES:
        best = float("inf")
        for _ in range(repeat):
            app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
            app.query_params["as_of"] = AS_OF.isoformat()
            app.run()  # imports and the default page; the timed run below starts cold again
            data.clear()
            start = time.perf_counter()
            app.switch_page(spec.script).run()
            elapsed = time.perf_counter() - start
            if app.exception:
                raise RuntimeError(f"{spec.name}: {app.exception[0].value}")
            best = min(best, elapsed)
        timings[spec.name] = best
    return timings


def markdown_table(small: dict[str, float], large: dict[str, float], sizes: tuple[int, int]) -> str:
    from firedash.glossary import PAGE_TITLES

    head = f"| page | {sizes[0]:,} tickets (s) | {sizes[1]:,} tickets (s) | ratio |"
    lines = [head, "| --- | ---: | ---: | ---: |"]
    for name, seconds in small.items():
        lines.append(
            f"| {PAGE_TITLES[name]} ({name}) | {seconds:.2f} | {large[name]:.2f} | {large[name] / seconds:.1f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000, help="tickets in the small store")
    parser.add_argument("--large", type=int, default=1_000_000, help="tickets in the large store")
    parser.add_argument("--villages", type=int, default=60, help="villages in the large store")
    parser.add_argument("--repeat", type=int, default=3, help="renders per page; the best is kept")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for tickets, count in ((args.small, len(BASE_VILLAGES)), (args.large, args.villages)):
        villages = village_names(count)
        config_file = write_config(OUT / f"town_{tickets}.toml", villages)
        started = time.perf_counter()
        db = build_store(OUT / f"pages_{tickets}.duckdb", tickets, villages)
        print(
            f"store of {tickets:,} tickets, {count} villages: {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        results.append(time_pages(db, config_file, args.repeat))
    print(markdown_table(results[0], results[1], (args.small, args.large)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
