"""A ledger's source key: the file name without dates and week numbers, shared by its weekly sends."""

from __future__ import annotations

import re
from pathlib import Path

# Dates, week numbers, copy markers and other digits vary between weekly sends of the same ledger.
_VARYING = re.compile(r"\d{4}[-._年/]?\d{1,2}[-._月/]?\d{1,2}日?|第\s*\d+\s*[周期]|[(（]\d+[)）]|\d+")
_SEPARATORS = re.compile(r"[\s_\-.·、,，()（）]+")


def source_key(file_name: str) -> str:
    """The file name without dates and week numbers: this week's 东河村台账 supersedes last week's."""
    stem = Path(file_name).stem
    key = _SEPARATORS.sub("", _VARYING.sub("", stem))
    return key or stem
