"""A ledger's source key: the file name without dates and week numbers, shared by its weekly sends."""

from __future__ import annotations

import re
from pathlib import Path

from etl.vocabulary import FILE_NAME_SEPARATORS, FILE_NAME_VARYING

_VARYING = re.compile(FILE_NAME_VARYING)
_SEPARATORS = re.compile(FILE_NAME_SEPARATORS)


def source_key(file_name: str) -> str:
    """The file name without dates and week numbers: this week's 东河村台账 supersedes last week's."""
    stem = Path(file_name).stem
    key = _SEPARATORS.sub("", _VARYING.sub("", stem))
    return key or stem
