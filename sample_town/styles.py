"""How each village lays out its ledger: columns, header words, date forms, status words and quirks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Field -> the header most ledgers use; a style overrides some of them.
HEADERS: dict[str, str] = {
    "seq": "序号", "hazard_no": "隐患编号", "found": "排查日期", "village": "村（社区）", "unit": "单位名称",
    "address": "地址", "sector": "场所类型", "category": "隐患类别", "description": "隐患描述",
    "severity": "隐患等级", "supervised": "是否挂牌督办", "measures": "整改措施", "deadline": "整改期限",
    "office": "责任单位", "responsible": "责任人", "phone": "联系电话", "method": "检查方式",
    "status": "整改情况", "rectified": "整改完成时间", "note": "备注",
}  # fmt: skip
FULL = tuple(HEADERS)
# Under a two-level header, 整改情况 spans these two sub-columns.
MERGED_GROUP = ("整改情况", {"status": "是否整改", "rectified": "整改完成时间"})


@dataclass(frozen=True)
class Style:
    """One village's ledger layout, the same every week (villages copy last week's file)."""

    fmt: str = "xlsx"  # xlsx | xls
    fields: tuple[str, ...] = FULL
    headers: dict[str, str] = field(default_factory=dict)
    merged_header: bool = False
    date_form: str = "excel"  # excel | dot | slash | cn | md | iso | serial
    date_format: str = "yyyy-mm-dd"  # Excel number format of real date cells
    name_suffix: str = ""  # what the village column appends to 东河村: 委会, 民委员会 …
    words: tuple[str, str, str] = ("未整改", "整改中", "已整改")  # open, in progress, rectified
    done_alt: str | None = None  # a second word for rectified, used for some tickets
    blank_when_done: bool = False  # status left empty once 整改完成时间 is filled
    quirky_text: bool = False  # full-width digits and stray spaces now and then
    title_brackets: bool = True  # 《…》 around the title
    report_cell_apart: bool = False  # 填报日期 in its own cell, right of 填报单位
    blank_rows: bool = False
    total_row: bool = True
    notes: bool = True
    file_name: str = "{village}今冬明春火灾隐患排查整改台账_{ymd}.xlsx"

    def header(self, name: str) -> str:
        return self.headers.get(name, HEADERS[name])


NUMBERED = FULL
UNNUMBERED = tuple(f for f in FULL if f != "hazard_no")
SPARSE = ("seq", "found", "village", "unit", "sector", "category", "description", "severity", "deadline",
          "office", "responsible", "status", "rectified", "note")  # fmt: skip

STYLES: dict[str, Style] = {
    "东河村": Style(merged_header=True, file_name="东河村火灾隐患排查整改台账{ymd}.xlsx"),
    "西岭村": Style(
        fields=UNNUMBERED,
        date_form="dot",
        name_suffix="委会",
        words=("待整改", "正在整改", "整改完成"),
        headers={"village": "村名", "found": "检查时间", "description": "存在问题", "deadline": "整改时限"},
        file_name="西岭村隐患排查台账（{m}.{d}）.xlsx",
    ),
    "南坪村": Style(
        fields=UNNUMBERED,
        date_form="slash",
        words=("限期整改", "部分整改", "已完成"),
        blank_rows=True,
        headers={"village": "所属村", "found": "发现时间", "unit": "场所名称"},
        title_brackets=False,
        file_name="南坪村今冬明春隐患台账_第{week}周.xlsx",
    ),
    "北山村": Style(
        fmt="xls",
        fields=UNNUMBERED,
        name_suffix="民委员会",
        words=("未整改", "整改中", "完成"),
        title_brackets=False,
        file_name="北山村隐患排查整改台账{ymd}.xls",
    ),
    "石桥村": Style(
        merged_header=True,
        date_form="cn",
        quirky_text=True,
        headers={"found": "检查日期"},
        report_cell_apart=True,
        file_name="石桥村火灾隐患排查整改台账_{ymd}.xlsx",
    ),
    "柳湾村": Style(
        merged_header=True,
        date_format='yyyy"年"m"月"d"日"',
        done_alt="已完成",
        headers={"deadline": "整改\n期限", "description": "隐患\n描述"},
        file_name="柳湾村冬春火灾隐患台账 {ymd}.xlsx",
    ),
    "杨家庄村": Style(
        fields=UNNUMBERED,
        date_form="md",
        words=("待整改", "整改中", "已整改"),
        headers={"found": "排查时间"},
        quirky_text=True,
        file_name="杨家庄村隐患台账{m}月{d}日.xlsx",
    ),
    "高坎村": Style(
        date_form="iso",
        words=("未整改", "正在整改", "已整改"),
        report_cell_apart=True,
        headers={"description": "隐患描述 ", "deadline": " 整改期限", "found": "检查日期"},
        file_name="高坎村火灾隐患排查整改台账-{iso}.xlsx",
    ),
    "青龙村": Style(
        merged_header=True, date_form="slash", title_brackets=False, file_name="青龙村隐患整改台账_{ymd}.xlsx"
    ),
    "白沙村": Style(
        fields=UNNUMBERED,
        date_form="serial",
        done_alt="已销号",
        name_suffix="委会",
        file_name="白沙村今冬明春火灾隐患排查整改台账（第{week}周）.xlsx",
    ),
    "黄土坡村": Style(
        fields=SPARSE,
        date_form="dot",
        name_suffix="委会",
        total_row=False,
        notes=False,
        headers={"village": "村（社区）", "found": "排查日期", "description": "存在的问题"},
        file_name="黄土坡村隐患台账{ymd}.xlsx",
    ),
    "桃源村": Style(
        merged_header=True,
        date_form="cn",
        blank_when_done=True,
        words=("未整改", "整改中", "已整改"),
        file_name="桃源村火灾隐患排查整改台账{ymd}.xlsx",
    ),
    "马鞍村": Style(
        fields=UNNUMBERED,
        date_form="slash",
        name_suffix="民委员会",
        words=("未整改", "部分整改", "已整改"),
        blank_rows=True,
        quirky_text=True,
        file_name="马鞍村隐患排查台账_{ymd}.xlsx",
    ),
}
# The 社区 send one workbook, one sheet per community, no village column.
COMMUNITY_STYLE = Style(
    fields=tuple(f for f in FULL if f != "village"),
    merged_header=True,
    date_format="yyyy/m/d",
    file_name="社区火灾隐患排查整改台账汇总_{ymd}.xlsx",
)
COMMUNITY_SUFFIX = "居委会"
# 应急办's findings of the joint checks, a CSV saved by Excel on a Chinese Windows (GB18030).
OFFICE_STYLE = Style(
    fields=(
        "seq",
        "found",
        "village",
        "unit",
        "address",
        "sector",
        "category",
        "description",
        "severity",
        "deadline",
        "office",
        "method",
        "status",
        "rectified",
        "note",
    ),  # fmt: skip
    headers={"found": "检查日期", "village": "所属村", "description": "存在问题"},
    date_form="slash",
    words=("未整改", "整改中", "已整改"),
    file_name="应急办部门联查隐患清单_{ymd}.csv",
)
CLOSURE_FILE = "应急办整改销号台账_{ymd}.xlsx"


def file_name(style_pattern: str, day: dt.date, week: int) -> str:
    """A ledger's file name on a report date, in the village's own habit."""
    return style_pattern.format(
        ymd=day.strftime("%Y%m%d"), iso=day.isoformat(), m=day.month, d=day.day, week=week
    )
