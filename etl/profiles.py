"""Mapping profiles (data/profiles/*.toml, a stable contract): for ledgers whose header matches, which column
is which field, which unit column is the village and which status words mean what."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from etl.aliases import field_for
from etl.headers import SCAN_ROWS, Header
from etl.readers import RawSheet
from etl.text import plain_text, squeeze
from etl.vocabulary import COLUMN_ALIASES
from firedash.config import PROJECT_ROOT, TownConfig
from firedash.glossary import PROFILE_BAD, STATE_LABELS, STATUS_LABELS

DEFAULT_DIR = PROJECT_ROOT / "data" / "profiles"
STATUS_CODES = ("rectified", "in_progress", "open", "closed")
# A profile's status code written as the word the status reader knows for it.
_STATUS_AS_WORD = {**STATUS_LABELS, "closed": STATE_LABELS["closed"]}


class ProfileError(ValueError):
    """A profile file that cannot be used (its message is the Chinese line shown)."""


@dataclass(frozen=True)
class Profile:
    name: str  # the file stem: --profile NAME
    match: tuple[str, ...]  # headers that must all be present
    columns: dict[str, str]  # header as written → canonical field
    village_column: str | None
    status_words: dict[str, str]  # word as written → rectified | in_progress | open | closed

    def matches(self, labels: Sequence[str]) -> bool:
        keys = _label_keys(labels)
        return bool(self.match) and all(squeeze(word) in keys for word in self.match)

    def header(self, found: Header | None, sheet: RawSheet) -> Header | None:
        """The sheet's header with this profile's columns: the one found, else the row naming `match`."""
        base = found if found is not None and self.matches(found.labels) else self._row_header(sheet)
        if base is None:
            return found
        columns = dict(base.columns)
        wanted = {**self.columns, **({self.village_column: "village"} if self.village_column else {})}
        for text, name in wanted.items():
            col = _column_of(base.labels, text)
            if col is not None:
                columns = {f: c for f, c in columns.items() if c != col and f != name}
                columns[name] = col
        return Header(base.first_row, base.last_row, columns, base.labels)

    def _row_header(self, sheet: RawSheet) -> Header | None:
        for row in range(min(SCAN_ROWS, len(sheet.head))):
            labels = tuple(plain_text(c) for c in sheet.head[row])
            if self.matches(labels):
                columns: dict[str, int] = {}
                for col, text in enumerate(labels):
                    if name := field_for(text):
                        columns.setdefault(name, col)
                return Header(row, row, columns, labels)
        return None

    def translate_status(self, cells: pa.Array) -> pa.Array:
        """A status column with this profile's words replaced by the words the status reader knows."""
        if not self.status_words:
            return cells
        words = {squeeze(w): _STATUS_AS_WORD[code] for w, code in self.status_words.items()}
        keys = pa.array(list(words), pa.string())
        squeezed = pa.array([squeeze(c) if c is not None else None for c in cells.to_pylist()], pa.string())
        position = pc.index_in(squeezed, value_set=keys)
        mapped = pc.take(pa.array(list(words.values()), pa.string()), position)
        return pc.if_else(pc.is_null(position), cells, mapped)


def _label_keys(labels: Sequence[str]) -> set[str]:
    """Each label squeezed, and each part of a parent/child label."""
    keys = set()
    for text in labels:
        keys.add(squeeze(text))
        keys.update(squeeze(part) for part in text.split("/"))
    return keys - {""}


def _column_of(labels: Sequence[str], text: str) -> int | None:
    key = squeeze(text)
    for col, label in enumerate(labels):
        if squeeze(label) == key or key in {squeeze(part) for part in label.split("/")}:
            return col
    return None


def profiles_dir(config: TownConfig) -> Path:
    """[intake] profiles_dir of the town's config (relative to the config file), else data/profiles."""
    return config.intake.profiles_dir or DEFAULT_DIR


def load_profiles(folder: Path) -> list[Profile]:
    """Every *.toml of the folder, by name; a missing folder has none."""
    if not folder.is_dir():
        return []
    return [read_profile(file) for file in sorted(folder.glob("*.toml"))]


def read_profile(file: Path) -> Profile:
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8-sig"))
        return _profile(file.stem, raw)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
        raise ProfileError(PROFILE_BAD.format(file=file, error=exc)) from None


def _profile(name: str, raw: dict) -> Profile:
    match = tuple(str(word) for word in raw.get("match", []))
    columns = {str(k): str(v) for k, v in raw.get("columns", {}).items()}
    bad = sorted(set(columns.values()) - set(COLUMN_ALIASES))
    if bad:
        raise ValueError(f"[columns] fields {bad} not among {sorted(COLUMN_ALIASES)}")
    words = {str(k): str(v) for k, v in raw.get("words", {}).get("status", {}).items()}
    wrong = sorted(set(words.values()) - set(STATUS_CODES))
    if wrong:
        raise ValueError(f"[words.status] codes {wrong} not among {list(STATUS_CODES)}")
    village = raw.get("village_column")
    return Profile(name, match, columns, str(village) if village else None, words)


def choose(profiles: Sequence[Profile], sheets: Sequence[tuple[RawSheet, Header | None]]) -> Profile | None:
    """The first profile (by name) whose `match` headers a sheet of the file has."""
    for profile in profiles:
        for sheet, header in sheets:
            if (header is not None and profile.matches(header.labels)) or profile._row_header(sheet):
                return profile
    return None


def named(profiles: Sequence[Profile], name: str) -> Profile | None:
    """The profile of that file stem (--profile NAME), None when there is none."""
    return next((profile for profile in profiles if profile.name == name), None)


def with_status_words(profile: Profile | None, sheet: RawSheet, header: Header | None) -> RawSheet:
    """The sheet with its status column's words translated by the profile (the sheet itself otherwise)."""
    if profile is None or header is None or not profile.status_words or "status" not in header.columns:
        return sheet
    col = header.columns["status"]
    if col >= len(sheet.columns):
        return sheet
    columns = list(sheet.columns)
    columns[col] = profile.translate_status(columns[col])
    return RawSheet(sheet.name, columns, sheet.merged, sheet.issues)
