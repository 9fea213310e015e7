"""The command line for users and the audit trail: `python -m firedash users …` and `python -m firedash audit`."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence

from firedash import audit, users
from firedash.access import Role
from firedash.config import ConfigError, load_config

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2 as well
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"用法错误：{message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m firedash", description="看板用户与操作记录")
    parser.add_argument("--users", help="用户文件（默认 $FIREDASH_USERS 或 data/users.toml）")
    parser.add_argument("--db", help="数据库，操作记录在其所在文件夹（默认 $FIREDASH_DB）")
    parser.add_argument("--audit", help="操作记录文件（默认 $FIREDASH_AUDIT 或数据库旁的 audit.jsonl）")
    parser.add_argument("--config", help="镇的配置文件（默认 $FIREDASH_CONFIG 或 data/town.toml）")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    user_commands = commands.add_parser("users", help="管理用户").add_subparsers(
        dest="users_command", required=True, parser_class=_Parser
    )
    add = user_commands.add_parser("add", help="新增用户（密码从终端或标准输入读取）")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="应急办、领导 或 村（社区）/科室")
    add.add_argument("--village", help="村（社区）/科室 角色所属的村（社区）或科室")
    user_commands.add_parser("list", help="列出用户").add_argument("--json", action="store_true")
    user_commands.add_parser("remove", help="删除用户").add_argument("name")
    user_commands.add_parser("passwd", help="修改密码（也解除锁定）").add_argument("name")
    trail = commands.add_parser("audit", help="查看操作记录")
    trail.add_argument("--json", action="store_true", help="每行一个 JSON 对象")
    trail.add_argument("--verify", action="store_true", help="检查记录是否被改动或删除")
    trail.add_argument("--action", help="只看某类操作（代码，如 login_failed）")
    trail.add_argument("--user", help="只看某个用户")
    return parser


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message, file=sys.stderr)
    return code


def read_password(confirm: bool = True) -> str:
    """From the terminal (asked twice) or, when stdin is not a terminal, its first line; never an argument."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise users.UserError("两次输入的密码不一致")
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
    unit = f"（{user.village}）" if user.village else ""
    _audit_user_change(args, "user_add", f"新增用户 {user.name}，角色 {role.label}{unit}", user.name)
    print(f"已新增用户 {user.name}，角色 {role.label}{unit}")
    return EXIT_OK


def _users_remove(args: argparse.Namespace) -> int:
    user = users.remove_user(args.name, path=args.users)
    _audit_user_change(args, "user_remove", f"删除用户 {user.name}（{user.role.label}）", user.name)
    print(f"已删除用户 {user.name}")
    return EXIT_OK


def _users_passwd(args: argparse.Namespace) -> int:
    if args.name not in users.load_users(args.users):
        raise users.UserError(f"没有用户 {args.name}")
    user = users.set_password(args.name, read_password(), path=args.users)
    _audit_user_change(args, "user_passwd", f"修改用户 {user.name} 的密码", user.name)
    print(f"已修改用户 {user.name} 的密码")
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
        print("还没有用户。新增第一个应急办账户：python -m firedash users add 用户名 --role 应急办")
    for row in rows:
        lock = f"  锁定至 {row['locked_until'][11:16]}" if row["locked_until"] else ""
        unit = f"（{row['village']}）" if row["village"] else ""
        print(
            f"{row['name']}\t{row['role_label']}{unit}\t创建 {row['created'][:16]}\t修改 {row['changed'][:16]}{lock}"
        )
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    path = audit.audit_path(args.audit, db=args.db)
    if args.verify:
        report = audit.verify_chain(path)
        if not report.ok:
            return _fail(f"操作记录 {path} 不完整：{report.reason}", EXIT_PROBLEM)
        print(f"操作记录 {path} 完整：{report.lines} 行，未发现改动或删除")
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


_COMMANDS = {"add": _users_add, "list": _users_list, "remove": _users_remove, "passwd": _users_passwd}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "audit":
            return _audit(args)
        return _COMMANDS[args.users_command](args)
    except (users.UserError, ConfigError, ValueError) as exc:
        return _fail(str(exc))
    except (EOFError, KeyboardInterrupt):
        return _fail("已取消")


if __name__ == "__main__":
    sys.exit(main())
