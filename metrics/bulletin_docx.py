"""Writes the 周通报: the context of metrics.bulletin into the Word template (docxtpl), charts as PNG, and PDF.

docxtpl because the town restyles a real .docx in Word or WPS (fonts, 红头, margins) and the program only
fills its {{ }} fields and {%tr %} rows; what the town changes in the template survives every week.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import plotly.io as pio
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from firedash.config import TownConfig
from firedash.glossary import text
from metrics.bulletin import bulletin_context, bulletin_week
from metrics.bulletin_settings import BulletinSettings, bulletin_settings
from metrics.bulletin_template import TITLE_FONT

CHART_WIDTH_MM = 150  # within the template's 156 mm of text width
CHART_WIDTH_PX = 900  # plotly's layout width; the chart's own height is kept
CHART_SCALE = 2  # pixels per layout pixel: sharp on paper at the printed width
PDF_TIMEOUT_SECONDS = 180


class PdfError(RuntimeError):
    """LibreOffice is missing or could not convert the document."""


def chart_png(fig: go.Figure) -> bytes:
    """A plotly figure as PNG (kaleido with the system's Chromium; the CJK fonts come from fontconfig)."""
    height = int(fig.layout.height or 480)
    return pio.to_image(fig, format="png", width=CHART_WIDTH_PX, height=height, scale=CHART_SCALE)


def render(template: Path, context: dict[str, object]) -> bytes:
    """The template filled with the context; `charts` (plotly figures) become inline images."""
    document = DocxTemplate(template)
    fields = {k: v for k, v in context.items() if k != "charts"}
    for name, fig in dict(context.get("charts", {})).items():  # type: ignore[call-overload]
        fields[name] = InlineImage(document, io.BytesIO(chart_png(fig)), width=Mm(CHART_WIDTH_MM))
    document.render(fields, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bulletin_bytes(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    *,
    as_of: dt.date | None = None,
    week: int | None = None,
    issue_no: int,
    settings: BulletinSettings | None = None,
) -> bytes:
    """The 第issue_no期 bulletin of `week` (as of its Sunday) or of as_of's week, as .docx bytes.

    For the 周报 page's button as for the CLI; it records nothing (metrics.bulletin_register does).
    """
    settings = settings or bulletin_settings(config)
    chosen = bulletin_week(config.campaign, as_of=as_of, week=week)
    context = bulletin_context(con, config, settings, week=chosen, issue_no=issue_no)
    return render(settings.template, context)


def soffice() -> str | None:
    """The LibreOffice command (Debian's libreoffice-writer-nogui), or None when not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# The template's Windows fonts (仿宋, 楷体, 宋体, 黑体) are not on a Debian machine: LibreOffice is pointed at
# the Simplified Chinese forms of Noto CJK (fonts-noto-cjk), or it would fall back to the Japanese ones.
_FONT_ALIASES = (
    (text("bulletin_font_body"), "Noto Serif CJK SC"),
    (text("bulletin_font_subheading"), "Noto Serif CJK SC"),
    (TITLE_FONT, "Noto Serif CJK SC"),
    (text("bulletin_font_heading"), "Noto Sans CJK SC"),
)


def _fontconfig(folder: Path) -> Path:
    """A fonts.conf: the system's, plus the template's fonts mapped to Noto CJK SC."""
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{noto}</family></prefer></alias>'
        for name, noto in _FONT_ALIASES
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return conf


def docx_to_pdf(docx: Path, pdf: Path) -> Path:
    """Convert with LibreOffice headless, offline, in a profile of its own (a running LibreOffice is not
    disturbed, and two conversions at once do not share a profile)."""
    command = soffice()
    if command is None:
        raise PdfError("soffice")
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as work:
        profile = Path(work, "profile").as_uri()
        args = [
            command, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
            "--convert-to", "pdf", "--outdir", work, str(docx),
        ]  # fmt: skip
        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(Path(work)))}
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS, check=False, env=env
        )
        made = Path(work, docx.with_suffix(".pdf").name)
        if done.returncode != 0 or not made.is_file():
            raise PdfError((done.stderr or done.stdout or str(done.returncode)).strip().splitlines()[-1])
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(made, pdf)
    return pdf


def pdf_bytes(docx: bytes, name: str = "bulletin.docx") -> bytes:
    """A .docx's PDF through docx_to_pdf, bytes in and out (the 周报 page's download, made on click)."""
    with tempfile.TemporaryDirectory(prefix="bulletin-page-") as work:
        source = Path(work, name)
        source.write_bytes(docx)
        return docx_to_pdf(source, source.with_suffix(".pdf")).read_bytes()
