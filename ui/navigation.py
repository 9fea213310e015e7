"""The dashboard's pages in menu order: name, script, URL path and icon (dashboard.py and the tests read it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    name: str  # key of firedash.glossary.PAGE_TITLES
    script: str  # path relative to dashboard.py
    url_path: str
    icon: str


# The first is the default page at "/". The scripts live in app_pages/, not pages/: Streamlit 1.67 still
# treats a pages/ folder beside the entry script as its old multipage mode (on a server's first run and
# in every AppTest run), which runs page files without dashboard.py and drops the entry script's header.
PAGES = (
    PageSpec("overview", "app_pages/overview.py", "overview", ":material/dashboard:"),
    PageSpec("villages", "app_pages/villages.py", "villages", ":material/holiday_village:"),
    PageSpec("sectors", "app_pages/sectors.py", "sectors", ":material/store:"),
    PageSpec("overdue", "app_pages/overdue.py", "overdue", ":material/alarm:"),
    PageSpec("timeline", "app_pages/timeline.py", "timeline", ":material/timeline:"),
    PageSpec("weekly", "app_pages/weekly.py", "weekly", ":material/date_range:"),
    PageSpec("quality", "app_pages/quality.py", "quality", ":material/fact_check:"),
)
