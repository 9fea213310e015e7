"""The loader's command line, a stable contract: python -m etl load [--db] [--config] [--report-date]
[--profile NAME] [--json] [--dry-run] FILE...; imports, undo and restore are in etl.intake_cli."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from etl import intake_cli
from firedash import glossary as text
from firedash.config import ConfigError, TownConfig, db_path, load_config
from firedash.glossary import DRY_RUN_HEADING

if TYPE_CHECKING:
    from etl.load import FileOutcome
    from etl.profiles import Profile

SHOWN_REASONS = 5
LEDGER_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in intake_cli.COMMANDS:
        return intake_cli.run(args)
    # Imported once a command runs: `--help` and argument errors answer without duckdb, pandas, pyarrow.
    import duckdb
    from tqdm import tqdm

    from etl.load import load_files
    from etl.profiles import ProfileError

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        profile = _profile(args.profile, config)
    except ProfileError as exc:
        print(exc, file=sys.stderr)
        return 2
    files = expand(args.files)
    if not files:
        print(text.CLI_NO_FILES, file=sys.stderr)
        return 1
    with tqdm(
        total=len(files), unit=text.CLI_FILES_UNIT, disable=not sys.stderr.isatty(), leave=False
    ) as bar:

        def progress(file: Path, step: str) -> None:
            bar.set_description(f"{file.name} {step}")
            if step == text.STEP_DONE:
                bar.update()

        try:
            outcomes = load_files(
                files,
                db=db_path(args.db),
                config=config,
                report_date=args.report_date,
                progress=progress,
                profile=profile,
                dry_run=args.dry_run,
            )
        except (duckdb.Error, OSError) as exc:  # the store itself cannot be opened: nothing was loaded
            print(text.CLI_NO_STORE.format(db=db_path(args.db), error=exc), file=sys.stderr)
            return 2
        except ProfileError as exc:
            print(exc, file=sys.stderr)
            return 2
    report(outcomes, as_json=args.json, dry_run=args.dry_run)
    return 1 if any(o.outcome == "refused" for o in outcomes) else 0


def report(outcomes: list[FileOutcome], *, as_json: bool, dry_run: bool = False) -> None:
    """The outcomes on stdout: one JSON list (--json), else the Chinese lines of each file."""
    if as_json:
        print(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=1))
        return
    if dry_run:
        print(DRY_RUN_HEADING)
    for outcome in outcomes:
        print(describe(outcome))


def _profile(name: str | None, config: TownConfig) -> Profile | None:
    """--profile NAME: the profile of that file stem in the profiles folder (an unknown name is an error)."""
    from etl.profiles import ProfileError, load_profiles, named, profiles_dir

    if not name:
        return None
    profiles = load_profiles(profiles_dir(config))
    found = named(profiles, name)
    if found is None:
        names = text.CLI_LIST_SEPARATOR.join(p.name for p in profiles) or "—"
        raise ProfileError(text.CLI_NO_PROFILE.format(name=name, names=names))
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=text.CLI_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help=text.CLI_LOAD_HELP)
    load.add_argument("--db", help=text.CLI_DB_HELP)
    load.add_argument("--config", help=text.CLI_CONFIG_HELP)
    load.add_argument("--report-date", type=_date, help=text.CLI_REPORT_DATE_HELP)
    load.add_argument("--dry-run", action="store_true", help=text.CLI_DRY_RUN_HELP)
    load.add_argument("--profile", metavar="NAME", help=text.CLI_PROFILE_HELP)
    load.add_argument("--json", action="store_true", help=text.CLI_JSON_HELP)
    load.add_argument("files", nargs="+", metavar="FILE", help=text.CLI_FILES_HELP)
    intake_cli.add_commands(commands)
    return parser


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(text.CLI_BAD_DATE.format(text=value)) from None


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
        return text.CLI_REFUSED.format(name=name, reason=outcome.reason)
    if outcome.outcome == "unchanged":
        return text.CLI_UNCHANGED.format(name=name, reason=outcome.reason)
    mark = text.MARK_WARNED if outcome.outcome == "loaded_with_warnings" else text.MARK_LOADED
    lines = [
        text.CLI_LOADED.format(
            mark=mark,
            name=name,
            read=outcome.rows_read,
            new=outcome.rows_new,
            updated=outcome.rows_updated,
            unchanged=outcome.rows_unchanged,
            rejected=outcome.rows_rejected,
            report_date=outcome.report_date,
            source=text.REPORT_DATE_SOURCE_NAMES.get(
                outcome.report_date_source or "", outcome.report_date_source
            ),
        )
    ]
    if outcome.rows_stale:
        lines.append(text.CLI_STALE.format(stale=outcome.rows_stale))
    lines += column_lines(outcome)
    lines += [text.CLI_WARNING.format(message=w.message) for w in outcome.warnings]
    for rejected in outcome.rejected[:SHOWN_REASONS]:
        lines.append(
            text.CLI_REJECTED_ROW.format(
                sheet=rejected.sheet, row=rejected.row_number, reason=rejected.reason
            )
        )
    if outcome.rows_rejected > SHOWN_REASONS:
        lines.append(text.CLI_MORE_REJECTED.format(more=outcome.rows_rejected - SHOWN_REASONS))
    return "\n".join(lines)


def column_lines(outcome: FileOutcome) -> list[str]:
    """Per sheet: which column became which field, and the columns not used."""
    lines = []
    for sheet, uses in outcome.columns.items():
        used = [
            text.CLI_COLUMN_FIELD.format(header=u.name, field=field_label(u.field)) for u in uses if u.field
        ]
        unused = [u.name for u in uses if not u.field]
        lines.append(text.CLI_COLUMNS.format(sheet=sheet, used=text.CLI_LIST_SEPARATOR.join(used)))
        if unused:
            lines.append(
                text.CLI_UNUSED_COLUMNS.format(sheet=sheet, unused=text.CLI_LIST_SEPARATOR.join(unused))
            )
    return lines


def field_label(name: str) -> str:
    """The Chinese name of a canonical field."""
    return text.INTAKE_FIELD_LABELS.get(name) or text.label(name)


if __name__ == "__main__":
    sys.exit(main())
