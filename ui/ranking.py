"""The town's village ranking as the pages, the presentation and the first screen show it: one place for the call."""

from __future__ import annotations

import pandas as pd

import metrics
from firedash.config import TownConfig
from ui import data
from ui.controls import View


def town_ranking(config: TownConfig, town: View) -> tuple[pd.DataFrame, pd.DataFrame, float | None]:
    """(ranked, unranked, the rate over the same tickets) for the view a page ranks on (View.ranking)."""
    ranked, unranked = data.cached(
        metrics.village_ranking, as_of=town.as_of, filters=town.filters, villages=config.villages,
        min_tickets=config.dashboard.min_tickets_to_rank,
    )  # fmt: skip
    whole = data.cached(metrics.summary_figures, as_of=town.as_of, filters=town.filters)
    return ranked, unranked, whole["rate"]
