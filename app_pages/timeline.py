"""时间轴: the campaign's phases and key periods, cumulative found vs rectified, new per week."""

from __future__ import annotations

from charts.timeline import cumulative_chart, phase_timeline
from charts.trend import weekly_new_bars
from firedash.glossary import text
from ui import data
from ui.controls import current_view
from ui.layout import chart, no_data_for, page_title, table

PHASE_COLUMNS = ("phase", "found", "rectified", "rate", "open", "overdue")


def render() -> None:
    config, view = data.config(), current_view()
    page_title("timeline")
    campaign = config.campaign
    chart(phase_timeline(campaign, today=view.as_of, title=text("phase_timeline")), key="timeline_phases")
    if not data.summary(view.as_of, view.filters)["found"]:
        no_data_for(view)
        return
    daily = data.daily_cumulative(view.as_of, view.filters)
    chart(
        cumulative_chart(daily, campaign, as_of=view.as_of, title=text("cumulative")),
        key="timeline_cumulative",
    )
    weekly = data.weekly_trend(view.as_of, view.filters)
    chart(weekly_new_bars(weekly, title=text("weekly_new")), key="timeline_weekly")
    table(data.rates_by_phase(view.as_of, view.filters), PHASE_COLUMNS, key="timeline_phase_table")


render()
