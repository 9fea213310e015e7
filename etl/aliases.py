"""Which canonical field a column header names, looked up in etl.vocabulary.COLUMN_ALIASES.

Matching ignores full/half width, whitespace, newlines and the kind of bracket, so "村（社区）",
"村 (社区)" and "村【社区】" are one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from etl.text import squeeze
from etl.vocabulary import COLUMN_ALIASES, HEADER_MARKS

# Fields that make a row a header: a row naming none of these is not one, however many others it names.
KEY_FIELDS = frozenset({"village", "found_date", "description", "hazard_no", "unit"})

_PARENTHETICAL = re.compile(r"\([^()]*\)")


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field, spellings in COLUMN_ALIASES.items():
        for spelling in spellings:
            key = squeeze(spelling)
            if lookup.setdefault(key, field) != field:
                raise ValueError(f"header spelling {spelling!r} is listed for two fields")
    return lookup


_LOOKUP = _build_lookup()


def normalise_header(text: object) -> str:
    """Header text as matched: NFKC, no whitespace, (), no trailing colon or required-field star."""
    return squeeze(text).strip(HEADER_MARKS)


@lru_cache(maxsize=4096)
def _field_for_key(key: str) -> str | None:
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "整改资金(万元)", "排查日期(格式:2023-12-06)": the words outside brackets name the field.
    bare = _PARENTHETICAL.sub("", key)
    return _LOOKUP.get(bare) if bare and bare != key else None


# Header text as written → field, per `extra` mapping: the header search asks for the same few dozen texts
# hundreds of times a sheet (every row and row pair of its first 20), and normalising costs more than the
# look-up. Keyed by the mapping's identity: the town's words are built once and never changed.
_MEMO: dict[int, tuple[Mapping[str, str] | None, dict[str, str | None]]] = {}
_MEMO_LIMIT = 50_000


def field_for(text: object, extra: Mapping[str, str] | None = None) -> str | None:
    """The canonical field a header cell names, or None when it names none we know.

    `extra` (normalised header → field, from town.toml's [vocabulary.columns]) is tried first.
    """
    if type(text) is not str:
        return None if text is None else _field_for(text, extra)
    owner, memo = _MEMO.get(id(extra), (None, None))
    if memo is None or owner is not extra:
        if len(_MEMO) >= 64:  # mappings made afresh per call (tests): keep the memo bounded
            _MEMO.clear()
        memo = {}
        _MEMO[id(extra)] = (extra, memo)
    found = memo.get(text, _MISSING)
    if found is _MISSING:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        found = memo[text] = _field_for(text, extra)
    return found  # type: ignore[return-value]


_MISSING = object()


def _field_for(text: object, extra: Mapping[str, str] | None) -> str | None:
    key = normalise_header(text)
    if extra and key in extra:
        return extra[key]
    return _field_for_key(key)


def field_for_header(text: object) -> str:
    """A header word as matched (normalise_header), for a lookup table of extra words."""
    return normalise_header(text)


def known_fields() -> frozenset[str]:
    """The canonical field names a header can name."""
    return frozenset(COLUMN_ALIASES)
