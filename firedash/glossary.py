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


# ════════════════════════════════════════════════════════════════════════════════════════════════════
# The loader's messages (etl/): why a cell or row is kept aside, why a file is refused, and what
# `python -m etl load` prints. Templates are filled with str.format(); the words the loader recognises
# in ledgers are etl/vocabulary.py, not here.
# ════════════════════════════════════════════════════════════════════════════════════════════════════

# What is wrong with a cell: "<label><problem>：<text as written>" (排查日期无法识别：上周三).
UNREADABLE = "无法识别"
IMPOSSIBLE = "不存在"
OUT_OF_RANGE = "不在合理范围内"  # 1899-12-30 (Excel's day 0), 9999-12-31: placeholders, not dates
CELL_PROBLEM = "{field}{problem}：{text}"
REASON_MISSING = "缺少{field}"
REASON_NOT_LISTED = "{field}不在名单中：{text}"
REASON_LATER_THAN = "{field}晚于{other}：{text}"
REASON_EARLIER_THAN = "{field}早于{other}"
REASON_SEPARATOR = "；"  # between the problems of one row
CLOSED_FLAG_LABEL = "是否销号"
# A kept-aside row's cells under a column without a header, or a header written twice.
RAW_UNNAMED_COLUMN = "第{letter}列"
RAW_REPEATED_COLUMN = "{name}（{letter}列）"

# Rows set aside while merging a file into the store.
REASON_DUPLICATE = "与工作表 {sheet} 第 {row} 行是同一隐患（重复）"
REASON_UNPOINTED = "整改记录既无隐患编号也无村（社区），无法对应到隐患"
REASON_NO_TICKET_NUMBERED = "找不到对应的隐患（隐患编号 {number}）"
REASON_NO_TICKET = "找不到对应的隐患（按村、单位、隐患描述查找）"
REASON_NUMBER_IN_VILLAGES = "隐患编号 {number} 在多个村（社区）都有，请填写村（社区）"
REASON_MANY_TICKETS = "对应到多条隐患，请填写隐患编号或排查日期"
REASON_SAME_TICKET_TWICE = "与本文件中另一条整改记录指向同一隐患（重复）"

# Files refused whole, or left as they were.
NO_HEADER = "未找到可识别的表头（需要包含 村（社区）、排查日期、隐患描述 或 隐患编号、整改情况 等列）"
REFUSED_UNOPENABLE = "文件不存在或无法打开"
REFUSED_UNPARSEABLE = "无法解析该文件（{error_type}: {error}）"
REFUSED_WRITE = "写入数据库失败，数据库未作改动（{error}）"
UNCHANGED_SAME_FILE = "与已导入的文件内容相同，未作改动"
# The steps a load reports to its progress callback, in order.
STEP_READ, STEP_WRITE, STEP_DONE = "读取", "写入", "完成"

# `python -m etl load`: its help and the lines it prints.
CLI_DESCRIPTION = "把排查、整改台账导入数据库"
CLI_LOAD_HELP = "导入台账文件（.xlsx/.xls/.csv，或包含它们的文件夹）"
CLI_DB_HELP = "数据库文件（默认 data/campaign.duckdb 或环境变量 FIREDASH_DB）"
CLI_CONFIG_HELP = "镇和专项行动配置（默认 data/town.toml 或环境变量 FIREDASH_CONFIG）"
CLI_REPORT_DATE_HELP = "填报日期 YYYY-MM-DD（默认取台账标题中的填报日期，否则今天）"
CLI_FILES_HELP = "台账文件或文件夹"
CLI_FILES_UNIT = "个文件"
CLI_BAD_DATE = "日期格式应为 YYYY-MM-DD：{text}"
CLI_NO_FILES = "没有找到要导入的文件"
CLI_NO_STORE = "无法打开数据库 {db}：{error}"
CLI_REFUSED = "✗ {name}：未导入——{reason}（数据库未作改动）"
CLI_UNCHANGED = "= {name}：{reason}"
CLI_LOADED = (
    "✓ {name}：读取 {read} 行，新增隐患 {new} 处，更新 {updated} 处，"
    "未变 {unchanged} 处，暂存待修正 {rejected} 行（填报日期 {report_date}）"
)
CLI_STALE = "    · 其中 {stale} 处隐患库中已有填报日期更晚的报告，本文件未覆盖其内容和状态"
CLI_REJECTED_ROW = "    · 工作表「{sheet}」第 {row} 行：{reason}"
CLI_MORE_REJECTED = "    · 另有 {more} 行待修正，详见看板“数据质量”页"
