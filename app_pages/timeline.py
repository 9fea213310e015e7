"""时间轴: the campaign's phases and key periods, cumulative found vs rectified, new per week."""

from __future__ import annotations

import metrics
from charts.timeline import cumulative_chart, phase_timeline
from charts.trend import weekly_new_bars
from firedash.glossary import text
from ui import data
from ui.controls import current_view
from ui.format import display_frame
from ui.layout import chart, compact_table, no_data_for, page_title

PHASE_COLUMNS = ("phase", "found", "rectified", "rate", "open", "overdue")


def render() -> None:
    config, view = data.config(), current_view()
    page_title("timeline")
    campaign = config.campaign
    chart(phase_timeline(campaign, today=view.as_of, title=text("phase_timeline")), key="timeline_phases")
    if not data.cached(metrics.summary_figures, as_of=view.as_of, filters=view.filters)["found"]:
        no_data_for(data.cached(metrics.found_in_campaign, campaign=config.campaign))
        return
    daily = data.cached(metrics.daily_cumulative, as_of=view.as_of, filters=view.filters, campaign=campaign)
    chart(
        cumulative_chart(daily, campaign, as_of=view.as_of, title=text("cumulative")),
        key="timeline_cumulative",
    )
    weekly = data.cached(metrics.weekly_trend, as_of=view.as_of, filters=view.filters, campaign=campaign)
    chart(weekly_new_bars(weekly, title=text("weekly_new")), key="timeline_weekly")
    phases = data.cached(metrics.rates_by_phase, as_of=view.as_of, filters=view.filters, campaign=campaign)
    compact_table(display_frame(phases, PHASE_COLUMNS), key="timeline_phase_table")


render()
