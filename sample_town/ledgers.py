"""Lay out the ledgers of one report date: title rows, header, the tickets so far, 合计 and notes."""

from __future__ import annotations

import datetime as dt

from sample_town.cells import Cell, is_rectified, office_village_suffix, row_cells, village_cell
from sample_town.styles import MERGED_GROUP, OFFICE_STYLE, Style
from sample_town.world import Ticket
from sample_town.writers import Sheet

WIDTHS = {"seq": 6, "hazard_no": 13, "found": 12, "unit": 22, "address": 16, "description": 30, "measures": 26,
          "deadline": 12, "rectified": 13, "note": 16, "phone": 14}  # fmt: skip
CLOSURE_HEADER = ("序号", "隐患编号", "村（社区）", "单位名称", "隐患描述", "整改措施", "整改完成时间", "复查人",
                  "复查时间", "是否销号", "整改资金（元）", "备注")  # fmt: skip
NOTE = "注：隐患等级分为一般隐患、重大火灾隐患；整改期限为“立即整改”的须当日整改完毕。"


def report_date_text(day: dt.date) -> str:
    return f"填报日期：{day.year}年{day.month}月{day.day}日"


def village_sheet(
    name: str,
    village: str,
    reporter: str,
    day: dt.date,
    style: Style,
    tickets: list[Ticket],
    clerks: tuple[str, str],
) -> Sheet:
    """One village's cumulative ledger as it stood on `day`."""
    title = f"大同镇{village}今冬明春火灾隐患排查整改台账"
    sheet = Sheet(name, [], date_format=style.date_format, widths=[WIDTHS.get(f, 10) for f in style.fields])
    _title(sheet, f"《{title}》" if style.title_brackets else title, f"填报单位：{reporter}", day, style)
    _header(sheet, style)
    shown = [t for t in tickets if t.found <= day]
    _body(sheet, shown, style, day)
    if style.total_row:
        done = sum(is_rectified(t, day) for t in shown)
        total = _blank(style.fields)
        total[0], total[style.fields.index("description")] = (
            "合计",
            f"共排查隐患{len(shown)}处，已整改{done}处",
        )
        sheet.rows.append(total)
    if style.notes:
        sheet.rows += [[], [f"填表人：{clerks[0]}        审核人：{clerks[1]}"], [NOTE]]
    return sheet


def _blank(fields: tuple[str, ...]) -> list[Cell]:
    return [None] * len(fields)


def _title(sheet: Sheet, title: str, reporter: str, day: dt.date, style: Style) -> None:
    last = len(style.fields) - 1
    sheet.rows.append([title] + [None] * last)
    sheet.merges.append((0, 0, 0, last))
    if style.report_cell_apart:
        row = [reporter] + [None] * last
        row[last - 3] = report_date_text(day)
        sheet.merges += [(1, 0, 1, last - 4), (1, last - 3, 1, last)]
    else:
        row = [f"{reporter}        {report_date_text(day)}"] + [None] * last
        sheet.merges.append((1, 0, 1, last))
    sheet.rows.append(row)


def _header(sheet: Sheet, style: Style) -> None:
    top = len(sheet.rows)
    names = [style.header(f) for f in style.fields]
    if not style.merged_header:
        sheet.rows.append(names)
        sheet.header_rows = (top,)
        return
    group, subs = MERGED_GROUP
    upper, lower = list(names), [None] * len(names)
    for c, name in enumerate(style.fields):
        if name in subs:
            upper[c], lower[c] = None, subs[name]
        else:
            sheet.merges.append((top, c, top + 1, c))
    first = style.fields.index("status")
    upper[first] = group
    sheet.merges.append((top, first, top, first + 1))
    sheet.rows += [upper, lower]
    sheet.header_rows = (top, top + 1)


def _body(sheet: Sheet, tickets: list[Ticket], style: Style, day: dt.date) -> None:
    previous_month = None
    for seq, ticket in enumerate(tickets, start=1):
        if style.blank_rows and previous_month and ticket.found.month != previous_month:
            sheet.rows.append([])  # villages leave a gap between months
        previous_month = ticket.found.month
        sheet.rows.append(row_cells(ticket, style, day, seq))


def office_sheet(day: dt.date, tickets: list[Ticket]) -> Sheet:
    """应急办's list of the joint checks' findings, with the villages written every which way."""
    style = OFFICE_STYLE
    sheet = Sheet("部门联查隐患清单", [])
    last = len(style.fields) - 1
    head = [None] * (last + 1)
    head[0], head[last - 2] = "填报单位：镇应急办", report_date_text(day)
    sheet.rows += [["大同镇今冬明春火灾防控部门联查隐患清单"] + [None] * last, head]
    sheet.rows.append([style.header(f) for f in style.fields])
    village_at = style.fields.index("village")
    for seq, ticket in enumerate((t for t in tickets if t.found <= day), start=1):
        row = row_cells(ticket, style, day, seq)
        row[village_at] = village_cell(ticket.village, office_village_suffix(ticket))
        sheet.rows.append(row)
    sheet.rows += [
        [],
        ["注：本清单由镇应急办汇总，请各村（社区）、责任单位对照整改，整改完成后报应急办复查销号。"],
    ]
    return sheet


def closure_sheet(day: dt.date, tickets: list[Ticket]) -> Sheet:
    """应急办's 整改销号台账: numbered tickets re-checked by `day`, pointing back by 隐患编号."""
    sheet = Sheet(
        "整改销号台账", [], date_format="yyyy-mm-dd", widths=[6, 13, 10, 22, 30, 26, 13, 8, 13, 8, 12, 16]
    )
    last = len(CLOSURE_HEADER) - 1
    sheet.rows += [
        ["大同镇今冬明春火灾隐患整改销号台账"] + [None] * last,
        [f"填报单位：镇应急办（领导小组办公室）        {report_date_text(day)}"] + [None] * last,
        list(CLOSURE_HEADER),
    ]
    sheet.merges += [(0, 0, 0, last), (1, 0, 1, last)]
    sheet.header_rows = (2,)
    listed = [t for t in tickets if _reviewed_by(t, day)]
    for seq, t in enumerate(listed, start=1):
        closed = "是" if t.closed and t.closed <= day else "否"
        sheet.rows.append([seq, t.hazard_no, t.village, t.unit, t.description, t.measures, t.rectified,
                           t.reviewer, t.reviewed, closed, t.funds, "县政府挂牌督办" if t.supervised else None])  # fmt: skip
    funds = sum(t.funds or 0 for t in listed)
    sheet.rows.append(
        ["合计", None, None, None, f"共{len(listed)}处", None, None, None, None, None, funds, None]
    )
    return sheet


def _reviewed_by(ticket: Ticket, day: dt.date) -> bool:
    # Only tickets a village has reported in an earlier week: the office re-checks what it already knows.
    return bool(
        ticket.hazard_no
        and ticket.reviewed
        and ticket.reviewed <= day
        and ticket.found <= day - dt.timedelta(days=10)
    )
