"""Every figure the dashboard and the CLI show: DuckDB queries with the exact definitions of DOMAIN.md."""

from metrics.breakdowns import (
    DIMENSIONS,
    SEVERITY_GROUPS,
    open_by_village_sector,
    rates_by,
    rates_by_category_severity,
    rates_by_phase,
    rates_by_sector,
    rates_by_village,
)
from metrics.filters import NO_FILTERS, Filters, filter_sql
from metrics.formatting import NO_VALUE, format_count, format_pp, format_rate
from metrics.quality import imports_log, latest_import, rejected_rows, villages_without_ledger
from metrics.ranking import rank_by_rate, red_black_lists
from metrics.summary import rejected_row_count, summary
from metrics.summary_report import summary_payload, summary_text
from metrics.tickets import (
    AGEING_BANDS,
    LIST_STATES,
    STATE_LABELS,
    due_soon_tickets,
    overdue_by_band,
    overdue_tickets,
    ticket_count,
    ticket_history,
    ticket_list,
)
from metrics.trend import daily_cumulative, weekly_trend
from metrics.weekly import village_week_ranking, week_bounds, week_comparison

__all__ = [
    "AGEING_BANDS", "DIMENSIONS", "LIST_STATES", "NO_FILTERS", "NO_VALUE", "SEVERITY_GROUPS", "STATE_LABELS",
    "Filters", "daily_cumulative", "due_soon_tickets", "filter_sql", "format_count", "format_pp", "format_rate",
    "imports_log", "latest_import", "open_by_village_sector", "overdue_by_band", "overdue_tickets", "rank_by_rate", "rates_by",
    "rates_by_category_severity", "rates_by_phase", "rates_by_sector", "rates_by_village", "red_black_lists",
    "rejected_row_count", "rejected_rows", "summary", "summary_payload", "summary_text", "ticket_count",
    "ticket_history", "ticket_list", "village_week_ranking", "villages_without_ledger", "week_bounds",
    "week_comparison", "weekly_trend",
]  # fmt: skip
