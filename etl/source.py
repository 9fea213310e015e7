"""A ledger's source key: the file name without dates and week numbers, shared by its weekly sends."""

from __future__ import annotations

import re
from pathlib import Path

from etl.vocabulary import FILE_NAME_DATE_DIGITS, FILE_NAME_SEPARATORS, FILE_NAME_VARYING

_VARYING = re.compile(FILE_NAME_VARYING)
_DATE_DIGITS = re.compile(FILE_NAME_DATE_DIGITS)
_DIGITS = re.compile(r"\d")
_SEPARATORS = re.compile(FILE_NAME_SEPARATORS)


def source_key(file_name: str) -> str:
    """The file name without dates and week numbers: this week's 东河村台账 supersedes last week's, and
    东河村1组台账 is not 东河村2组台账."""
    stem = Path(file_name).stem
    undated = _DATE_DIGITS.sub(lambda date: _DIGITS.sub("", date.group()), _VARYING.sub("", stem))
    key = _SEPARATORS.sub("", undated)
    return key or stem
