"""Write small real ledgers (.xlsx, .csv) to disk the way villages send them, for loader tests."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

COMBINED_HEADER = (
    "序号", "隐患编号", "排查日期", "村（社区）", "单位名称", "场所类型", "隐患类别", "隐患描述",
    "隐患等级", "整改期限", "责任单位", "整改情况", "整改完成时间",
)  # fmt: skip


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = COMBINED_HEADER,
    title: str | None = "大同镇今冬明春火灾隐患排查整改台账",
    report_line: str | None = None,
    sheet: str = "Sheet1",
) -> Path:
    """One sheet: optional title and 填报日期 rows, the header, the rows, a 合计 row and a note."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    if report_line:
        ws.append([report_line])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    ws.append(["合计", f"{len(rows)}处"])
    ws.append(["填表人：张三        审核人：李四"])
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, header: Sequence[str], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
