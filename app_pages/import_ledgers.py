"""数据导入 (应急办 only): for now, how to load ledgers on the server; the browser upload comes in its place."""

from __future__ import annotations

import streamlit as st

from firedash.access import Role
from firedash.glossary import text
from ui import auth
from ui.layout import page_title


def render() -> None:
    auth.require(Role.OFFICE_ADMIN)  # dashboard.py refuses first; a page that writes checks again itself
    page_title("import")
    st.info(text("import_placeholder"))


render()
