"""The Chinese labels shown on screen for the code's English names: each label is spelled here once."""

from __future__ import annotations

# Columns of tickets and metric frames.
LABELS: dict[str, str] = {
    "ticket_id": "隐患标识",
    "hazard_no": "隐患编号",
    "village": "村（社区）",
    "unit": "单位名称",
    "address": "地址",
    "sector": "场所类型",
    "category": "隐患类别",
    "description": "隐患描述",
    "severity": "隐患等级",
    "county_supervised": "挂牌督办",
    "measures": "整改措施",
    "found_date": "排查日期",
    "deadline": "整改期限",
    "office": "责任单位",
    "responsible": "责任人",
    "phone": "联系电话",
    "method": "检查方式",
    "note": "备注",
    "status": "整改状态",
    "rectified_date": "整改完成时间",
    "closed_date": "销号时间",
    "reviewer": "复查人",
    "funds": "整改资金（元）",
    "found": "排查隐患（处）",
    "rectified": "已整改（处）",
    "rate": "整改率",
    "open": "未整改（处）",
    "overdue": "超期未整改（处）",
    "closed": "已销号（处）",
    "on_time_rate": "按期整改率",
    "rectified_late": "逾期整改（处）",
    "days_overdue": "超期天数",
    "days_left": "剩余天数",
    "phase": "阶段",
    "week": "周次",
    "report_date": "填报日期",
    "file_name": "文件",
    "sheet": "工作表",
    "row_number": "行号",
    "reason": "原因",
    "raw_values": "原始内容",
}

SEVERITY_LABELS: dict[str, str] = {"general": "一般隐患", "serious": "较大隐患", "major": "重大火灾隐患"}
STATUS_LABELS: dict[str, str] = {"open": "未整改", "in_progress": "整改中", "rectified": "已整改"}
LEDGER_KIND_LABELS: dict[str, str] = {
    "inspection": "排查台账",
    "rectification": "整改（销号）台账",
    "combined": "排查整改台账",
}


def label(name: str) -> str:
    """The on-screen label of a column or metric name (the name itself when none is set)."""
    return LABELS.get(name, name)


# ---- Metric codes and their labels (slice H1). Kept at the end of the file to ease merging. ----
# A ticket's state as of a date (metrics.tickets.STATES, the `state` column of ticket_list).
STATE_LABELS: dict[str, str] = {
    "closed": "已销号",
    "rectified": STATUS_LABELS["rectified"],
    "overdue": "超期",
    "in_progress": STATUS_LABELS["in_progress"],
    "open": STATUS_LABELS["open"],
}
# How long a ticket has been overdue (metrics.tickets.AGEING_BANDS, the `ageing_band` column).
AGEING_BAND_LABELS: dict[str, str] = {"1_7d": "1–7天", "8_30d": "8–30天", "over_30d": "30天以上"}
