"""The commands that look after the store: python -m etl imports | undo IMPORT_ID | restore [BACKUP_ID].

Exit codes as for load: 0 done (or nothing to do), 1 a file refused (an undo whose replay a file refuses),
2 bad arguments, configuration or store (unknown id, missing archived copy, no confirmation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from firedash import glossary as T
from firedash.config import ConfigError, db_path, load_config

if TYPE_CHECKING:
    from etl import backups
    from etl.undo import StoreState

# duckdb, pandas and the loader are imported by the command that runs: `python -m etl load --help` and the
# parser never pay for them.

COMMANDS = ("imports", "undo", "restore")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add imports, undo and restore to the `python -m etl` parser."""
    imports = commands.add_parser("imports", help=T.IMPORTS_HELP)
    imports.add_argument("--db", help=T.CLI_DB_HELP)
    imports.add_argument("--json", action="store_true", help=T.IMPORTS_JSON_HELP)
    undo_cmd = commands.add_parser("undo", help=T.UNDO_HELP)
    undo_cmd.add_argument("import_id", type=int, metavar="IMPORT_ID", help=T.UNDO_ID_HELP)
    undo_cmd.add_argument("--db", help=T.CLI_DB_HELP)
    undo_cmd.add_argument("--config", help=T.CLI_CONFIG_HELP)
    undo_cmd.add_argument("--yes", action="store_true", help=T.UNDO_YES_HELP)
    restore_cmd = commands.add_parser("restore", help=T.RESTORE_HELP)
    restore_cmd.add_argument("backup_id", nargs="?", metavar="BACKUP_ID", help=T.RESTORE_ID_HELP)
    restore_cmd.add_argument("--db", help=T.CLI_DB_HELP)
    restore_cmd.add_argument("--config", help=T.CLI_CONFIG_HELP)
    restore_cmd.add_argument("--json", action="store_true", help=T.RESTORE_JSON_HELP)
    restore_cmd.add_argument("--yes", action="store_true", help=T.RESTORE_YES_HELP)


def run(args: argparse.Namespace) -> int:
    """Run one of COMMANDS; messages on stderr and an exit code for every failure, never a traceback."""
    import duckdb

    from etl.undo import IntakeError

    store = db_path(args.db)
    try:
        if args.command == "imports":
            return _imports(store, as_json=args.json)
        if args.command == "undo":
            return _undo(store, args)
        if args.backup_id is None:
            return _list_backups(store, as_json=args.json)
        return _restore(store, args)
    except IntakeError as exc:
        print(exc, file=sys.stderr if exc.exit_code else sys.stdout)
        return exc.exit_code
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (duckdb.Error, OSError) as exc:
        print(T.STORE_UNREADABLE.format(store=store, error=exc), file=sys.stderr)
        return 2


def _imports(store: Path, *, as_json: bool) -> int:
    from etl.undo import IntakeError, read_state

    if not store.is_file():
        raise IntakeError(T.STORE_MISSING.format(store=store))
    entries = import_entries(read_state(store))
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2, default=str))
    elif not entries:
        print(T.IMPORTS_EMPTY)
    else:
        print(T.IMPORTS_HEADER)
        for entry in entries:
            undone = entry["undone_at"]
            mark = T.IMPORTS_UNDONE_MARK.format(undone_at=undone[:16].replace("T", " ")) if undone else ""
            loaded = entry["loaded_at"][:19].replace("T", " ")
            print(T.IMPORTS_LINE.format(**{**entry, "loaded_at": loaded, "mark": mark}))
    return 0


def import_entries(state: StoreState) -> list[dict[str, object]]:
    """Every import the store holds or held, in id order: the `imports --json` objects."""
    entries = [_entry(i.as_row(), None) for i in state.imports]
    entries += [_entry(row, row["undone_at"]) for row in state.undone.values()]
    return sorted(entries, key=lambda e: e["id"])


