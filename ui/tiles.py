"""Which metric tiles the pages show, and which way each one is better."""

from __future__ import annotations

from ui.layout import Tile

OVERVIEW_TILES = (
    Tile("found", higher_is_better=None),
    Tile("rectified"),
    Tile("rate", is_rate=True),
    Tile("on_time_rate", is_rate=True),
    Tile("open", higher_is_better=False),
    Tile("overdue", higher_is_better=False),
    Tile("major_found", higher_is_better=None),
    Tile("major_rectified"),
    Tile("supervised_open", higher_is_better=False),
    Tile("closed"),
)

VILLAGE_TILES = (
    Tile("found", higher_is_better=None),
    Tile("rectified"),
    Tile("rate", is_rate=True),
    Tile("open", higher_is_better=False),
    Tile("overdue", higher_is_better=False),
)

WEEK_TILES = (
    Tile("found", higher_is_better=None),
    Tile("rectified"),
    Tile("rate", is_rate=True),
    Tile("new_found", higher_is_better=None),
    Tile("new_rectified"),
    Tile("newly_overdue", higher_is_better=False),
    Tile("newly_closed"),
)
