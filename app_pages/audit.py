"""操作记录 (应急办 only): the audit trail filtered by action, user and dates, whether it is intact, Excel."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from firedash import audit
from firedash.access import Role
from firedash.glossary import AUDIT_ACTIONS, AUDIT_COLUMN_LABELS, text
from ui import auth, data
from ui.downloads import audit_frame, audit_people, audit_workbook
from ui.layout import as_of_stamp, download, page_title, plain_table


def chain_state() -> None:
    report = audit.verify_chain()
    if report.ok:
        st.caption(text("audit_intact", lines=report.lines))
    else:
        st.error(text("audit_broken", reason=report.reason))


def chosen_filters() -> dict[str, object]:
    """The action codes, the user and the dates chosen above the table (nothing chosen: everything)."""
    # Four filters a row where each has 13rem, else two (ui.style's wrap_): a date needs its width.
    action, who, start, end = st.container(key="wrap_audit_filters").columns(4)
    actions = action.multiselect(
        AUDIT_COLUMN_LABELS["action"], list(AUDIT_ACTIONS), key="audit_action",
        format_func=AUDIT_ACTIONS.get, placeholder=text("all"),
    )  # fmt: skip
    user = who.selectbox(
        AUDIT_COLUMN_LABELS["who"], [None, *audit_people(audit.read())], key="audit_user",
        format_func=lambda name: text("all") if name is None else name, placeholder=text("all"),
    )  # fmt: skip
    first = start.date_input(text("audit_from"), value=None, key="audit_from", format="YYYY-MM-DD")
    last = end.date_input(text("audit_to"), value=None, key="audit_to", format="YYYY-MM-DD")
    return {"action": actions or None, "user": user, "start": first, "end": last}


def render() -> None:
    auth.require(Role.OFFICE_ADMIN)
    page_title("audit")
    chain_state()
    trail = audit.read(**chosen_filters())
    if trail.empty:
        st.info(text("audit_none"))
        return
    today = dt.date.today()
    download(
        text("download_xlsx"),
        audit_workbook(data.config().town, today, trail),
        file_name=text("file_audit", stamp=as_of_stamp(today)),
        key="audit_download",
    )
    plain_table(audit_frame(trail), key="audit_table")


render()
