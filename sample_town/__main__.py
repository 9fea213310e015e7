"""Command line of the sample generator: python -m sample_town [--out data/sample] [--seed 2023]."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sample_town import DEFAULT_OUT, DEFAULT_SEED, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_town", description="生成样例镇的各周排查整改台账")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出文件夹（默认 data/sample）")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 2023），同一种子生成相同的文件"
    )
    parser.add_argument("--until", type=dt.date.fromisoformat, help="只生成到该日期（YYYY-MM-DD）为止的各周")
    parser.add_argument("--config", help="镇和专项行动配置（默认 data/town.toml）")
    args = parser.parse_args(argv)
    from firedash.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    files = generate(args.out, seed=args.seed, config=config, until=args.until)
    size = sum(f.stat().st_size for f in files)
    print(f"已生成 {len(files)} 个台账文件（{size / 1e6:.1f} MB），位于 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
