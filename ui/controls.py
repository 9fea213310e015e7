"""The shared controls (as-of date and filters): drawn once in the sidebar, kept in session state and the URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import streamlit as st

from firedash.config import TownConfig
from firedash.glossary import SEVERITY_LABELS, label, text
from metrics.filters import SEVERITY_CODES, Filters

AS_OF_KEY = "as_of"
# Filter field -> (widget key, URL parameter); the URL parameter may repeat (?village=A&village=B).
FILTER_KEYS: dict[str, tuple[str, str]] = {
    "villages": ("f_village", "village"),
    "sectors": ("f_sector", "sector"),
    "offices": ("f_office", "office"),
    "severities": ("f_severity", "severity"),
}
_URL_READ = "_controls_read_from_url"


@dataclass(frozen=True)
class View:
    """What every page shows: the state as of a date, for the tickets the filters select."""

    as_of: dt.date
    filters: Filters

    def for_village(self, village: str | None) -> View:
        """The same view narrowed to one village (None: every village, other filters kept)."""
        return replace(self, filters=replace(self.filters, villages=(village,) if village else ()))

    @property
    def village(self) -> str | None:
        """The one village this view is narrowed to, if exactly one."""
        return self.filters.villages[0] if len(self.filters.villages) == 1 else None

    @property
    def week_before(self) -> dt.date:
        """The as-of date one week earlier: the tiles' changes compare with it."""
        return self.as_of - dt.timedelta(days=7)


def filter_options(config: TownConfig) -> dict[str, tuple[str, ...]]:
    """The choices of each filter: configured villages, sectors, offices (and villages), severity codes."""
    return {
        "villages": config.villages,
        "sectors": config.sectors,
        "offices": tuple(dict.fromkeys((*config.offices, *config.villages))),
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


def _read_url_once(config: TownConfig) -> None:
    if st.session_state.get(_URL_READ):
        return
    params = st.query_params
    st.session_state[AS_OF_KEY] = parse_as_of(params.get("as_of"), config)
    for field, options in filter_options(config).items():
        widget_key, param = FILTER_KEYS[field]
        st.session_state[widget_key] = parse_choices(params.get_all(param), options)
    st.session_state[_URL_READ] = True


def sidebar(config: TownConfig) -> View:
    """Draw the as-of date and the four filters in the sidebar; return the view they select."""
    _read_url_once(config)
    campaign = config.campaign
    options = filter_options(config)
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
            st.multiselect(label(column), options[field], key=FILTER_KEYS[field][0], placeholder=text("all"))
        st.multiselect(
            label("severity"),
            options["severities"],
            key=FILTER_KEYS["severities"][0],
            format_func=lambda code: SEVERITY_LABELS.get(code, code),
            placeholder=text("all"),
        )
    view = current_view()
    write_url(view)
    return view


def current_view() -> View:
    """The view held in session state (after the sidebar has been drawn in this run)."""
    filters = Filters(
        **{field: tuple(st.session_state.get(key, ())) for field, (key, _) in FILTER_KEYS.items()}
    )
    return View(as_of=st.session_state[AS_OF_KEY], filters=filters)


def url_params(view: View) -> dict[str, str | list[str]]:
    """The query parameters that reopen this view."""
    params: dict[str, str | list[str]] = {"as_of": view.as_of.isoformat()}
    for field, (_, param) in FILTER_KEYS.items():
        values = list(getattr(view.filters, field))
        if values:
            params[param] = values if len(values) > 1 else values[0]
    return params


def write_url(view: View) -> None:
    """Mirror the view into st.query_params so the address bar is a link to this view."""
    wanted = url_params(view)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    normalised = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


def choose_village(village: str | None) -> None:
    """Narrow every page to one village (None: all); call from a widget callback, before the sidebar draws."""
    st.session_state[FILTER_KEYS["villages"][0]] = [village] if village else []
