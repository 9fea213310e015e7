"""Entry point of the dashboard: page setup, navigation, the shared sidebar controls and the header line."""

from __future__ import annotations

import streamlit as st

from firedash.config import ConfigError
from ui import data
from ui.controls import sidebar
from ui.format import import_stamp
from ui.labels import PAGE_TITLES, text
from ui.layout import header, no_data, page_title

# (name, script, url path, icon); the first is the default page at "/". The url paths differ from the
# file names on purpose: Streamlit 1.67 still runs a pages/ folder file-by-file (its old multipage mode)
# on a server's first run and in AppTest, and only a path it does not know there falls through to this
# script, whose st.navigation then runs the page with the sidebar and header.
PAGES = (
    ("overview", "pages/overview.py", "overview", ":material/dashboard:"),
    ("villages", "pages/villages.py", "by-village", ":material/holiday_village:"),
    ("sectors", "pages/sectors.py", "by-sector", ":material/store:"),
    ("overdue", "pages/overdue.py", "overdue-tickets", ":material/alarm:"),
    ("timeline", "pages/timeline.py", "campaign-timeline", ":material/timeline:"),
    ("weekly", "pages/weekly.py", "weekly-review", ":material/date_range:"),
    ("quality", "pages/quality.py", "data-quality", ":material/fact_check:"),
)


def main() -> None:
    st.set_page_config(
        page_title=text("app_title"), page_icon="🔥", layout="wide", initial_sidebar_state="expanded"
    )
    navigation = st.navigation(
        [
            st.Page(script, title=PAGE_TITLES[name], icon=icon, url_path=url, default=(i == 0))
            for i, (name, script, url, icon) in enumerate(PAGES)
        ]
    )
    try:
        config = data.config()
    except ConfigError as exc:
        st.error(str(exc))
        return
    view = sidebar(config)
    if not data.store_exists():
        header(config, view, None)
        page_title(_page_name(navigation))
        no_data(text("no_store_hint"))
        return
    try:
        header(config, view, import_stamp(data.latest_import()))
        navigation.run()
    except data.StoreUnavailable as exc:
        no_data(str(exc))


def _page_name(page: st.Page) -> str:
    return next((name for name, *_ in PAGES if PAGE_TITLES[name] == page.title), PAGES[0][0])


main()
