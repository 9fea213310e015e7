"""The loader's command line, a stable contract: python -m etl load [--db] [--config] [--report-date] [--dry-run]
FILE...; imports, undo and restore are in etl.intake_cli."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import duckdb
from tqdm import tqdm

from etl import intake_cli
from etl.intake_text import DRY_RUN_HEADING
from etl.load import FileOutcome, load_files
from firedash.config import ConfigError, db_path, load_config

SHOWN_REASONS = 5
LEDGER_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in intake_cli.COMMANDS:
        return intake_cli.run(args)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    files = expand(args.files)
    if not files:
        print("没有找到要导入的文件", file=sys.stderr)
        return 1
    with tqdm(total=len(files), unit="个文件", disable=not sys.stderr.isatty(), leave=False) as bar:

        def progress(file: Path, step: str) -> None:
            bar.set_description(f"{file.name} {step}")
            if step == "完成":
                bar.update()

        try:
            outcomes = load_files(
                files, db=db_path(args.db), config=config, report_date=args.report_date, progress=progress,
                dry_run=args.dry_run,
            )  # fmt: skip
        except (duckdb.Error, OSError) as exc:  # the store itself cannot be opened: nothing was loaded
            print(f"无法打开数据库 {db_path(args.db)}：{exc}", file=sys.stderr)
            return 2
    if args.dry_run:
        print(DRY_RUN_HEADING)
    for outcome in outcomes:
        print(describe(outcome))
    return 1 if any(o.outcome == "refused" for o in outcomes) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="把排查、整改台账导入数据库")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="导入台账文件（.xlsx/.xls/.csv，或包含它们的文件夹）")
    load.add_argument("--db", help="数据库文件（默认 data/campaign.duckdb 或环境变量 FIREDASH_DB）")
    load.add_argument("--config", help="镇和专项行动配置（默认 data/town.toml 或环境变量 FIREDASH_CONFIG）")
    load.add_argument(
        "--report-date", type=_date, help="填报日期 YYYY-MM-DD（默认取台账标题中的填报日期，否则今天）"
    )
    load.add_argument("--dry-run", action="store_true", help="试导入：照常读取并报告结果，不写入数据库")
    load.add_argument("files", nargs="+", metavar="FILE", help="台账文件或文件夹")
    intake_cli.add_commands(commands)
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def expand(items: list[str]) -> list[Path]:
    """Files as given; a folder stands for the ledgers under it, in sorted path order (oldest week first)."""
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LEDGER_SUFFIXES)
        else:
            files.append(path)
    return files


def describe(outcome: FileOutcome) -> str:
    """The Chinese lines printed for one file."""
    name = outcome.path.name
    if outcome.outcome == "refused":
        return f"✗ {name}：未导入——{outcome.reason}（数据库未作改动）"
    if outcome.outcome == "unchanged":
        return f"= {name}：{outcome.reason}"
    lines = [
        f"✓ {name}：读取 {outcome.rows_read} 行，新增隐患 {outcome.rows_new} 处，更新 {outcome.rows_updated} 处，"
        f"未变 {outcome.rows_unchanged} 处，暂存待修正 {outcome.rows_rejected} 行（填报日期 {outcome.report_date}）"
    ]
    if outcome.rows_stale:
        lines.append(
            f"    · 其中 {outcome.rows_stale} 处隐患库中已有填报日期更晚的报告，本文件未覆盖其内容和状态"
        )
    for rejected in outcome.rejected[:SHOWN_REASONS]:
        lines.append(f"    · 工作表「{rejected.sheet}」第 {rejected.row_number} 行：{rejected.reason}")
    if outcome.rows_rejected > SHOWN_REASONS:
        lines.append(f"    · 另有 {outcome.rows_rejected - SHOWN_REASONS} 行待修正，详见看板“数据质量”页")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
