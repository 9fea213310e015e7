"""How a ledger row is recognised again next week: ticket ids, match keys and a ledger's source key."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

_SPACES = re.compile(r"\s+")
# Dates, week numbers, copy markers and other digits vary between weekly sends of the same ledger.
_VARYING = re.compile(r"\d{4}[-._年/]?\d{1,2}[-._月/]?\d{1,2}日?|第\s*\d+\s*[周期]|[(（]\d+[)）]|\d+")
_SEPARATORS = re.compile(r"[\s_\-.·、,，()（）]+")


def _squeeze(values: pd.Series) -> pd.Series:
    """Text without any whitespace, '' for missing: two spellings of one unit compare equal."""
    return values.fillna("").astype(str).str.replace(_SPACES, "", regex=True)


def match_keys(frame: pd.DataFrame) -> pd.Series:
    """village|unit|description: how a 整改 row without 隐患编号 finds its ticket."""
    return frame["village"].fillna("") + "|" + _squeeze(frame["unit"]) + "|" + _squeeze(frame["description"])


def ticket_ids(frame: pd.DataFrame) -> pd.Series:
    """village#隐患编号 where the ledger numbers its hazards, else a digest of the natural key.

    The natural key is village + unit + description + found date (DOMAIN.md, "The ledgers").
    """
    numbered = frame["hazard_no"].notna() & (frame["hazard_no"].fillna("").astype(str).str.strip() != "")
    by_number = frame["village"].fillna("") + "#" + _squeeze(frame["hazard_no"]).str.upper()
    found = frame["found_date"].map(lambda d: d.isoformat() if d is not None and not pd.isna(d) else "")
    natural = (match_keys(frame) + "|" + found).map(
        lambda key: "nk:" + hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    )
    return by_number.where(numbered, natural)


def source_key(file_name: str) -> str:
    """The file name without dates and week numbers: this week's 东河村台账 supersedes last week's."""
    stem = Path(file_name).stem
    key = _SEPARATORS.sub("", _VARYING.sub("", stem))
    return key or stem
