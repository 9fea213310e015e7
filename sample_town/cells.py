"""Render one ticket as a ledger row on a given day, in a village's style: dates, words and quirks."""

from __future__ import annotations

import datetime as dt

from sample_town.styles import Style
from sample_town.world import Ticket

Cell = str | int | float | dt.date | None
EXCEL_EPOCH = dt.date(1899, 12, 30)
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_SEVERITY_LONG = {"一般": "一般隐患", "较大": "较大隐患", "重大": "重大火灾隐患"}
IMPOSSIBLE = {
    "dot": "2024.2.30",
    "slash": "2024/2/30",
    "cn": "2024年2月30日",
    "iso": "2024-02-30",
    "md": "2月30日",
}


def date_cell(day: dt.date, form: str) -> Cell:
    """A date as the village writes it: a real Excel date, a serial number or one of the text forms."""
    forms = {
        "excel": lambda: day,
        "serial": lambda: (day - EXCEL_EPOCH).days,
        "dot": lambda: f"{day.year}.{day.month}.{day.day}",
        "slash": lambda: f"{day.year}/{day.month}/{day.day}",
        "cn": lambda: f"{day.year}年{day.month}月{day.day}日",
        "md": lambda: f"{day.month}月{day.day}日",
        "iso": lambda: day.isoformat(),
    }
    return forms[form]()


def deadline_cell(ticket: Ticket, style: Style) -> Cell:
    """整改期限: a date, or the words villages use (立即整改, X月底前, 长期)."""
    if ticket.deadline_kind == "immediate":
        return "立即整改" if ticket.variant % 3 else "立行立改"
    if ticket.deadline_kind == "long" or ticket.deadline is None:
        return "长期"
    if ticket.deadline_kind == "month_end":
        return f"{ticket.deadline.month}月底前"
    if style.date_form == "md":
        return f"{ticket.deadline.month}月{ticket.deadline.day}日前"
    return date_cell(ticket.deadline, style.date_form)


def found_cell(ticket: Ticket, style: Style, day: dt.date) -> Cell:
    if ticket.flaw == "no_found_date" and (ticket.fixed_from is None or day < ticket.fixed_from):
        return None
    if ticket.flaw == "impossible_date":
        return IMPOSSIBLE.get(style.date_form, "2024.2.30")
    return date_cell(ticket.found, style.date_form)


def is_rectified(ticket: Ticket, day: dt.date) -> bool:
    return ticket.rectified is not None and ticket.rectified <= day and ticket.flaw != "unreadable_status"


def status_cell(ticket: Ticket, style: Style, day: dt.date) -> Cell:
    """整改情况 as written on `day`: open, in progress or done, in the village's own words."""
    if ticket.flaw == "unreadable_status":
        return "见附件"
    if is_rectified(ticket, day):
        if ticket.on_the_spot:
            return "立查立改" if ticket.variant % 2 else "当场整改"
        if style.blank_when_done:
            return None
        return style.done_alt if style.done_alt and ticket.variant % 3 == 0 else style.words[2]
    if ticket.working_from and ticket.working_from <= day:
        return style.words[1]
    return style.words[0]


def rectified_cell(ticket: Ticket, style: Style, day: dt.date) -> Cell:
    if not is_rectified(ticket, day) or (ticket.on_the_spot and ticket.variant % 4 == 0):
        return None  # 立查立改 often leaves the date empty: rectified the day it was found
    return date_cell(ticket.rectified, style.date_form)


def village_cell(village: str, suffix: str) -> str:
    """东河村 + 委会 → 东河村委会; 新华社区 + 居委会 → 新华社区居委会."""
    return village + suffix if suffix else village


def office_village_suffix(ticket: Ticket) -> str:
    """The office's CSV writes villages every which way."""
    community = ticket.village.endswith("社区")
    return ("", "居委会" if community else "委会", "居民委员会" if community else "民委员会", "")[
        ticket.variant % 4
    ]


def text_quirk(text: str, ticket: Ticket, style: Style, which: int) -> str:
    """Full-width digits and stray spaces now and then, the same for a ticket every week."""
    if not style.quirky_text:
        return text
    pick = ticket.variant % 19
    if pick == which:
        return text.translate(_FULL_WIDTH)
    if pick == which + 5:
        return f"{text} "
    if pick == which + 10:
        return f"\u3000{text}"
    return text


def row_cells(ticket: Ticket, style: Style, day: dt.date, seq: int) -> list[Cell]:
    """The ticket's cells in the order of style.fields."""
    numbered = "hazard_no" in style.fields
    values: dict[str, Cell] = {
        "seq": seq,
        "hazard_no": ticket.hazard_no,
        "found": found_cell(ticket, style, day),
        "village": village_cell(ticket.village, style.name_suffix),
        "unit": text_quirk(ticket.unit, ticket, style, 0),
        "address": text_quirk(ticket.address, ticket, style, 1),
        "sector": ticket.sector,
        "category": ticket.category,
        "description": text_quirk(ticket.description, ticket, style, 2),
        "severity": _SEVERITY_LONG[ticket.severity] if numbered else ticket.severity,
        "supervised": "是" if ticket.supervised else ("否" if numbered else None),
        "measures": ticket.measures,
        "deadline": deadline_cell(ticket, style),
        "office": ticket.office,
        "responsible": ticket.responsible,
        "phone": ticket.phone,
        "method": ticket.method,
        "status": status_cell(ticket, style, day),
        "rectified": rectified_cell(ticket, style, day),
        "note": _note(ticket, day),
    }
    return [values[name] for name in style.fields]


def _note(ticket: Ticket, day: dt.date) -> str | None:
    if ticket.flaw == "no_found_date" and ticket.fixed_from and day >= ticket.fixed_from:
        return "补填排查日期"
    return ticket.note or None
