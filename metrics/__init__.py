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
from metrics.filters import NO_FILTERS, SEVERITY_GROUP_CODES, Filters, filter_sql, within_severity_group
from metrics.formatting import NO_VALUE, format_rate
from metrics.quality import (
    data_issues,
    import_warnings,
    imports_log,
    latest_import,
    rejected_rows,
    villages_without_ledger,
)
from metrics.ranking import rank_by_rate, red_black_lists, sector_ranking, split_ranked, village_ranking
from metrics.summary import found_in_campaign, rejected_row_count, summary, summary_figures
from metrics.summary_report import summary_payload, summary_text
from metrics.tickets import (
    AGEING_BAND_CODES,
    AGEING_BANDS,
    LIST_STATES,
    STATES,
    due_soon_tickets,
    newly_overdue_tickets,
    open_major_tickets,
    overdue_by_band,
    overdue_tickets,
    ticket_history,
    ticket_list,
)
from metrics.trend import daily_cumulative, weekly_trend
from metrics.weekly import (
    previous_week_end,
    summary_with_last_week,
    this_and_last_week,
    village_week_ranking,
    week_by_severity,
    week_comparison,
    week_cut,
)

__all__ = [
    "AGEING_BANDS", "AGEING_BAND_CODES", "DIMENSIONS", "LIST_STATES", "NO_FILTERS", "NO_VALUE", "SEVERITY_GROUPS",
    "SEVERITY_GROUP_CODES", "STATES", "Filters", "daily_cumulative", "due_soon_tickets", "filter_sql",
    "format_rate", "found_in_campaign", "import_warnings", "imports_log", "data_issues", "latest_import", "open_by_village_sector", "overdue_by_band", "previous_week_end",
    "newly_overdue_tickets", "open_major_tickets", "overdue_tickets", "rank_by_rate", "rates_by", "rates_by_category_severity", "rates_by_phase", "rates_by_sector",
    "rates_by_village", "red_black_lists", "rejected_row_count", "rejected_rows", "sector_ranking", "split_ranked",
    "summary", "summary_figures", "summary_with_last_week", "summary_payload", "summary_text", "this_and_last_week", "ticket_history", "ticket_list",
    "village_ranking", "village_week_ranking", "villages_without_ledger", "week_by_severity", "week_comparison", "week_cut", "weekly_trend",
    "within_severity_group",
]  # fmt: skip
