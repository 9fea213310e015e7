"""`python -m metrics bulletin`: choose the week and the number, write the .docx (and PDF), record the issue."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from pathlib import Path

import duckdb

from firedash import audit
from firedash.config import ConfigError, TownConfig
from firedash.glossary import text
from metrics.bulletin import BulletinError, bulletin_week
from metrics.bulletin_docx import PdfError, docx_to_pdf, soffice
from metrics.bulletin_issue import Maker, OutputError, issue_bulletin
from metrics.bulletin_settings import bulletin_settings
from metrics.formatting import fmt_date, week_label


class CliError(Exception):
    """Nothing was made (bad week, settings or template): one Chinese line, exit status 2."""

    exit_code = 2


class PdfFailed(CliError):
    """The .docx was made and recorded, only its PDF could not be: exit status 1."""

    exit_code = 1


def make_bulletin(
    con: duckdb.DuckDBPyConnection,
    config: TownConfig,
    *,
    store: Path,
    as_of: dt.date | None,
    args: argparse.Namespace,
) -> str:
    """The bulletin for --week or --as-of, numbered --issue-no or by the record beside the store."""
    try:
        settings = bulletin_settings(config)
        week = bulletin_week(config.campaign, as_of=as_of, week=args.week)
    except (BulletinError, ConfigError) as exc:
        raise CliError(str(exc)) from None
    if not settings.template.is_file():
        raise CliError(text("cli_bulletin_bad_template", path=settings.template, error=text("no_data")))
    out = Path(args.out)
    maker = Maker(getpass.getuser(), audit.LOCAL_ADDRESS)
    try:
        issue, _ = issue_bulletin(
            con,
            config,
            store=store,
            week=week,
            out=out,
            maker=maker,
            issue_no=args.issue_no,
            settings=settings,
        )
    except OutputError as exc:  # the file cannot be written there: the template is not to blame
        raise CliError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise CliError(text("cli_bulletin_bad_template", path=settings.template, error=exc)) from None
    issue_no = issue.issue_no
    made = text(
        "cli_bulletin_made", n=issue_no, file=out, week=week_label(week.week_no), date=fmt_date(week.as_of)
    )
    return made if not args.pdf else made + "\n" + _pdf(out)


def _pdf(docx: Path) -> str:
    if soffice() is None:
        raise PdfFailed(text("cli_bulletin_no_pdf", file=docx))
    try:
        pdf = docx_to_pdf(docx, docx.with_suffix(".pdf"))
    except (PdfError, OSError) as exc:
        raise PdfFailed(text("cli_bulletin_pdf_failed", error=exc, file=docx)) from None
    return text("cli_bulletin_pdf_made", file=pdf)
