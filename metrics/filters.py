"""Which tickets a metric looks at: the Filters a page or the CLI passes, and their SQL condition."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

SEVERITY_CODES = ("general", "serious", "major")

# Filter field -> tickets column; the only identifiers a filter ever puts into SQL.
_FILTER_COLUMNS = {"villages": "village", "sectors": "sector", "offices": "office", "severities": "severity"}


@dataclass(frozen=True)
class Filters:
    """Ticket filters; an empty tuple means "all". Severities use the codes general/serious/major."""

    villages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Accept lists (from widgets) but store tuples, so Filters stays hashable for caching.
        for name in _FILTER_COLUMNS:
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in _FILTER_COLUMNS)


NO_FILTERS = Filters()
# Severity group -> codes: 一般 counts general and serious (较大) together, as in the bulletin's split.
SEVERITY_GROUP_CODES: dict[str, tuple[str, ...]] = {"general": ("general", "serious"), "major": ("major",)}


def within_severity_group(filters: Filters, group: str | None) -> Filters:
    """The filters narrowed to one severity group ("all" or None: unchanged), intersected with their own."""
    if group in (None, "all"):
        return filters
    wanted, chosen = SEVERITY_GROUP_CODES[group], filters.severities
    # No overlap selects nothing: a code no ticket has, bound like any other value.
    severities = tuple(s for s in wanted if not chosen or s in chosen) or ("none",)
    return replace(filters, severities=severities)


class Params:
    """Collects bound values and hands out numbered placeholders ($1, $2 …), reusable within one query."""

    def __init__(self, *values: object) -> None:
        self.values: list[object] = list(values)

    def __call__(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    def many(self, values: Iterable[object]) -> str:
        """Placeholders for an IN list: "$3, $4, $5"."""
        return ", ".join(self(value) for value in values)


def filter_sql(
    filters: Filters, params: Params | None = None, *, table: str = ""
) -> tuple[str, list[object]]:
    """A SQL condition for the filters ("TRUE" when empty) and the values it binds.

    The condition uses numbered placeholders from `params` (a fresh Params when None, so $1 …);
    `table` qualifies the columns ("t" gives t.village).
    """
    binder = params if params is not None else Params()
    prefix = f"{table}." if table else ""
    parts = [
        f"{prefix}{column} IN ({binder.many(getattr(filters, name))})"
        for name, column in _FILTER_COLUMNS.items()
        if getattr(filters, name)
    ]
    return (" AND ".join(parts) or "TRUE"), binder.values
