"""A ticket's identity: how a ledger row is known again next week, as DuckDB SQL over a staged row.

A ticket is village#隐患编号 where the ledger numbers its hazards, else a digest of the natural key
village + unit + description + found date (DOMAIN.md, "The ledgers"). A 整改 row without 隐患编号 finds
its ticket by match_key (village|unit|description). (The identity of a *file* is etl.source.)
"""

from __future__ import annotations


def hazard_key_sql(column: str) -> str:
    """SQL for a 隐患编号 as a key: spaces dropped, upper case, and a plain number without its leading
    zeros (Excel turns a typed 001 into 1 as soon as the cell is not formatted as text)."""
    key = f"upper(replace(coalesce({column}, ''), ' ', ''))"
    return f"CASE WHEN regexp_full_match({key}, '[0-9]+') THEN coalesce(nullif(ltrim({key}, '0'), ''), '0') ELSE {key} END"


# match_key and no_key of a staged row (its text arrives NFKC-folded, whitespace collapsed to ' ').
ROW_KEYS_SQL = f"""
    coalesce(village, '') || '|' || replace(coalesce(unit, ''), ' ', '')
        || '|' || replace(coalesce(description, ''), ' ', '') AS match_key,
    {hazard_key_sql("hazard_no")} AS no_key"""
# ticket_id of a staged row with its keys (ROW_KEYS_SQL).
TICKET_ID_SQL = """
    CASE WHEN no_key <> '' THEN coalesce(village, '') || '#' || no_key
         ELSE 'nk:' || md5(match_key || '|' || coalesce(strftime(found_date, '%Y-%m-%d'), '')) END AS ticket_id"""
