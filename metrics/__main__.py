"""Command line: `python -m metrics summary …` (the town's figures) and `python -m metrics bulletin …` (周通报)."""

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
from firedash.glossary import text
from firedash.store import connect
from metrics.summary_report import summary_payload, summary_text

USAGE = "python -m metrics summary [--db PATH] [--config PATH] [--as-of YYYY-MM-DD] [--json]"
BULLETIN_USAGE = (
    "python -m metrics bulletin [--as-of YYYY-MM-DD | --week N] [--issue-no K] --out FILE.docx [--pdf]"
    " [--db PATH] [--config PATH]"
)
EXIT_ERROR = 2


class CliError(Exception):
    """A user error: printed as one Chinese line on stderr, exit status 2."""


# argparse's own messages -> the glossary's words for them; the group `value` fills {value}.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: command"), "cli_no_command"),
    (re.compile(r"the following arguments are required: (?P<value>.*)"), "cli_missing_argument"),
    (re.compile(r"unrecognized arguments: (?P<value>.*)"), "cli_unknown_argument"),
    (re.compile(r"argument command: invalid choice: (?P<value>\S+).*"), "cli_unknown_command"),
    (re.compile(r"argument (?P<value>\S+): expected one argument"), "cli_no_value"),
    (re.compile(r"argument (?P<value>\S+): not allowed with argument (?P<other>\S+)"), "cli_not_with"),
    (re.compile(r"argument (?P<value>\S+): invalid _positive value: .*"), "cli_bad_number"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, key in _ARGPARSE_MESSAGES:
            if match := pattern.fullmatch(message):
                message = text(key, **match.groupdict())
                break
        raise CliError(text("cli_bad_arguments", message=message, usage=self.usage or USAGE))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m metrics", description=text("cli_description"), add_help=False)
    parser.add_argument("-h", "--help", action="help", help=text("cli_help"))
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, title=text("cli_commands")
    )
    cmd = commands.add_parser("summary", help=text("cli_summary"), usage=USAGE, add_help=False)
    cmd.add_argument("-h", "--help", action="help", help=text("cli_help"))
    cmd.add_argument("--db", metavar="PATH", help=text("cli_db"))
    cmd.add_argument("--config", metavar="PATH", help=text("cli_config"))
    cmd.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help=text("cli_as_of"),
    )
    cmd.add_argument("--json", action="store_true", help=text("cli_json"))
    _bulletin_parser(commands)
    return parser


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _bulletin_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("bulletin", help=text("cli_bulletin"), usage=BULLETIN_USAGE, add_help=False)
    cmd.add_argument("-h", "--help", action="help", help=text("cli_help"))
    cmd.add_argument("--db", metavar="PATH", help=text("cli_db"))
    cmd.add_argument("--config", metavar="PATH", help=text("cli_config"))
    when = cmd.add_mutually_exclusive_group()
    when.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help=text("cli_as_of"))
    when.add_argument("--week", type=_positive, metavar="N", help=text("cli_bulletin_week"))
    cmd.add_argument(
        "--issue-no", dest="issue_no", type=_positive, metavar="K", help=text("cli_bulletin_issue_no")
    )
    cmd.add_argument("--out", required=True, metavar="FILE.docx", help=text("cli_bulletin_out"))
    cmd.add_argument("--pdf", action="store_true", help=text("cli_bulletin_pdf"))


def _as_of(given: str | None, config: TownConfig) -> dt.date:
    if given is None:
        return config.default_as_of()
    try:
        return dt.datetime.strptime(given, "%Y-%m-%d").date()
    except ValueError:
        raise CliError(text("cli_bad_date", text=given)) from None


def _open_store(path: Path) -> duckdb.DuckDBPyConnection:
    # Checked first: a read-only open never creates the file, but the message should say what is wrong.
    if not path.is_file():
        raise CliError(text("cli_no_store", path=path))
    try:
        return connect(path, read_only=True)
    except duckdb.Error as exc:
        raise CliError(text("cli_store_unreadable", path=path, error=_first_line(exc))) from None


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
        raise CliError(text("cli_query_failed", error=_first_line(exc))) from None
    finally:
        con.close()
    return json.dumps(payload, ensure_ascii=False) if args.json else summary_text(payload)


def run_bulletin(args: argparse.Namespace) -> str:
    """Make the bulletin: number it, write the .docx (and .pdf), record it; the lines to print."""
    from metrics.bulletin_cli import make_bulletin  # docxtpl and plotly load only for this command

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    as_of = None if args.week else _as_of(args.as_of, config)
    store = db_path(args.db)
    con = _open_store(store)
    try:
        return make_bulletin(con, config, store=store, as_of=as_of, args=args)
    except duckdb.Error as exc:
        raise CliError(text("cli_query_failed", error=_first_line(exc))) from None
    finally:
        con.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 after a one-line Chinese error)."""
    try:
        args = _parser().parse_args(argv)
        print(run_bulletin(args) if args.command == "bulletin" else run_summary(args))
    except CliError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        # metrics.bulletin_cli's errors (loaded lazily, so matched by their exit_code, not their class).
        if not isinstance(getattr(exc, "exit_code", None), int):
            raise
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader (e.g. `| head`) left early: silence the final flush instead of a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
