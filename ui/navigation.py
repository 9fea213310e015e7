"""The dashboard's pages in menu order: name, script, URL path and icon (dashboard.py and the tests read it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from firedash import access
from firedash.access import ADMIN_PAGES

if TYPE_CHECKING:
    from firedash.config import TownConfig
    from firedash.users import User


@dataclass(frozen=True)
class PageSpec:
    name: str  # key of firedash.glossary.PAGE_TITLES
    script: str  # path relative to dashboard.py
    url_path: str
    icon: str

    @property
    def admin(self) -> bool:
        """A page for the 应急办 only (access.ADMIN_PAGES): hidden from the menu of everyone else."""
        return self.name in ADMIN_PAGES


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
    # The 应急办's pages (access.ADMIN_PAGES), last in the menu; nobody else sees them there.
    PageSpec("import", "app_pages/import_ledgers.py", "import", ":material/upload_file:"),
    PageSpec("audit", "app_pages/audit.py", "audit", ":material/history:"),
)


def menu_visibility(
    user: User | None, config: TownConfig
) -> list[tuple[PageSpec, Literal["visible", "hidden"]]]:
    """Every page with whether the menu lists it for this user: every page is registered, so a direct URL
    resolves (and is refused there), but the menu shows only the pages this user may open."""
    return [
        (spec, "visible" if access.can_open_page(user, spec.name, config) else "hidden") for spec in PAGES
    ]
