"""Command line: `python -m metrics summary [--db PATH] [--config PATH] [--as-of YYYY-MM-DD] [--json]`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from firedash.config import ConfigError, TownConfig, db_path, load_config
from firedash.store import connect
from metrics.summary_report import summary_payload, summary_text

USAGE = "python -m metrics summary [--db PATH] [--config PATH] [--as-of YYYY-MM-DD] [--json]"
EXIT_ERROR = 2


class CliError(Exception):
    """A user error: printed as one Chinese line on stderr, exit status 2."""


# argparse's own messages, in the words a user reads.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: command"), "缺少子命令（目前有：summary）"),
    (re.compile(r"the following arguments are required: (.*)"), r"缺少参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (re.compile(r"argument command: invalid choice: (\S+).*"), r"未知的子命令：\1（目前有：summary）"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面缺少取值"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, chinese in _ARGPARSE_MESSAGES:
            if pattern.fullmatch(message):
                message = pattern.sub(chinese, message)
                break
        raise CliError(f"参数错误：{message}（用法：{USAGE}）")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m metrics", description="冬春火灾防控看板：统计数字", add_help=False)
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, title="子命令")
    cmd = commands.add_parser("summary", help="全镇排查整改情况汇总", usage=USAGE, add_help=False)
    cmd.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    cmd.add_argument("--db", metavar="PATH", help="数据库文件（默认 $FIREDASH_DB 或 data/campaign.duckdb）")
    cmd.add_argument("--config", metavar="PATH", help="配置文件（默认 $FIREDASH_CONFIG 或 data/town.toml）")
    cmd.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help="统计截至日期 YYYY-MM-DD（默认今天，不晚于工作结束日）",
    )
    cmd.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    return parser


def _as_of(text: str | None, config: TownConfig) -> dt.date:
    if text is None:
        return config.default_as_of()
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CliError(f"日期格式不对：{text}（应为 YYYY-MM-DD，如 2024-01-15）") from None


def _open_store(path: Path) -> duckdb.DuckDBPyConnection:
    # Checked first: a read-only open never creates the file, but the message should say what is wrong.
    if not path.is_file():
        raise CliError(f"数据库不存在：{path}（请先导入台账：python -m etl load --db {path} 台账文件…）")
    try:
        return connect(path, read_only=True)
    except duckdb.Error as exc:
        raise CliError(f"无法打开数据库 {path}：{_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def run_summary(args: argparse.Namespace) -> str:
    """The text (or JSON) the summary command prints."""
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    as_of = _as_of(args.as_of, config)
    con = _open_store(db_path(args.db))
    try:
        payload = summary_payload(con, config=config, as_of=as_of)
    except duckdb.Error as exc:
        raise CliError(f"读取数据库失败：{_first_line(exc)}") from None
    finally:
        con.close()
    return json.dumps(payload, ensure_ascii=False) if args.json else summary_text(payload)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 after a one-line Chinese error)."""
    try:
        args = _parser().parse_args(argv)
        print(run_summary(args))
    except CliError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader (e.g. `| head`) left early: silence the final flush instead of a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
