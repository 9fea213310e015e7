"""Read and validate the town and campaign configuration (data/town.toml), a stable contract."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# The default lists are words a user reads, so they live in the glossary; importable from here as before.
from firedash.glossary import DEFAULT_HAZARD_CATEGORIES, DEFAULT_OFFICES, DEFAULT_SECTORS, OTHER, text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "data" / "town.toml"
DEFAULT_DB = PROJECT_ROOT / "data" / "campaign.duckdb"
CONFIG_ENV = "FIREDASH_CONFIG"
DB_ENV = "FIREDASH_DB"


class ConfigError(ValueError):
    """The configuration file is missing or malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Period:
    """A named span of days, both ends included (a phase or a key period)."""

    name: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Campaign:
    name: str
    start: dt.date
    end: dt.date
    phases: tuple[Period, ...]
    key_periods: tuple[Period, ...]

    def clip(self, day: dt.date) -> dt.date:
        """Clip a day into the campaign (a later 'today' shows the final state, an earlier one the first day)."""
        return min(max(day, self.start), self.end)

    def phase_on(self, day: dt.date) -> Period | None:
        return next((p for p in self.phases if p.contains(day)), None)

    # Week arithmetic: weeks run Monday to Sunday; 第1周 is the week holding the campaign's start.
    # week_number_sql is the same rule in SQL; a test proves the two agree on every day.

    def week_start(self, week_no: int = 1) -> dt.date:
        """Monday of 第week_no周 (week 1: the Monday on or before the campaign's start)."""
        first_monday = self.start - dt.timedelta(days=self.start.weekday())
        return first_monday + dt.timedelta(weeks=week_no - 1)

    def week_end(self, week_no: int) -> dt.date:
        """Sunday of 第week_no周."""
        return self.week_start(week_no) + dt.timedelta(days=6)

    def week_number(self, day: dt.date) -> int:
        """N of the 第N周 holding `day` (0 or less before the campaign's first week)."""
        return (day - self.week_start()).days // 7 + 1

    @staticmethod
    def week_number_sql(day: str, first_monday: str) -> str:
        """week_number in SQL: `day` a DATE expression, `first_monday` a placeholder bound to week_start()."""
        # date_trunc('week') gives the Monday, so the division is exact and rounding cannot differ.
        return f"((CAST(date_trunc('week', {day}) AS DATE) - CAST({first_monday} AS DATE)) // 7 + 1)"


@dataclass(frozen=True)
class DashboardSettings:
    min_tickets_to_rank: int = 3
    red_list_rate: float = 0.90
    black_list_rate: float = 0.60


@dataclass(frozen=True)
class AccessSettings:
    """[access]: who may see the dashboard without logging in, session length, the address it listens on."""

    public_view: bool = True  # the bundled sample shows the dashboard without a login, as on a projector
    session_minutes: int = 30
    listen_address: str = "127.0.0.1"  # a town opens it to its LAN deliberately (e.g. "0.0.0.0")


@dataclass(frozen=True)
class TownConfig:
    town: str
    villages: tuple[str, ...]
    campaign: Campaign
    sectors: tuple[str, ...] = DEFAULT_SECTORS
    hazard_categories: tuple[str, ...] = DEFAULT_HAZARD_CATEGORIES
    offices: tuple[str, ...] = DEFAULT_OFFICES
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    access: AccessSettings = field(default_factory=AccessSettings)
    source: Path | None = None

    def default_as_of(self, today: dt.date | None = None) -> dt.date:
        """The as-of date when none is given (CLI and dashboard): today, clipped into the campaign."""
        return self.campaign.clip(today or dt.date.today())


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--config PATH, else $FIREDASH_CONFIG, else data/town.toml."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db PATH, else $FIREDASH_DB, else data/campaign.duckdb."""
    return Path(explicit or os.environ.get(DB_ENV) or DEFAULT_DB)


