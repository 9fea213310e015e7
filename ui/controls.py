"""The shared controls (as-of date and filters): drawn once in the sidebar, kept in session state and the URL.

This is where a View is built from the widgets and the URL, and so the one place the viewer's scope
(firedash.access.scoped_filters) is applied: a page cannot forget it, and an edited URL cannot widen it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import streamlit as st

from firedash import access
from firedash.config import TownConfig
from firedash.glossary import SEVERITY_LABELS, label, text
from firedash.users import User
from metrics.filters import SEVERITY_CODES, Filters
from ui import auth, data

AS_OF_KEY = "as_of"
# Filter field -> (widget key, URL parameter); the URL parameter may repeat (?village=A&village=B).
FILTER_KEYS: dict[str, tuple[str, str]] = {
    "villages": ("f_village", "village"),
    "sectors": ("f_sector", "sector"),
    "offices": ("f_office", "office"),
    "severities": ("f_severity", "severity"),
}
_URL_READ = "_controls_read_from_url"
# The 周报's week: widget key and URL parameter (?week=N), kept in the URL beside the view's parameters.
WEEK_KEY = "week_no"
WEEK_PARAM = "week"
_WEEK_FOR_AS_OF = "_week_for_as_of"
PAGE_PARAMS = (WEEK_PARAM,)


@dataclass(frozen=True)
class View:
    """What every page shows: the state as of a date, for the tickets the filters select."""

    as_of: dt.date
    filters: Filters  # already narrowed to the viewer's scope
    viewer: User | None = None  # None: not logged in (public viewing)
    village_scope: tuple[str, ...] | None = None  # access.scope_villages: None = every village
    office_scope: tuple[str, ...] | None = None  # access.scope_offices: None = every office
    town_filters: Filters | None = None  # the filters asked for, without village or office (town rankings)

    def for_village(self, village: str | None) -> View:
        """The same view narrowed to one village (None: every village, other filters kept), within the scope."""
        villages = access.narrow((village,) if village else (), self.village_scope)
        return replace(self, filters=replace(self.filters, villages=villages))

    @property
    def scoped(self) -> bool:
        """Whether the viewer sees only some tickets (a 村（社区）/科室 user)."""
        return self.village_scope is not None or self.office_scope is not None

    def ranking(self, page: str, section: str) -> View:
        """The view a ranking section runs on. A town ranking (access.keeps_town_ranking) ranks every
        village whatever villages are chosen (they are highlighted, never ranked alone as "1."); a scoped
        viewer sees the whole town there, as a 通报 does. Every other section stays as it is."""
        if not access.keeps_town_ranking(page, section):
            return self
        if self.scoped:
            return View(self.as_of, self.town_filters or Filters())
        return View(self.as_of, replace(self.filters, villages=()))

    def town_columns(self, columns: Sequence[str]) -> tuple[str, ...]:
        """The columns of a town ranking this viewer may see (a scoped viewer: access.TOWN_RANKING_COLUMNS)."""
        if not self.scoped:
            return tuple(columns)
        return tuple(c for c in columns if c in access.TOWN_RANKING_COLUMNS)

    @property
    def own_villages(self) -> tuple[str, ...] | None:
        """The villages whose rows outside tickets (kept aside, ledgers sent) the viewer may see: None =
        all, () = none (a 科室 user: such rows carry no office)."""
        if self.village_scope is not None:
            return self.village_scope
        return () if self.office_scope is not None else None

    @property
    def ledger_villages(self) -> tuple[str, ...] | None:
        """The villages whose ledgers (imports, rows kept aside, warnings, cells read as unknown) this view
        shows: the chosen villages within the viewer's own; None = every ledger, () = none (a 科室 user)."""
        if self.own_villages == ():
            return ()
        return self.filters.villages or None

    @property
    def village(self) -> str | None:
        """The one village this view is narrowed to, if exactly one."""
        return self.filters.villages[0] if len(self.filters.villages) == 1 else None


def filter_options(config: TownConfig, user: User | None = None) -> dict[str, tuple[str, ...]]:
    """The choices of each filter: configured villages, sectors, offices (and villages), severity codes;
    a 村（社区）/科室 user is offered only its own village or office."""
    villages = access.scope_villages(user, config)
    offices = access.scope_offices(user, config)
    return {
        "villages": config.villages if villages is None else villages,
        "sectors": config.sectors,
        "offices": tuple(dict.fromkeys((*config.offices, *config.villages))) if offices is None else offices,
        "severities": SEVERITY_CODES,
    }


def parse_as_of(raw: str | None, config: TownConfig) -> dt.date:
    """An ?as_of= value, clipped to the campaign; the default when absent or unreadable."""
    try:
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    return config.default_as_of() if day is None else config.campaign.clip(day)


def parse_choices(raw: Sequence[str], options: Sequence[str]) -> list[str]:
    """URL values that are valid options, in the options' order (unknown ones are dropped)."""
    wanted = set(raw)
    return [option for option in options if option in wanted]


