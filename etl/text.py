"""Turn any ledger cell into clean text: NFKC (full-width → half-width), whitespace collapsed."""

from __future__ import annotations

import datetime as dt
import unicodedata

from etl.vocabulary import BRACKETS

_BRACKETS = str.maketrans(BRACKETS)


def cell_text(value: object) -> str:
    """The text a person sees in a cell, as fastexcel writes it: '' for empty, 5 for 5.0, dates as 2023-12-06
    (with the time when there is one), true/false for Excel's booleans (etl.values reads them as 是/否)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _nfkc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def plain_text(value: object) -> str:
    """Cell text as written (no width folding), inner whitespace collapsed, stripped: for showing back."""
    return " ".join(cell_text(value).split())


def clean_text(value: object) -> str:
    """Cell text normalised: NFKC, inner whitespace collapsed to one space, stripped."""
    text = value if type(value) is str else cell_text(value)
    return " ".join(_nfkc(text).split())


def squeeze(value: object) -> str:
    """Cell text normalised with every whitespace removed and brackets unified: for matching words."""
    text = value if type(value) is str else cell_text(value)
    return "".join(_nfkc(text).split()).translate(_BRACKETS)