def load_config(path: str | os.PathLike[str] | None = None) -> TownConfig:
    """Load and validate a town configuration; raise ConfigError naming the file and the key."""
    file = config_path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(text("config_missing", file=file)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(text("config_malformed", file=file, error=exc)) from None
    return _parse(raw, file)


def _parse(raw: dict, file: Path) -> TownConfig:
    campaign_raw = _require(raw, "campaign", dict, file)
    campaign = Campaign(
        name=_require(campaign_raw, "name", str, file, "campaign."),
        start=_require(campaign_raw, "start", dt.date, file, "campaign."),
        end=_require(campaign_raw, "end", dt.date, file, "campaign."),
        phases=_periods(campaign_raw, "phases", file),
        key_periods=_periods(campaign_raw, "key_periods", file, required=False),
    )
    if campaign.end < campaign.start:
        raise ConfigError(text("config_campaign_ends_early", file=file))
    return TownConfig(
        town=_require(raw, "town", str, file),
        villages=_names(raw, "villages", None, file),
        campaign=campaign,
        sectors=_with_other(_names(raw, "sectors", DEFAULT_SECTORS, file)),
        hazard_categories=_with_other(_names(raw, "hazard_categories", DEFAULT_HAZARD_CATEGORIES, file)),
        offices=_names(raw, "offices", DEFAULT_OFFICES, file),
        dashboard=_dashboard(raw.get("dashboard", {}), file),
        access=_access(raw.get("access", {}), file),
        source=file,
    )


def _require(table: dict, key: str, kind: type, file: Path, prefix: str = ""):
    if key not in table:
        raise ConfigError(text("config_missing_key", file=file, key=prefix + key))
    value = table[key]
    # TOML datetimes are dt.datetime, a subclass of dt.date: a date key must be a plain date.
    wrong_date = kind is dt.date and isinstance(value, dt.datetime)
    if not isinstance(value, kind) or wrong_date or (kind is str and not value.strip()):
        raise ConfigError(
            text("config_wrong_type", file=file, key=prefix + key, kind=text(_KIND_NAMES[kind]))
        )
    return value.strip() if kind is str else value


_KIND_NAMES = {
    str: "config_kind_text",
    dt.date: "config_kind_date",
    dict: "config_kind_table",
    list: "config_kind_list",
}


def _names(raw: dict, key: str, default: tuple[str, ...] | None, file: Path) -> tuple[str, ...]:
    if key not in raw and default is not None:
        return default
    values = _require(raw, key, list, file)
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(text("config_not_names", file=file, key=key))
    return tuple(dict.fromkeys(v.strip() for v in values))


def _with_other(names: tuple[str, ...]) -> tuple[str, ...]:
    return names if OTHER in names else (*names, OTHER)


def _periods(campaign_raw: dict, key: str, file: Path, required: bool = True) -> tuple[Period, ...]:
    items = campaign_raw.get(key)
    if items is None and not required:
        return ()
    if not isinstance(items, list) or (required and not items):
        raise ConfigError(text("config_missing_periods", file=file, key=key))
    periods = []
    for i, item in enumerate(items):
        prefix = f"campaign.{key}[{i}]."
        if not isinstance(item, dict):
            raise ConfigError(text("config_period_not_table", file=file, key=key, i=i))
        period = Period(
            name=_require(item, "name", str, file, prefix),
            start=_require(item, "start", dt.date, file, prefix),
            end=_require(item, "end", dt.date, file, prefix),
        )
        if period.end < period.start:
            raise ConfigError(text("config_period_ends_early", file=file, prefix=prefix))
        periods.append(period)
    return tuple(periods)


def _dashboard(raw: object, file: Path) -> DashboardSettings:
    if not isinstance(raw, dict):
        raise ConfigError(text("config_dashboard_not_table", file=file))
    defaults = DashboardSettings()
    try:
        settings = DashboardSettings(
            min_tickets_to_rank=int(raw.get("min_tickets_to_rank", defaults.min_tickets_to_rank)),
            red_list_rate=float(raw.get("red_list_rate", defaults.red_list_rate)),
            black_list_rate=float(raw.get("black_list_rate", defaults.black_list_rate)),
        )
    except (TypeError, ValueError):
        raise ConfigError(text("config_dashboard_not_numbers", file=file)) from None
    for key in ("red_list_rate", "black_list_rate"):
        if not 0 <= getattr(settings, key) <= 1:
            raise ConfigError(text("config_rate_out_of_range", file=file, key=key))
    return settings


def _access(raw: object, file: Path) -> AccessSettings:
    if not isinstance(raw, dict):
        raise ConfigError(text("config_access_not_table", file=file))
    defaults = AccessSettings()
    public_view = raw.get("public_view", defaults.public_view)
    minutes = raw.get("session_minutes", defaults.session_minutes)
    address = raw.get("listen_address", defaults.listen_address)
    if not isinstance(public_view, bool):
        raise ConfigError(text("config_public_view", file=file))
    # bool is an int in Python: true must not pass as one minute.
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ConfigError(text("config_session_minutes", file=file))
    if not isinstance(address, str) or not address.strip():
        raise ConfigError(text("config_listen_address", file=file))
    return AccessSettings(public_view=public_view, session_minutes=minutes, listen_address=address.strip())