def _read_url_once(options: dict[str, tuple[str, ...]], config: TownConfig) -> None:
    if st.session_state.get(_URL_READ):
        return
    params = st.query_params
    st.session_state[AS_OF_KEY] = parse_as_of(params.get("as_of"), config)
    for field, choices in options.items():
        widget_key, param = FILTER_KEYS[field]
        st.session_state[widget_key] = parse_choices(params.get_all(param), choices)
    st.session_state[_URL_READ] = True


def _keep_to_options(options: dict[str, tuple[str, ...]]) -> None:
    # A choice made before logging in (or by choose_village) may be outside the options of this viewer.
    for field, choices in options.items():
        key = FILTER_KEYS[field][0]
        if key in st.session_state:
            st.session_state[key] = parse_choices(st.session_state[key], choices)


def sidebar(config: TownConfig, user: User | None = None) -> View:
    """Draw the as-of date and the four filters in the sidebar; return the view they select."""
    options = filter_options(config, user)
    _read_url_once(options, config)
    _keep_to_options(options)
    campaign = config.campaign
    with st.sidebar:
        st.date_input(
            text("as_of"),
            key=AS_OF_KEY,
            min_value=campaign.start,
            max_value=campaign.end,
            format="YYYY-MM-DD",
        )
        st.subheader(text("filters"))
        for field, column in (("villages", "village"), ("sectors", "sector"), ("offices", "office")):
            choices = options[field]
            # One choice (a village head's own village): the empty box names it, not 全部.
            shown = choices[0] if len(choices) == 1 else text("all")
            st.multiselect(label(column), choices, key=FILTER_KEYS[field][0], placeholder=shown)
        st.multiselect(
            label("severity"),
            options["severities"],
            key=FILTER_KEYS["severities"][0],
            format_func=lambda code: SEVERITY_LABELS.get(code, code),
            placeholder=text("all"),
        )
        if user is not None and user.village:
            st.caption(text("scope_caption", unit=user.village))
    view = current_view(config)
    write_url(view)
    return view


def url_view(config: TownConfig, user: User | None = None) -> View:
    """The view of the link alone (presentation mode: no sidebar drawn, the URL left as it is)."""
    options = filter_options(config, user)
    _read_url_once(options, config)
    _keep_to_options(options)
    return current_view(config)


def current_view(config: TownConfig | None = None) -> View:
    """The view held in session state (after the sidebar has been drawn in this run), narrowed to what
    the logged-in user may see."""
    config = config or data.config()
    user = auth.current_user(config)
    requested = Filters(
        **{field: tuple(st.session_state.get(key, ())) for field, (key, _) in FILTER_KEYS.items()}
    )
    return View(
        as_of=st.session_state[AS_OF_KEY],
        filters=access.scoped_filters(requested, user, config),
        viewer=user,
        village_scope=access.scope_villages(user, config),
        office_scope=access.scope_offices(user, config),
        town_filters=replace(requested, villages=(), offices=()),
    )


def url_params(view: View) -> dict[str, str | list[str]]:
    """The query parameters that reopen this view."""
    params: dict[str, str | list[str]] = {"as_of": view.as_of.isoformat()}
    for field, (_, param) in FILTER_KEYS.items():
        values = list(getattr(view.filters, field))
        if values:
            params[param] = values if len(values) > 1 else values[0]
    return params


def write_url(view: View) -> None:
    """Mirror the view into st.query_params so the address bar is a link to this view (a page's own
    parameters, PAGE_PARAMS, are left for that page to write)."""
    wanted = url_params(view)
    wanted.update({key: st.query_params[key] for key in PAGE_PARAMS if key in st.query_params})
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    normalised = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


def choose_village(village: str | None) -> None:
    """Narrow every page to one village (None: all); call from a widget callback, before the sidebar draws."""
    st.session_state[FILTER_KEYS["villages"][0]] = [village] if village else []


def parse_week(raw: str | None, current: int) -> int | None:
    """A ?week= value as a week number from 1 to `current` (the as-of date's week); None if unusable."""
    try:
        week = int(raw) if raw else None
    except ValueError:
        return None
    return week if week is not None and 1 <= week <= current else None


def chosen_week(config: TownConfig, view: View) -> int:
    """The 周报's week: the URL's ?week= on arrival, then the widget; the as-of date's week by default,
    and again whenever that date changes. Read by the page and, before it, by the header line."""
    current = max(1, config.campaign.week_number(view.as_of))
    if st.session_state.get(_WEEK_FOR_AS_OF) != view.as_of:
        first = _WEEK_FOR_AS_OF not in st.session_state
        from_url = parse_week(st.query_params.get(WEEK_PARAM), current) if first else None
        st.session_state[WEEK_KEY] = from_url or current
        st.session_state[_WEEK_FOR_AS_OF] = view.as_of
    week = st.session_state.get(WEEK_KEY)
    if not isinstance(week, int) or not 1 <= week <= current:
        week = st.session_state[WEEK_KEY] = current
    return week


def write_week(week: int) -> None:
    """Put the 周报's week into the URL so the link reopens it."""
    if st.query_params.get(WEEK_PARAM) != str(week):
        st.query_params[WEEK_PARAM] = str(week)
