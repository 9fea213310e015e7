"""Writes the 周通报 Word template, data/bulletin/template.docx, once: `python -m metrics.bulletin_template`.

The town restyles the written file in Word or WPS (fonts, 红头, margins) and the program only fills its
{{ }} fields and {%tr %} table rows (docxtpl). The file is committed; tests hold this script to it byte
for byte, so change the script and run it again rather than hand-editing the shipped template.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from firedash.glossary import WORDS, label, text
from metrics.bulletin_settings import DEFAULT_TEMPLATE

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = WORDS["excel_font"]  # 宋体 bold for the 红头: present on every Windows and in WPS
TEXT_WIDTH_MM = 156  # A4 (210 mm) less the 公文 margins of 28 mm left and 26 mm right
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries' time, so the same script writes the same bytes

# Table columns: (header, field of the context's rows, width in mm); widths add up to TEXT_WIDTH_MM.
FIGURE_COLUMNS = (
    (text("bulletin_col_kind"), "kind", 36), (label("found"), "found", 32), (label("rectified"), "rectified", 30),
    (label("rate"), "rate", 26), (text("bulletin_col_change"), "change", 32),
)  # fmt: skip
VILLAGE_COLUMNS = (
    (label("rank"), "rank", 12), (label("village"), "village", 28), (label("found"), "found", 22),
    (label("rectified"), "rectified", 20), (label("rate"), "rate", 17), (text("bulletin_col_change"), "change", 21),
    (label("overdue"), "overdue", 22), (label("list"), "list", 14),
)  # fmt: skip
LATE_COLUMNS = (
    (label("village"), "village", 22), (label("unit"), "unit", 32), (label("description"), "description", 40),
    (label("deadline"), "deadline", 24), (label("days_overdue"), "days", 16), (label("office"), "office", 22),
)  # fmt: skip
MAJOR_COLUMNS = (
    (label("village"), "village", 20), (label("unit"), "unit", 28), (label("description"), "description", 38),
    (label("severity"), "severity", 18), (label("county_supervised"), "supervised", 12),
    (label("deadline"), "deadline", 22), (label("state"), "state", 18),
)  # fmt: skip


def _fonts(style, name: str, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Latin and East Asian font of a style: Word reads w:eastAsia for Chinese characters."""
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    if colour is not None:
        style.font.color.rgb = colour
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph_style(doc, key: str, font: str, size: float, **kwargs) -> None:
    style = doc.styles.add_style(text(key), WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _fonts(style, font, size, bold=kwargs.get("bold", False), colour=kwargs.get("colour"))
    layout = style.paragraph_format
    layout.alignment = kwargs.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    layout.first_line_indent = Pt(size * 2) if kwargs.get("indent") else None
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(kwargs.get("line", size * 1.75))
    layout.space_before = Pt(kwargs.get("before", 0))
    layout.space_after = Pt(kwargs.get("after", 0))
    layout.keep_with_next = kwargs.get("keep", False)


def _styles(doc) -> None:
    body, heading = text("bulletin_font_body"), text("bulletin_font_heading")
    _fonts(doc.styles["Normal"], body, 16)
    # Chinese text is zh-CN: LibreOffice then falls back to the SC forms of a CJK font, not the JP ones.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")  # digits and Latin letters: words that never break
    language.set(qn("w:eastAsia"), "zh-CN")
    doc.styles["Normal"].element.get_or_add_rPr().append(language)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(
        doc, "bulletin_style_title", TITLE_FONT, 24, bold=True, colour=RED, align=centre, line=36
    )
    _paragraph_style(doc, "bulletin_style_kind", TITLE_FONT, 40, bold=True, colour=RED, align=centre, line=56)
    _paragraph_style(doc, "bulletin_style_issue", body, 16, align=centre, before=6, after=6)
    _paragraph_style(doc, "bulletin_style_issuer", body, 14, line=24)
    _paragraph_style(
        doc, "bulletin_style_stamp", text("bulletin_font_subheading"), 14, align=centre, before=8
    )
    _paragraph_style(doc, "bulletin_style_heading", heading, 16, before=10, keep=True)
    _paragraph_style(
        doc, "bulletin_style_subheading", text("bulletin_font_subheading"), 16, bold=True, keep=True
    )
    _paragraph_style(doc, "bulletin_style_body", body, 16, indent=True, line=28)
    _paragraph_style(doc, "bulletin_style_table", body, 10.5, align=centre, line=15)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


def _red_rule(paragraph) -> None:
    """The 红头's red line: a bottom border on the issuer line."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _header(doc) -> None:
    doc.add_paragraph("{{ title }}", style=text("bulletin_style_title"))
    doc.add_paragraph(text("bulletin_kind"), style=text("bulletin_style_kind"))
    doc.add_paragraph("{{ issue }}", style=text("bulletin_style_issue"))
    issuer = doc.add_paragraph("{{ issuer }}\t{{ issue_date }}", style=text("bulletin_style_issuer"))
    issuer.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _red_rule(issuer)
    doc.add_paragraph("{{ week }}\u2003{{ stamp }}", style=text("bulletin_style_stamp"))


def _keep_whole(row) -> None:
    """A row is never split across two pages (the loop's copies keep the flag)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _table(doc, loop: str, columns: Sequence[tuple[str, str, int]]) -> None:
    """A header row, then the docxtpl loop rows: {%tr for r in loop %} / one row of fields / {%tr endfor %}."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cells = [
        [heading for heading, _, _ in columns],
        [f"{{%tr for r in {loop} %}}"] + [""] * (len(columns) - 1),
        [f"{{{{ r.{field} }}}}" for _, field, _ in columns],
        ["{%tr endfor %}"] + [""] * (len(columns) - 1),
    ]
    for column, (_, _, width) in zip(table.columns, columns, strict=True):
        column.width = Mm(width)  # the grid: LibreOffice and WPS lay columns out by it
    for row, values in zip(table.rows, cells, strict=True):
        _keep_whole(row)
        for cell, value, (_, _, width) in zip(row.cells, values, columns, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles[text("bulletin_style_table")]
            run = paragraph.add_run(value)
            run.bold = row is table.rows[0]
    _repeat_header(table.rows[0])


def _body(doc, field: str, style: str = "bulletin_style_body") -> None:
    doc.add_paragraph(f"{{{{ {field} }}}}", style=text(style))


def _chart(doc, field: str) -> None:
    paragraph = doc.add_paragraph(f"{{{{ {field} }}}}", style=text("bulletin_style_table"))
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.space_before = Pt(6)


def _either(doc, loop: str, columns: Sequence[tuple[str, str, int]], none_field: str) -> None:
    """The table of `loop` when it has rows, else the sentence saying there are none."""
    doc.add_paragraph(f"{{%p if {loop} %}}", style=text("bulletin_style_table"))
    _table(doc, loop, columns)
    doc.add_paragraph("{%p else %}", style=text("bulletin_style_table"))
    _body(doc, none_field)
    doc.add_paragraph("{%p endif %}", style=text("bulletin_style_table"))


def _sections(doc) -> None:
    heading = text("bulletin_style_heading")
    doc.add_paragraph(text("bulletin_h_overall"), style=heading)
    for field in ("overall", "split", "timeliness"):
        _body(doc, field)
    _table(doc, "figures", FIGURE_COLUMNS)
    _chart(doc, "weekly_chart")
    doc.add_paragraph(text("bulletin_h_villages"), style=heading)
    _table(doc, "villages", VILLAGE_COLUMNS)
    _body(doc, "rank_note", "bulletin_style_issuer")
    _body(doc, "red_line")
    _body(doc, "black_line")
    _chart(doc, "ranking_chart")
    doc.add_paragraph(text("bulletin_h_problems"), style=heading)
    _body(doc, "newly_overdue_title", "bulletin_style_subheading")
    _either(doc, "newly_overdue", LATE_COLUMNS, "newly_overdue_none")
    _body(doc, "major_title", "bulletin_style_subheading")
    _either(doc, "major_open", MAJOR_COLUMNS, "major_none")
    for title, field in (("behind_title", "behind"), ("no_ledger_title", "no_ledger")):
        _body(doc, title, "bulletin_style_subheading")
        _body(doc, field)
    doc.add_paragraph(text("bulletin_h_requirements"), style=heading)
    doc.add_paragraph("{%p for p in requirements %}", style=text("bulletin_style_body"))
    _body(doc, "p")
    doc.add_paragraph("{%p endfor %}", style=text("bulletin_style_body"))
    closing = doc.add_paragraph("{{ issuer }}", style=text("bulletin_style_body"))
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.paragraph_format.space_before = Pt(24)
    stamp = doc.add_paragraph("{{ issue_date }}", style=text("bulletin_style_body"))
    stamp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    copy_to = doc.add_paragraph(text("bulletin_copy_to"), style=text("bulletin_style_issuer"))
    copy_to.paragraph_format.space_before = Pt(18)


def template_document() -> bytes:
    """The template as .docx bytes, the same bytes on every run."""
    doc = Document()
    _page(doc)
    _styles(doc)
    _header(doc)
    _sections(doc)
    props = doc.core_properties
    props.title = text("bulletin_kind")
    props.author = props.last_modified_by = ""
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's time fixed: python-docx stamps entries with the time of saving."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Write the template to the given path (default data/bulletin/template.docx)."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEFAULT_TEMPLATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_document())
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
