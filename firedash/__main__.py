"""The command line for users and the audit trail (`python -m firedash users …`, `audit`) and `serve-args`."""

from __future__ import annotations

import argparse
import getpass
import json
import shlex
import sys
from collections.abc import Sequence

from firedash import audit, users
from firedash.access import Role
from firedash.config import ConfigError, load_config
from firedash.glossary import AUDIT_ACTIONS, text

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2 as well
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, text("users_cli_usage_error", message=message) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m firedash", description=text("users_cli_description"))
    parser.add_argument("--users", help=text("users_cli_users"))
    parser.add_argument("--db", help=text("users_cli_db"))
    parser.add_argument("--audit", help=text("users_cli_audit"))
    parser.add_argument("--config", help=text("users_cli_config"))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    user_commands = commands.add_parser("users", help=text("users_cli_manage")).add_subparsers(
        dest="users_command", required=True, parser_class=_Parser
    )
    add = user_commands.add_parser("add", help=text("users_cli_add"))
    add.add_argument("name")
    add.add_argument("--role", required=True, help=text("role_choices"))
    add.add_argument("--village", help=text("users_cli_village"))
    user_commands.add_parser("list", help=text("users_cli_list")).add_argument("--json", action="store_true")
    user_commands.add_parser("remove", help=AUDIT_ACTIONS["user_remove"]).add_argument("name")
    user_commands.add_parser("passwd", help=text("users_cli_passwd")).add_argument("name")
    commands.add_parser("serve-args", help=text("users_cli_serve_args"))
    trail = commands.add_parser("audit", help=text("users_cli_audit_show"))
    trail.add_argument("--json", action="store_true", help=text("users_cli_json"))
    trail.add_argument("--verify", action="store_true", help=text("users_cli_verify"))
    trail.add_argument("--action", help=text("users_cli_action"))
    trail.add_argument("--user", help=text("users_cli_user"))
    return parser


def _unit(village: str | None) -> str:
    """The village or office after a role: （东河村）, or nothing for a whole-town role."""
    return text("unit_suffix", unit=village) if village else ""


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message, file=sys.stderr)
    return code


def read_password(confirm: bool = True) -> str:
    """From the terminal (asked twice) or, when stdin is not a terminal, its first line; never an argument."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(text("password_prompt"))
    if confirm and getpass.getpass(text("password_again")) != first:
        raise users.UserError(text("password_mismatch"))
    return first


def _audit_user_change(args: argparse.Namespace, action: str, detail: str, name: str) -> None:
    audit.record(
        action, detail, who=getpass.getuser(), address=audit.LOCAL_ADDRESS, data={"user": name},
        path=audit.audit_path(args.audit, db=args.db),
    )  # fmt: skip


def _users_add(args: argparse.Namespace) -> int:
    role = Role.parse(args.role)
    config = load_config(args.config)
    users.check_new_user(args.name, role, args.village, config=config, path=args.users)
    users.check_password(password := read_password())
    user = users.add_user(args.name, role, password, config=config, village=args.village, path=args.users)
    added = {"name": user.name, "role": role.label, "unit": _unit(user.village)}
    _audit_user_change(args, "user_add", text("user_added_detail", **added), user.name)
    print(text("user_added", **added))
    return EXIT_OK


def _users_remove(args: argparse.Namespace) -> int:
    user = users.remove_user(args.name, path=args.users)
    detail = text("user_removed_detail", name=user.name, role=user.role.label)
    _audit_user_change(args, "user_remove", detail, user.name)
    print(text("user_removed", name=user.name))
    return EXIT_OK


def _users_passwd(args: argparse.Namespace) -> int:
    if args.name not in users.load_users(args.users):
        raise users.UserError(text("no_such_user", name=args.name))
    user = users.set_password(args.name, read_password(), path=args.users)
    _audit_user_change(args, "user_passwd", text("password_changed_detail", name=user.name), user.name)
    print(text("password_changed", name=user.name))
    return EXIT_OK


def _user_rows(args: argparse.Namespace) -> list[dict]:
    rows = []
    for user in users.load_users(args.users).values():
        until = users.locked_until(user.name, path=args.users)
        rows.append(
            {
                "name": user.name,
                "role": user.role.value,
                "role_label": user.role.label,
                "village": user.village,
                "created": user.created.isoformat(),
                "changed": user.changed.isoformat(),
                "locked_until": until.isoformat() if until and until > users.now() else None,
            }
        )
    return rows


def _users_list(args: argparse.Namespace) -> int:
    rows = _user_rows(args)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    if not rows:
        print(text("no_users_yet"))
    for row in rows:
        lock = text("locked_until", time=row["locked_until"][11:16]) if row["locked_until"] else ""
        print(
            text(
                "user_row", name=row["name"], role=row["role_label"], unit=_unit(row["village"]),
                created=row["created"][:16], changed=row["changed"][:16], lock=lock,
            )
        )  # fmt: skip
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    path = audit.audit_path(args.audit, db=args.db)
    if args.verify:
        report = audit.verify_chain(path)
        if not report.ok:
            return _fail(text("trail_broken", path=path, reason=report.reason), EXIT_PROBLEM)
        print(text("trail_intact", path=path, lines=report.lines))
        return EXIT_OK
    frame = audit.read(path, action=args.action, user=args.user)
    for row in frame.to_dict("records"):
        row["at"] = row["at"].isoformat()
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            label = audit.ACTIONS.get(row["action"], row["action"])
            print(f"{row['at']}\t{row['who']}\t{row['address']}\t{label}\t{row['detail']}")
    return EXIT_OK


def _serve_args(args: argparse.Namespace) -> int:
    """`streamlit run`'s listening address from [access] listen_address, for `make run`."""
    print(f"--server.address {shlex.quote(load_config(args.config).access.listen_address)}")
    return EXIT_OK


_COMMANDS = {"add": _users_add, "list": _users_list, "remove": _users_remove, "passwd": _users_passwd}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "audit":
            return _audit(args)
        if args.command == "serve-args":
            return _serve_args(args)
        return _COMMANDS[args.users_command](args)
    except (users.UserError, ConfigError, ValueError) as exc:
        return _fail(str(exc))
    except (EOFError, KeyboardInterrupt):
        return _fail(text("cancelled"))


if __name__ == "__main__":
    sys.exit(main())
