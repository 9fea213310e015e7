"""Derive each row's status, rectified date and 销号 state from its status, date and 是否销号 cells (vectorised)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from etl.columns import NAT


@dataclass
class StateCells:
    """What a sheet's rows say about their state, one array entry per row (NaT / None where empty).

    `status` holds codes from etl.values.parse_status (open, in_progress, rectified, closed, done);
    `done` marks 立查立改/当场整改 written in the status, measures or deadline.
    """

    found: np.ndarray
    status: np.ndarray
    status_present: np.ndarray
    rectified: np.ndarray
    rectified_present: np.ndarray
    closed_flag: np.ndarray
    closed_flag_present: np.ndarray
    closed_on: np.ndarray
    done: np.ndarray
    closes_by_date: bool = False  # a 销号时间 column: a filled date means struck off


@dataclass
class RowState:
    has_status: np.ndarray
    status: np.ndarray
    rectified_date: np.ndarray
    rectified_date_explicit: np.ndarray
    closed: np.ndarray
    closed_date: np.ndarray


def derive_state(cells: StateCells, report_date: dt.date) -> RowState:
    """A completion date means rectified then; 立查立改 means rectified when found; 已销号/是否销号=是 closes.

    A rectified row with no date anywhere is rectified as of the report date (explicit False).
    """
    closed_on_given = ~np.isnat(cells.closed_on)
    flag_yes = cells.closed_flag == True  # noqa: E712 - elementwise on an object array
    flag_unset = np.equal(cells.closed_flag, None)
    closed = flag_yes | (cells.status == "closed") | (flag_unset & cells.closes_by_date & closed_on_given)
    rectified_given = ~np.isnat(cells.rectified)
    rectified = rectified_given | cells.done | closed | np.isin(cells.status, ["rectified", "closed", "done"])
    when = cells.rectified.copy()
    when = np.where(np.isnat(when) & cells.done, cells.found, when)
    when = np.where(np.isnat(when) & rectified, cells.closed_on, when)  # any date the row gives
    explicit = rectified & ~np.isnat(when)
    when = np.where(np.isnat(when) & rectified, np.datetime64(report_date, "D"), when)
    when = np.where(rectified, when, NAT)
    has_status = (
        cells.status_present
        | cells.rectified_present
        | cells.closed_flag_present
        | cells.done
        | (cells.closes_by_date & closed_on_given)
    )
    reported = np.where(np.isin(cells.status, ["open", "in_progress"]), cells.status, "open")
    status = np.where(rectified, "rectified", np.where(has_status, reported, None)).astype(object)
    closed_date = np.where(closed, np.where(closed_on_given, cells.closed_on, when), NAT)
    return RowState(has_status, status, when, explicit, closed, closed_date)
