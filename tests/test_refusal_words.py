"""Refusals read from the glossary as they were written before: thousands separators, a file with no suffix,
and the [access]/[intake] keys of data/town.toml, each whole (real files in tmp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import LedgerError
from etl.limits import DEFAULT_LIMITS, ReadLimits
from etl.readers import read_ledger
from firedash.config import ConfigError, load_config

VALID = """
town = "小河镇"
villages = ["甲村"]
[campaign]
name = "冬春行动"
start = 2024-11-01
end = 2025-03-31
[[campaign.phases]]
name = "实施"
start = 2024-11-01
end = 2025-03-31
"""


def refusal(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    with pytest.raises(LedgerError) as caught:
        read_ledger(path, limits=limits)
    return str(caught.value)


def csv_file(tmp_path: Path, rows: int, columns: int) -> Path:
    path = tmp_path / "S.csv"
    path.write_text("\n".join([",".join(["x"] * columns)] * rows) + "\n", encoding="utf-8")
    return path


def test_extents_are_written_with_thousands_separators(tmp_path):
    assert refusal(csv_file(tmp_path, 1_001, 1), ReadLimits(rows=1_000)) == (
        "工作表“S”有 1,001 行，超过每个工作表 1,000 行的上限，未导入"
    )
    assert refusal(csv_file(tmp_path, 1, 1_001), ReadLimits(columns=1_000)) == (
        "工作表“S”有 1,001 列，超过每个工作表 1,000 列的上限，未导入"
    )
    assert refusal(csv_file(tmp_path, 1_000, 2), ReadLimits(cells=1_999)) == (
        "工作表“S”的表格范围有 1,000 行 × 2 列，超过 1,999 个单元格的上限"
        "（请删除远离台账的单元格内容后再导入），未导入"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"<html><body><table></table></body></html>",
            "这是网页（HTML）文件，不是 Excel 表格（扩展名为 无扩展名）：请用 Excel 打开后“另存为” .xlsx 再导入",
        ),
        (
            b"<?xml version='1.0'?><root/>",
            "不是电子表格文件（扩展名为 无扩展名，内容却是 XML），请用 Excel 打开后另存为 .xlsx 再导入",
        ),
        (b"just some text", "不支持的文件类型“无扩展名”（请提供 .xlsx、.xls 或 .csv 文件）"),
    ],
)
def test_a_file_without_a_suffix_is_named_so(tmp_path, content, reason):
    path = tmp_path / "台账"
    path.write_bytes(content)
    assert refusal(path) == reason


@pytest.mark.parametrize(
    ("section", "reason"),
    [
        ("access = 1\n", "的键 access 应为表"),
        ("[access]\npublic_view = 0\n", "的键 access.public_view 应为 true 或 false"),
        ("[access]\nsession_minutes = true\n", "的键 access.session_minutes 应为正整数（分钟）"),
        ('[access]\nlisten_address = " "\n', "的键 access.listen_address 应为非空文字（如 127.0.0.1）"),
        ("intake = 1\n", "的键 intake 应为表"),
        ("[intake]\nbackups_keep = true\n", "的键 intake.backups_keep 应为不小于 0 的整数（如 10）"),
        (
            "[intake]\npublish_every_seconds = -1\n",
            "的键 intake.publish_every_seconds 应为不小于 0 的秒数（如 5）",
        ),
    ],
)
def test_access_and_intake_errors_read_whole(tmp_path, section, reason):
    path = tmp_path / "bad.toml"
    # A top-level key goes before the first table, a table after the others.
    path.write_text(VALID + section if section.startswith("[") else section + VALID, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"配置文件 {path} {reason}"