def _entry(row: dict, undone_at: object) -> dict[str, object]:
    return {
        "id": row["import_id"],
        "file": row["file_name"],
        "sha256": row["sha256"],
        "loaded_at": _iso(row["imported_at"]),
        "report_date": _iso(row["report_date"]),
        **{k: row[k] for k in ("rows_read", "rows_new", "rows_updated", "rows_unchanged", "rows_rejected")},
        "undone": undone_at is not None,
        "undone_at": _iso(undone_at) if undone_at is not None else None,
    }


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _undo(store: Path, args: argparse.Namespace) -> int:
    from etl.undo import plan_undo, undo

    config = load_config(args.config)
    plan = plan_undo(store, args.import_id)
    question = T.UNDO_QUESTION.format(
        id=plan.target.id, file=plan.target.file_name, replayed=len(plan.replay)
    )
    if not _confirmed(question, args.yes):
        return _declined()
    result = undo(store, args.import_id, config=config)
    base = T.UNDO_BASE_BACKUP.format(backup=result.plan.base.id) if result.plan.base else T.UNDO_BASE_EMPTY
    print(T.UNDO_DONE.format(id=result.plan.target.id, file=result.plan.target.file_name, base=base,
                             replayed=len(result.plan.replay), before=result.plan.tickets_before,
                             after=result.tickets_after, backup=_backup_name(result.backup)))  # fmt: skip
    return 0


def _list_backups(store: Path, *, as_json: bool) -> int:
    entries = backup_entries(store)
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    elif not entries:
        print(T.BACKUPS_EMPTY)
    else:
        print(T.BACKUPS_HEADER)
        for entry in entries:
            shown = {k: "?" if v is None else v for k, v in entry.items()}
            print(T.BACKUP_LINE.format(**{**shown, "reason": T.BACKUP_REASONS[entry["reason"]]}))
    return 0


def backup_entries(store: Path) -> list[dict[str, object]]:
    """The store's backups, oldest first: the `restore --json` objects."""
    from etl import backups

    return [_backup_entry(b) for b in backups.list_backups(store)]


def _backup_entry(backup: backups.Backup) -> dict[str, object]:
    import duckdb

    from etl import backups

    entry: dict[str, object] = {"id": backup.id, "reason": backup.reason,
                                "created_at": backup.created_at.isoformat(), "path": str(backup.path),
                                "size_bytes": backup.path.stat().st_size}  # fmt: skip
    try:
        held = backups.contents(backup.path)
    except duckdb.Error as exc:
        return {**entry, "imports": None, "tickets": None, "last_file": None, "error": str(exc)}
    last = held.imports[-1][2] if held.imports else ""
    return {**entry, "imports": len(held.imports), "tickets": held.tickets, "last_file": last}


def _restore(store: Path, args: argparse.Namespace) -> int:
    import duckdb

    from etl import backups
    from etl.undo import IntakeError, restore

    config = load_config(args.config)
    chosen = backups.find(store, args.backup_id)
    if chosen is None:
        raise IntakeError(T.BACKUP_UNKNOWN.format(id=args.backup_id))
    try:
        held = backups.contents(chosen.path)
    except duckdb.Error as exc:
        raise IntakeError(T.BACKUP_UNREADABLE.format(id=chosen.id, error=exc)) from None
    question = T.RESTORE_QUESTION.format(id=chosen.id, imports=len(held.imports), tickets=held.tickets)
    if not _confirmed(question, args.yes):
        return _declined()
    before, after, taken = restore(store, chosen.id, config=config)
    print(T.RESTORE_DONE.format(id=chosen.id, before=before, after=after, backup=_backup_name(taken)))
    return 0


def _backup_name(backup: backups.Backup | None) -> str:
    return backup.id if backup else "—"


def _confirmed(question: str, yes: bool) -> bool:
    """--yes, or a y typed on a terminal; without a terminal and without --yes nothing is done."""
    if yes:
        return True
    if not sys.stdin.isatty():
        return False
    return input(T.CONFIRM.format(question=question)).strip().lower() in ("y", "yes", T.YES_NO[True])


def _declined() -> int:
    if not sys.stdin.isatty():
        print(T.NEEDS_YES, file=sys.stderr)
        return 2
    print(T.CANCELLED)
    return 0
