"""The 周报 page's 周通报 section: the 应急办 makes the week's numbered bulletin with one click, then downloads it.

The bytes are built only on the click of 生成周通报 (it takes a register number and writes the audit trail),
kept in the session, and offered for download on every rerun after, so a rerun never burns a number.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from firedash.access import can_make_bulletin
from firedash.config import TownConfig
from firedash.glossary import AUDIT_ACTIONS, text
from metrics.bulletin import BulletinWeek
from metrics.bulletin_docx import pdf_bytes, soffice
from metrics.bulletin_issue import Maker, file_name, issue_bulletin, next_number
from ui import auth, data
from ui.controls import View
from ui.format import fmt_date, week_label
from ui.layout import download

MADE_KEY = "weekly_bulletin_made"  # session: the last bulletin made here {week, as_of, issue_no, docx}
MAKE_KEY = "weekly_bulletin_make"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


def bulletin_section(config: TownConfig, view: View, week_no: int, cut: dt.date) -> None:
    """生成周通报 for the 应急办 (access.can_make_bulletin); a note for everyone else."""
    if not can_make_bulletin(view.viewer):
        st.caption(text("bulletin_admin_only"))
        return
    store = data.store_file()
    number = next_number(store, week_no)
    st.subheader(text("bulletin_section", n=number), anchor=False)
    st.caption(text("bulletin_town_wide"))
    if st.button(
        AUDIT_ACTIONS["bulletin"], key=MAKE_KEY, help=text("bulletin_make_help"), icon=":material/article:"
    ):
        _make(config, view, BulletinWeek(week_no, cut))
    made = st.session_state.get(MADE_KEY)
    if made and (made["week"], made["as_of"]) == (week_no, cut):
        _downloads(made)


def _make(config: TownConfig, view: View, week: BulletinWeek) -> None:
    maker = Maker(view.viewer.name, auth.client_address())  # type: ignore[union-attr]
    try:
        issue, docx = data.run(
            issue_bulletin, config=config, store=data.store_file(), week=week, out=None, maker=maker
        )
    except (OSError, ValueError) as exc:
        st.error(text("bulletin_failed", error=exc))
        return
    st.session_state[MADE_KEY] = {
        "week": week.week_no,
        "as_of": week.as_of,
        "issue_no": issue.issue_no,
        "docx": docx,
    }


def _downloads(made: dict) -> None:
    name = file_name(made["issue_no"], made["week"])
    st.success(
        text(
            "bulletin_made_note",
            n=made["issue_no"],
            week=week_label(made["week"]),
            date=fmt_date(made["as_of"]),
        )
    )
    left, right = st.columns(2)
    with left:
        download(
            text("bulletin_download_docx"),
            made["docx"],
            file_name=name,
            key="weekly_bulletin_docx",
            mime=DOCX_MIME,
        )
    with right:
        if soffice() is None:
            st.caption(text("bulletin_no_soffice"))
        else:
            download(
                text("bulletin_download_pdf"), partial(pdf_bytes, made["docx"], name),
                file_name=name.removesuffix(".docx") + ".pdf", key="weekly_bulletin_pdf", mime=PDF_MIME,
            )  # fmt: skip
