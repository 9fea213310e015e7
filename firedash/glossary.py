"""Every word a user reads, on screen and in exports, spelled here once: labels, titles, words and messages.

Code keeps values as values (a number, a code) and asks this module for the words at the edge.
tests/test_glossary.py fails when Chinese text is written in a string literal anywhere else.
"""

from __future__ import annotations

# The town's vocabulary when data/town.toml names none (firedash.config's defaults); OTHER catches the rest.
OTHER = "其他"
DEFAULT_SECTORS: tuple[str, ...] = (
    "商场", "宾馆", "卫生院/医疗机构", "养老院", "厂房", "库房", "未经消防验收建设工程",
    "办公楼", "食堂", "宿舍", "工棚", "木房", "教育培训机构", "餐饮企业", "燃气经营/充装企业",
    "高层建筑", "冷库", "室内冰雪活动场所", "居民住宅", "烟花爆竹储存/销售点", OTHER,
)  # fmt: skip
DEFAULT_HAZARD_CATEGORIES: tuple[str, ...] = (
    "电气线路", "燃气管道/用气", "消防设施器材", "疏散通道/安全出口", "易燃可燃装修装饰/保温材料",
    "违规用火用电用气", "防火分隔", "电加热设备", "安全管理/应急预案", "动火作业",
    "影响逃生和灭火救援的障碍物", OTHER,
)  # fmt: skip
DEFAULT_OFFICES: tuple[str, ...] = ("应急办", "平安办", "村建环保办", "水利办", "民政社")

# Column labels: the columns of tickets, of rows kept aside and of the import log.
COLUMN_LABELS: dict[str, str] = {
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
    "review_result": "复查结果",
    "hazard_state": "隐患状态",
    "funds": "整改资金（元）",
    "report_date": "填报日期",
    "file_name": "文件",
    "sheet": "工作表",
    "row_number": "行号",
    "reason": "原因",
    "raw_values": "原始内容",
    "imported_at": "导入时间",
    "ledger_kinds": "台账类型",
    "sheets": "工作表数",
    "rows_read": "读取行数",
    "rows_new": "新增（条）",
    "rows_updated": "更新（条）",
    "rows_unchanged": "未变（条）",
    "rows_rejected": "搁置（条）",
    "source_file": "来源文件",
    "last_report_date": "最近填报日期",
    "superseded": "已被新一期替换",
}

# Metric labels: the figures of metric frames and tiles, and the columns that group them.
METRIC_LABELS: dict[str, str] = {
    "found": "排查隐患（处）",
    "rectified": "已整改（处）",
    "rate": "整改率",
    "open": "未整改（处）",
    "overdue": "超期未整改（处）",
    "closed": "已销号（处）",
    "on_time_rate": "按期整改率",
    "rectified_late": "逾期整改（处）",
    "rectified_on_time": "按期整改（处）",
    "days_overdue": "超期天数",
    "days_left": "剩余天数",
    "major_found": "重大火灾隐患（处）",
    "major_rectified": "重大隐患已整改（处）",
    "major_open": "重大隐患未整改（处）",
    "supervised_open": "挂牌督办未销号（处）",
    "due_soon": "7日内到期（处）",
    "ageing_band": "超期时长",
    "state": "当前状态",
    "phase": "阶段",
    "week": "周次",
    "rank": "排名",
    "rank_last_week": "上周排名",
    "rank_move": "名次变化",
    "rate_last_week": "上周整改率",
    "rate_change_pp": "整改率变化（百分点）",
    "week_start": "周一",
    "week_end": "周日",
    "new_found": "本周新排查（处）",
    "new_rectified": "本周新整改（处）",
    "new_closed": "本周新销号（处）",
    "newly_overdue": "本周新增超期（处）",
    "cum_found": "累计排查（处）",
    "cum_rectified": "累计整改（处）",
    "cum_closed": "累计销号（处）",
    "date": "日期",
    "severity_group": "隐患分级",
    "list": "榜单",
    "town": "全镇",
}

# Metric columns that carry a labelled name under another column name.
ALIASES: dict[str, str] = {"week_no": "week", "newly_closed": "new_closed"}

LABELS: dict[str, str] = {
    **COLUMN_LABELS,
    **METRIC_LABELS,
    **{alias: METRIC_LABELS[name] for alias, name in ALIASES.items()},
}

# The words of stored codes.
SEVERITY_LABELS: dict[str, str] = {"general": "一般隐患", "serious": "较大隐患", "major": "重大火灾隐患"}
STATUS_LABELS: dict[str, str] = {"open": "未整改", "in_progress": "整改中", "rectified": "已整改"}
LEDGER_KIND_LABELS: dict[str, str] = {
    "inspection": "排查台账",
    "rectification": "整改（销号）台账",
    "combined": "排查整改台账",
}
# The 一般/重大 split: 一般 counts general and serious (较大) together, 重大 is major.
SEVERITY_GROUP_LABELS: dict[str, str] = {"general": "一般", "major": "重大"}
YES_NO: dict[bool, str] = {True: "是", False: "否"}

# Page titles, by the page's name in ui.navigation.PAGES.
PAGE_TITLES: dict[str, str] = {
    "overview": "总览",
    "villages": COLUMN_LABELS["village"],
    "sectors": "行业领域",
    "overdue": "超期隐患",
    "timeline": "时间轴",
    "weekly": "周报",
    "quality": "数据质量",
    "audit": "操作记录",
    "import": "数据导入",
}

# Words of tiles, charts, tables and exports; {placeholders} are filled in by text().
WORDS: dict[str, str] = {
    "app_title": "冬春火灾防控看板",
    "as_of": "数据截至",
    "filters": "筛选",
    "all": "全部",
    "vs_last_week": "较上周",
    "latest_import": "最近导入",
    "never_imported": "尚未导入",
    "phase_line": "当前阶段：{phase}（剩余{days}天）",
    "phase_none": "不在工作阶段内",
    "header_separator": "　|　",
    "list_separator": "、",
    "group_separator": "；",
    "cell": "{name}：{value}",
    "steady": "持平",
    "unit_hazard": "处",
    "percent_points": "个百分点",
    "date": "{year}年{month}月{day}日",
    "month_day": "{month}月{day}日",
    "axis_month_day": "%-m月%-d日",
    "week_label": "第{n}周",
    "week_range": "第{n}周（{start}—{end}）",
    "scope_town": "全{short}",
    "town_rate": "全镇整改率",
    "filtered_rate": "筛选范围整改率",
    "in_brackets": "（{value}）",
    "vs_last_week_note": "较上周（截至{date}）：与上周日的累计数相比",
    "ranked_apart": "未排名",
    "red_list": "红榜",
    "black_list": "黑榜",
    "list_heading": "{name}（{rate}{rule}）",
    "heading_colon": "：",
    "download_xlsx": "下载 Excel",
    "choose_village": "选择村（社区）查看详情",
    "choose_week": "选择周次",
    "choose_placeholder": "请选择",
    "week_heading": "{week}（{start}—{end}），数据截至{as_of}",
    "overdue_list": "超期未整改隐患清单（{n}处）",
    "due_soon_list": "7日内到期隐患（{n}处）",
    "ageing": "超期时长分布",
    "longest_overdue": "超期最久的{n}处隐患",
    "village_ranking": "各村（社区）整改率排名",
    "sector_ranking": "各行业领域整改率",
    "category_split": "各隐患类别整改情况（一般/重大）",
    "severity_group_trace": "{group}隐患",
    "open_heatmap": "未整改隐患分布（村 × 场所类型）",
    "open_tickets": "未整改隐患",
    "trend_vs_scope": "整改率周趋势（与{scope}对比）",
    "filtered_scope": "筛选范围",
    "phase_timeline": "工作阶段与重点时段",
    "key_periods": "重点时段",
    "cumulative": "累计排查与整改",
    "weekly_new": "每周新排查与新整改",
    "imports": "导入记录",
    "rejected": "搁置的行（需村/单位核对后重新报送）",
    "no_ledger": "最近一周未报送台账的村（社区）",
    "by_sector": "按场所类型",
    "by_category": "按隐患类别",
    "week_span": "{start}—{end}",
    "bar_ranked": "{rate}（{rectified}/{found}处）",
    "bar_unranked": "{rate}（{found}处，{rule}）",
    "hover_bar": "%{y}<br>%{text}<extra></extra>",
    "hover_group_bar": "%{y}<br>%{fullData.name}：%{text}<extra></extra>",
    "hover_band": "%{x}：%{text}<extra></extra>",
    "hover_cell": "%{y} · %{x}：%{z}处<extra></extra>",
    "hover_day_count": "%{x|%Y-%m-%d}：%{y}处<extra>%{fullData.name}</extra>",
    "hover_week_count": "%{x}：%{y}处<extra>%{fullData.name}</extra>",
    "hover_week_rate": "%{x}：%{y:.1%}<extra>%{fullData.name}</extra>",
    "hover_period": "{name}：{start} — {end}<extra></extra>",
    "this_week_prefix": "本周",
    "excel_font": "宋体",
    "excel_date_format": 'yyyy"年"m"月"d"日"',
    "excel_move_format": '"↑"0;"↓"0;"{steady}"',
    "excel_page_footer": "第 &P 页，共 &N 页",
    "cell_truncated": "…（已截断）",
    "sheet_overdue": "超期未整改",
    "sheet_due_soon": "7日内到期",
    "sheet_rejected": "搁置的行",
    "sheet_week_summary": "总体情况",
    "sheet_week_ranking": "各村排名",
    "title_overdue": "{town}超期未整改火灾隐患清单",
    "title_rejected": "{town}台账搁置行清单",
    "title_weekly": "{town}火灾防控工作周报数据（{week}）",
    "file_overdue": "超期隐患清单_{stamp}.xlsx",
    "file_rejected": "搁置行清单_{stamp}.xlsx",
    "file_weekly": "周报数据_{week}.xlsx",
    "sheet_week_severity": "一般与重大",
    "sheet_newly_overdue": "本周新增超期",
    "newly_overdue_list": "本周新增超期未整改隐患（{n}处）",
    "sheet_trend": "周趋势",
    "title_dashboard": "{town}火灾防控工作看板数据",
    "file_dashboard": "看板数据_{stamp}.xlsx",
    "download_dashboard": "下载整个看板（Excel）",
    "download_village_overdue": "下载{village}超期隐患清单（Excel）",
    "download_villages_zip": "下载各村（社区）超期隐患清单（ZIP）",
    "file_villages_zip": "各村超期隐患清单_{stamp}.zip",
    "download_csv": "下载 CSV",
    "upload_button": "选择文件",
    "upload_limit": "每个文件不超过{mb}MB",
    "no_value": "—",
    "last_week": "上周",
    "no_office": "未填写",
    # The attention block (ui.attention) and presentation mode (ui.present).
    "attention_lagging": "整改率排名靠后的{n}个村（社区）",
    "attention_village": "第{rank}名 {village}：整改率{rate}（{rectified}/{found}处）",
    "attention_major": "未整改的重大火灾隐患和挂牌督办隐患（{n}处）",
    "attention_ticket": "{village} · {unit}：{description}（{marks}）",
    "attention_overdue_days": "已超期{days}天",
    "attention_deadline": "整改期限{date}",
    "ranking_colour_key": "蓝色：不低于{line}；橙红色：低于{line}；灰色：隐患太少，不参与排名",
    "present_prev": "上一页",
    "present_next": "下一页",
    "present_page": "第{n}/{total}页",
    "slide_overall": "{scope}总体情况",
    "slide_ranking": "各村（社区）排名与红黑榜",
    "slide_overdue": "超期与重大隐患",
    "slide_week": "本周变化",
    # Compact tables (ui.layout.compact_table) give the unit once, under the table.
    "table_unit_note": "表中数量单位：处",
}

# Messages: empty states, hints, and the overview's plain sentence.
MESSAGES: dict[str, str] = {
    "no_data": "暂无数据",
    "no_data_hint": "暂无数据：{hint}",
    "no_store_hint": "尚未导入任何台账。请先运行：python -m etl load --db 数据库路径 台账文件或目录",
    "empty_store_hint": "数据库中还没有隐患记录，请先导入台账。",
    "empty_filter_hint": "当前日期和筛选条件下没有隐患记录，请调整左侧的日期或筛选条件。",
    "village_no_data": "{village}在当前日期和筛选条件下没有隐患记录。",
    "store_busy": "数据库正在导入台账，请稍后刷新页面。",
    "not_ranked": "不足{n}处，不参与排名",
    "rank_rule": "隐患不少于{n}处的村（社区）才参与排名和红黑榜。",
    "nobody_listed": "本周无村（社区）上榜。",
    "all_sent": "各村（社区）最近一周均已报送台账。",
    "no_rejected": "没有被搁置的行。",
    "no_overdue": "没有超期未整改的隐患。",
    "no_due_soon": "7日内没有到期的隐患。",
    "no_open_major": "没有未整改的重大火灾隐患或挂牌督办隐患。",
    "nobody_ranked": "没有参与排名的村（社区）。",
    "rows_shown": "共 {total} 条，显示前 {shown} 条；完整清单请下载 Excel。",
    "overview_sentence": (
        "截至{date}，{counted}{found}处{new_found}，已整改{rectified}处，整改率{rate}{change}；"
        "尚有{open}处未整改，其中超期{overdue}处{major}。"
    ),
    "sentence_counted_all": "{scope}共排查火灾隐患",
    "sentence_counted_part": "{scope}的火灾隐患共",
    "sentence_new_found": "（较上周新增{n}处）",
    "sentence_steady": "，与上周持平",
    "sentence_up": "，较上周提高{points}个百分点",
    "sentence_down": "，较上周下降{points}个百分点",
    "sentence_major": "；重大火灾隐患{found}处，已整改{rectified}处",
}

# The town summary `python -m metrics summary` prints (metrics.summary_report).
SUMMARY_REPORT: dict[str, str] = {
    "summary_as_of": "统计截至 {date}",
    "summary_week": "（第{n}周）",
    "summary_week_phase": "（第{n}周，{phase}阶段）",
    "summary_found": "排查隐患 {found} 处，已整改 {rectified} 处，整改率 {rate}",
    "summary_open": "未整改 {open} 处，其中超期未整改 {overdue} 处；已销号 {closed} 处",
    "summary_on_time": "按期整改率 {rate}（按期整改 {on_time} 处，逾期整改 {late} 处）",
    "summary_major": "重大火灾隐患 {found} 处，已整改 {rectified} 处，整改率 {rate}；挂牌督办未整改 {supervised} 处",
    "summary_due_soon": "7日内到期未整改 {due_soon} 处；暂存待修正 {rejected} 行",
    "summary_by_village": "各村（社区）",
    "summary_by_sector": "各场所类型",
}

# The command line's help and its one-line errors (metrics.__main__).
COMMAND_LINE: dict[str, str] = {
    "cli_description": "冬春火灾防控看板：统计数字",
    "cli_help": "显示帮助并退出",
    "cli_commands": "子命令",
    "cli_summary": "全镇排查整改情况汇总",
    "cli_db": "数据库文件（默认 $FIREDASH_DB 或 data/campaign.duckdb）",
    "cli_config": "配置文件（默认 $FIREDASH_CONFIG 或 data/town.toml）",
    "cli_as_of": "统计截至日期 YYYY-MM-DD（默认今天，不晚于工作结束日）",
    "cli_json": "输出一个 JSON 对象",
    "cli_bad_arguments": "参数错误：{message}（用法：{usage}）",
    "cli_no_command": "缺少子命令（目前有：summary）",
    "cli_missing_argument": "缺少参数：{value}",
    "cli_unknown_argument": "无法识别的参数：{value}",
    "cli_unknown_command": "未知的子命令：{value}（目前有：summary）",
    "cli_no_value": "参数 {value} 后面缺少取值",
    "cli_bad_date": "日期格式不对：{text}（应为 YYYY-MM-DD，如 2024-01-15）",
    "cli_no_store": "数据库不存在：{path}（请先导入台账：python -m etl load --db {path} 台账文件…）",
    "cli_store_unreadable": "无法打开数据库 {path}：{error}",
    "cli_query_failed": "读取数据库失败：{error}",
}

# Errors of data/town.toml (firedash.config): each names the file and the key.
CONFIG_ERRORS: dict[str, str] = {
    "config_missing": "配置文件不存在：{file}",
    "config_malformed": "配置文件 {file} 格式错误：{error}",
    "config_campaign_ends_early": "配置文件 {file}：campaign.end 早于 campaign.start",
    "config_missing_key": "配置文件 {file} 缺少键 {key}",
    "config_wrong_type": "配置文件 {file} 的键 {key} 类型不对：应为{kind}",
    "config_kind_text": "非空文字",
    "config_kind_date": "日期（如 2023-11-01）",
    "config_kind_table": "表（[section]）",
    "config_kind_list": "列表",
    "config_not_names": "配置文件 {file} 的键 {key} 应为非空的文字列表",
    "config_missing_periods": "配置文件 {file} 缺少键 campaign.{key}（[[campaign.{key}]] 表）",
    "config_period_not_table": "配置文件 {file} 的键 campaign.{key}[{i}] 应为表",
    "config_period_ends_early": "配置文件 {file} 的键 {prefix}end 早于 {prefix}start",
    "config_dashboard_not_table": "配置文件 {file} 的键 dashboard 应为表",
    "config_dashboard_not_numbers": "配置文件 {file} 的 [dashboard] 中有非数字的值",
    "config_rate_out_of_range": "配置文件 {file} 的键 dashboard.{key} 应在 0 到 1 之间（如 0.9）",
    "config_section_not_table": "配置文件 {file} 的键 {section} 应为表",
    "config_public_view": "配置文件 {file} 的键 access.public_view 应为 true 或 false",
    "config_session_minutes": "配置文件 {file} 的键 access.session_minutes 应为正整数（分钟）",
    "config_listen_address": "配置文件 {file} 的键 access.listen_address 应为非空文字（如 127.0.0.1）",
    "config_backups_keep": "配置文件 {file} 的键 intake.backups_keep 应为不小于 0 的整数（如 10）",
    "config_publish_every": "配置文件 {file} 的键 intake.publish_every_seconds 应为不小于 0 的秒数（如 5）",
}

# Errors a metric raises when called with a name it does not know.
METRIC_ERRORS: dict[str, str] = {
    "unknown_dimension": "未知的分组维度：{dimension}（可选：{choices}）",
    "unknown_state": "未知的整改状态筛选：{state}（可选：{choices}）",
    "rank_column_missing": "排名所需的列不存在：{column}",
}

TEXT: dict[str, str] = {
    **WORDS,
    **MESSAGES,
    **SUMMARY_REPORT,
    **COMMAND_LINE,
    **CONFIG_ERRORS,
    **METRIC_ERRORS,
}


def text(key: str, /, **values: object) -> str:
    """An interface word or sentence, with its {placeholders} filled in (a placeholder may be named key)."""
    return TEXT[key].format(**values) if values else TEXT[key]


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
# town.toml's [vocabulary] and [campaign] date_margin_years (firedash.config.parse_vocabulary, etl.values).
VOCABULARY_BAD_MARGIN = "配置文件 {file} 的键 campaign.date_margin_years 类型不对：应为 0～50 的整数"
VOCABULARY_NOT_A_TABLE = "配置文件 {file} 的键 vocabulary 类型不对：应为表"
VOCABULARY_UNKNOWN_KEYS = "配置文件 {file} 的 [vocabulary] 有未知的键：{keys}"
VOCABULARY_NOT_WORDS = "配置文件 {file} 的键 {key} 类型不对：应为文字列表"
VOCABULARY_UNKNOWN_FIELDS = "配置文件 {file} 的 [vocabulary.columns] 有不认识的字段名：{names}"
LIST_SEPARATOR = "、"
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
# Files a reader refuses (etl.readers, etl.xlsx_guard), and what it cannot read whole (etl.limits).
NO_SUFFIX = "无扩展名"  # fills {suffix} for a file named without one
REFUSED_EMPTY_FILE = "文件是空的"
REFUSED_NO_DATA = "文件中没有任何数据（所有工作表都是空的）"
REFUSED_NO_WORKSHEET = "文件中没有工作表（文件可能已损坏），无法导入"
REFUSED_BROKEN = "文件已损坏或加密，无法打开"
REFUSED_ENCRYPTED = "文件设置了打开密码（已加密），请取消密码后再导入"
REFUSED_UNKNOWN_ENCODING = "无法识别文件的文字编码（请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx）"
REFUSED_BAD_CSV = "CSV 文件格式错误，无法解析"
REFUSED_LYING_ZIP = "文件内部记录的大小与实际内容不符（文件已损坏或被篡改），未导入"
REFUSED_ODD_XML = "工作表中有一段异常长的 XML 标记（文件已损坏或被篡改），未导入"
REFUSED_WEB_PAGE = (
    "这是网页（HTML）文件，不是 Excel 表格（扩展名为 {suffix}）：请用 Excel 打开后“另存为” .xlsx 再导入"
)
REFUSED_XML_2003 = "这是 Excel 2003 XML 表格，不是 .xlsx 或 .xls 文件：请用 Excel 打开后“另存为” .xlsx 再导入"
REFUSED_WORD_FILE = "这是 Word 文档，不是 Excel 表格，请提供 .xlsx、.xls 或 .csv 文件"
REFUSED_SLIDES_FILE = "这是 PowerPoint 演示文稿，不是 Excel 表格，请提供 .xlsx、.xls 或 .csv 文件"
REFUSED_PLAIN_ZIP = "这是 zip 压缩包，不是 Excel 表格：请解压后导入其中的 .xlsx、.xls 或 .csv 文件"
REFUSED_XML_CONTENT = (
    "不是电子表格文件（扩展名为 {suffix}，内容却是 XML），请用 Excel 打开后另存为 .xlsx 再导入"
)
REFUSED_UNSUPPORTED_SUFFIX = "不支持的文件类型“{suffix}”（请提供 .xlsx、.xls 或 .csv 文件）"
REFUSED_TEXT_CONTENT = (
    "不是电子表格文件（扩展名为 {suffix}，内容却是文本），请用 Excel 打开后另存为 .xlsx 再导入"
)
REFUSED_UNKNOWN_CONTENT = "不是电子表格文件（扩展名为 {suffix}，但内容无法识别）"
REFUSED_OTHER_DOCUMENT = "不是电子表格文件（{suffix} 文件），请提供 .xlsx、.xls 或 .csv 文件"
REFUSED_NOT_A_SPREADSHEET = "不是电子表格文件（内容无法识别）"
# Sizes in MB as etl.limits writes them ("0.5", "1,234"); counts with thousands separators.
REFUSED_EXPANDED_TOO_LARGE = (
    "文件解压后有 {size} MB，超过每个文件 {limit} MB 的上限（可能是“压缩炸弹”或损坏的文件），未导入"
)
REFUSED_FILE_TOO_LARGE = "文件有 {size} MB，超过每个文件 {limit} MB 的上限，未导入"
REFUSED_TOO_MANY_ROWS = "工作表“{sheet}”有 {rows:,} 行，超过每个工作表 {limit:,} 行的上限，未导入"
REFUSED_TOO_MANY_COLUMNS = "工作表“{sheet}”有 {columns:,} 列，超过每个工作表 {limit:,} 列的上限，未导入"
REFUSED_TOO_MANY_CELLS = (
    "工作表“{sheet}”的表格范围有 {rows:,} 行 × {columns:,} 列，超过 {limit:,} 个单元格的上限"
    "（请删除远离台账的单元格内容后再导入），未导入"
)
CELL_CUT = "单元格内容过长（{length:,} 个字符），超过 {kept:,} 个字符的上限，只读取了前 {kept:,} 个字符"
# The steps a load reports to its progress callback, in order.
STEP_READ, STEP_WRITE, STEP_DONE = "读取", "写入", "完成"

# `python -m etl load`: its help and the lines it prints.
CLI_DESCRIPTION = "把排查、整改台账导入数据库"
CLI_LOAD_HELP = "导入台账文件（.xlsx/.xls/.csv，或包含它们的文件夹）"
CLI_DB_HELP = "数据库文件（默认 data/campaign.duckdb 或环境变量 FIREDASH_DB）"
CLI_CONFIG_HELP = "镇和专项行动配置（默认 data/town.toml 或环境变量 FIREDASH_CONFIG）"
CLI_REPORT_DATE_HELP = "填报日期 YYYY-MM-DD（默认取台账标题中的填报日期，否则今天）"
STORE_TOO_NEW = "数据库版本 {current} 比本程序支持的版本 {supported} 新，请升级程序"
CLI_DRY_RUN_HELP = "试导入：照常读取并报告结果，不写入数据库"
CLI_FILES_HELP = "台账文件或文件夹"
CLI_FILES_UNIT = "个文件"
CLI_BAD_DATE = "日期格式应为 YYYY-MM-DD：{text}"
CLI_NO_FILES = "没有找到要导入的文件"
CLI_NO_STORE = "无法打开数据库 {db}：{error}"
CLI_REFUSED = "✗ {name}：未导入——{reason}（数据库未作改动）"
CLI_UNCHANGED = "= {name}：{reason}"
CLI_LOADED = (
    "{mark} {name}：读取 {read} 行，新增隐患 {new} 处，更新 {updated} 处，"
    "未变 {unchanged} 处，暂存待修正 {rejected} 行（填报日期 {report_date}，取自{source}）"
)
# Where a file's report date came from (etl.report_date.REPORT_DATE_SOURCES), as the load line says it.
REPORT_DATE_SOURCE_NAMES = {
    "cli": "命令行 --report-date",
    "title": "台账标题中的填报日期",
    "workbook_saved": "工作簿保存日期",
    "latest_in_ledger": "台账中最晚的日期",
    "load_day": "导入当天",
}
CLI_STALE = "    · 其中 {stale} 处隐患库中已有填报日期更晚的报告，本文件未覆盖其内容和状态"
CLI_REJECTED_ROW = "    · 工作表「{sheet}」第 {row} 行：{reason}"
CLI_MORE_REJECTED = "    · 另有 {more} 行待修正，详见看板“数据质量”页"


# ════════════════════════════════════════════════════════════════════════════════════════════════════
# The store's safe-keeping commands (etl.publish, etl.undo, etl.intake_cli): load queue, backups, undo, restore.

WAITING_FOR_LOAD = "另一个导入正在进行，等待其完成…"
DRY_RUN_HEADING = "试导入（--dry-run）：以下是导入将得到的结果，数据库、备份和存档均未改动"
STORE_MISSING = "数据库不存在：{store}（请先导入台账：python -m etl load --db {store} 台账文件…）"
STORE_UNREADABLE = "无法打开数据库 {store}：{error}"
NEEDS_YES = "需要确认：在终端中运行会询问，脚本中请加 --yes"
CANCELLED = "已取消，数据库未作改动"
CONFIRM = "{question}[y/N] "

# python -m etl imports
IMPORTS_EMPTY = "数据库中还没有导入记录"
IMPORTS_HEADER = "编号  导入时间             文件（读取/新增/更新/未变/暂存行数）"
IMPORTS_LINE = "#{id:<4} {loaded_at}  {file}（{rows_read}/{rows_new}/{rows_updated}/{rows_unchanged}/{rows_rejected}）{mark}"
IMPORTS_UNDONE_MARK = " —— 已于 {undone_at} 撤销"

# python -m etl undo
UNDO_QUESTION = "撤销导入 #{id}「{file}」？将按原顺序重放其余 {replayed} 个文件重建数据库。"
UNDO_UNKNOWN = "没有编号为 {id} 的导入（用 python -m etl imports 查看）"
UNDO_ALREADY = "导入 #{id}「{file}」已于 {undone_at} 撤销，无需再次撤销"
UNDO_MISSING_COPY = "无法撤销：以下导入的文件副本不在存档中，无法重放（数据库未作改动）：{files}"
UNDO_REPLAY_REFUSED = "无法撤销：重放「{file}」时未能导入（{reason}），数据库未作改动"
UNDO_DONE = (
    "✓ 已撤销导入 #{id}「{file}」：从{base}重放 {replayed} 个文件，隐患 {before} → {after} 处"
    "（撤销前的数据库已备份为 {backup}）"
)
UNDO_BASE_EMPTY = "空库"
UNDO_BASE_BACKUP = "备份 {backup} "

# python -m etl restore
BACKUPS_EMPTY = "没有备份（每次导入、撤销、恢复改动数据库前都会自动备份）"
BACKUPS_HEADER = "备份编号          原因    导入数  隐患数  最后导入的文件"
BACKUP_LINE = "{id:<17} {reason:<6} {imports:>6}  {tickets:>6}  {last_file}"
BACKUP_REASONS = {"load": "导入前", "undo": "撤销前", "restore": "恢复前"}
BACKUP_UNKNOWN = "没有编号为 {id} 的备份（不带参数运行 python -m etl restore 查看）"
BACKUP_UNREADABLE = "备份 {id} 无法打开：{error}"
RESTORE_QUESTION = "用备份 {id}（{imports} 个导入，{tickets} 处隐患）替换当前数据库？"
RESTORE_DONE = "✓ 已恢复备份 {id}：隐患 {before} → {after} 处（恢复前的数据库已备份为 {backup}）"

# python -m etl imports | undo | restore: their help (--db and --config as for load: CLI_DB_HELP, CLI_CONFIG_HELP)
IMPORTS_HELP = "列出已导入的文件（含已撤销的）"
IMPORTS_JSON_HELP = "输出 JSON 列表"
UNDO_HELP = "撤销一次导入：按原顺序重放其余文件重建数据库"
UNDO_ID_HELP = "导入编号（见 python -m etl imports）"
UNDO_YES_HELP = "不询问，直接撤销"
RESTORE_HELP = "列出备份，或用一个备份恢复数据库"
RESTORE_ID_HELP = "备份编号（不填则列出备份）"
RESTORE_JSON_HELP = "列出备份时输出 JSON 列表"
RESTORE_YES_HELP = "不询问，直接恢复"
# ---- Intake reporting (slice H9): column accounting, warnings, data issues. Kept apart to ease merging. ----
# The mark before a loaded file's line: plain ✓, or ⚠ when the load has warnings.
MARK_LOADED, MARK_WARNED = "✓", "⚠"
NO_DATE_COLUMN = "台账没有任何日期列（没有排查日期），无法确定隐患的发现时间，未导入任何隐患"
NEEDED_KINDS = {
    "date": "日期（整改、复查或完成日期）",
    "status": "整改状态",
    "severity": "隐患等级",
    "unit": "分组单位（村、单位）",
}
NEEDED_BY = {"header": "看列名", "values": "看内容"}
WARN_UNUSED_COLUMN = (
    "工作表「{sheet}」的列「{column}」未使用，但{by}像是{kind}：请确认，或用映射配置（data/profiles）指定"
)
WARN_NO_STATUS = "未读到任何整改状态：本文件的 {count} 处隐患都按未整改计"
WARN_MOST_ASIDE = "大部分行未导入：{count} 行暂存待修正（共读取 {read} 行）"
WARN_UNKNOWN_WORD = "工作表「{sheet}」的{field}“{word}”无法识别（{count} 行）"
WARN_RECTIFIED_UNDATED = (
    "{count} 处隐患写着已整改却没有整改日期，台账也没有填报日期：整改日期暂按{source}（{date}）计"
)
CLI_COLUMNS = "    · 工作表「{sheet}」：{used}"
CLI_UNUSED_COLUMNS = "    · 工作表「{sheet}」未使用的列：{unused}"
CLI_COLUMN_FIELD = "{header}→{field}"
# Fields the loader reads that have no column label of their own on the dashboard.
INTAKE_FIELD_LABELS = {"seq": "序号", "closed_flag": CLOSED_FLAG_LABEL}
CLI_LIST_SEPARATOR = "、"
CLI_WARNING = "    ⚠ {message}"
CLI_JSON_HELP = "以 JSON 输出每个文件的结果（供脚本和上传页使用）"
CLI_PROFILE_HELP = "按 data/profiles 中指定的映射配置读取（文件名，不含 .toml）"
CLI_NO_PROFILE = "找不到映射配置：{name}（可用：{names}）"
PROFILE_BAD = "映射配置 {file} 有误：{error}"
# The 数据质量 page's intake sections (slice H9): their titles, empty states and column labels.
INTAKE_COLUMN_LABELS = {
    "message": "说明",
    "column": "列",
    "value": "单元格内容",
    "problem": "问题",
    "field": "读作",
    "count": "涉及行数",
}
LABELS.update(INTAKE_COLUMN_LABELS)
WORDS.update(
    {
        "import_warnings": "导入警告（可能读错或漏读的地方）",
        "data_issues": "无法识别的单元格（隐患已导入，该项按未知计）",
    }
)
MESSAGES.update(
    {
        "no_import_warnings": "最近导入的台账没有警告。",
        "no_data_issues": "没有无法识别的单元格。",
    }
)
TEXT.update({**WORDS, **MESSAGES})

# ════════════════════════════════════════════════════════════════════════════════════════════════════
# Logins, roles and the audit trail (firedash/users.py, access.py, audit.py, __main__.py, ui/auth.py and
# the 操作记录/数据导入 pages). Templates are filled with text(key, **values).
# ════════════════════════════════════════════════════════════════════════════════════════════════════

# Words of the login form and the logout button, also the labels of the login/logout audit actions.
LOGIN = "登录"
LOGOUT = "退出登录"

# Roles by their stored code (firedash.access.Role); 应急办 is the office of that name.
ROLE_LABELS: dict[str, str] = {
    "office_admin": DEFAULT_OFFICES[0],
    "leader": "领导",
    "village": "村（社区）/科室",
}
# Further words `--role` takes for 村（社区）/科室 (besides its label and COLUMN_LABELS["village"]).
VILLAGE_ROLE_WORDS: tuple[str, ...] = ("村", "社区", "科室")

# Audit action code → what the 操作记录 shows (firedash.audit.ACTIONS).
AUDIT_ACTIONS: dict[str, str] = {
    "login": LOGIN,
    "login_failed": "登录失败",
    "lockout": "账户锁定",
    "logout": LOGOUT,
    "import": "导入台账",
    "undo": "撤销导入",
    "restore": "恢复备份",
    "user_add": "新增用户",
    "user_remove": "删除用户",
    "user_passwd": "修改密码",
    "settings": "修改设置",
    "bulletin": "生成周通报",
}
# The audit trail's columns on the 操作记录 page and in its export (firedash.audit.COLUMNS).
AUDIT_COLUMN_LABELS: dict[str, str] = {
    "line": "序号",
    "at": "时间",
    "who": "用户",
    "address": "来源地址",
    "action": "操作",
    "detail": "详情",
    "data": "附加信息",
}

ACCESS: dict[str, str] = {
    # firedash.access
    "role_choices": "应急办、领导 或 村（社区）/科室",
    "unknown_role": "未知的角色“{text}”：应为 {choices}",
    # firedash.users
    "wrong_login": "用户名或密码错误（连续 {failures} 次错误将锁定账户 {minutes} 分钟）",
    "users_file_malformed": "用户文件 {file} 格式错误：{error}",
    "users_file_incomplete": "用户文件 {file} 中有不完整的用户记录：{name}",
    "users_file_comment": "# 看板用户（python -m firedash users 维护；含密码摘要，请勿提交到 git）",
    "password_too_short": "密码太短：至少 {n} 个字符，才不易被猜中",
    "role_needs_no_unit": "角色 {role} 看全镇数据，不需要 --village",
    "role_needs_unit": "村（社区）/科室 角色须用 --village 指定所属村（社区）或科室",
    "unknown_unit": "“{unit}”不是配置中的村（社区）或科室；可选：{known}",
    "bad_user_name": "用户名须为 1–32 个字符，不含空格、引号、斜杠和尖括号",
    "user_exists": "用户 {name} 已存在（改密码请用 users passwd {name}）",
    "no_such_user": "没有用户 {name}",
    "account_locked": "账户 {name} 因连续 {failures} 次密码错误已锁定，请 {minutes} 分钟后再试",
    "account_locks": "连续 {failures} 次密码错误，账户 {name} 已锁定 {minutes} 分钟",
    "welcome": "欢迎，{name}（{role}）",
    # firedash.audit
    "local_address": "本机",
    "chain_unreadable": "第 {n} 行无法读取（被改动或写入中断）",
    "chain_first_deleted": "第 1 行之前的记录被删除",
    "chain_line_changed": "第 {n} 行被改动，或其后有记录被删除",
    "chain_mismatch": "第 {n} 行与上一行的摘要不符：{culprit}",
    "chain_no_head": "缺少记录摘要文件（audit.jsonl.head）",
    "chain_tail_deleted": "记录应至少有 {count} 行，现只有 {lines} 行：末尾的记录被删除",
    "chain_head_mismatch": "第 {n} 行与记录摘要文件不符：该行被改动",
    # python -m firedash
    "users_cli_usage_error": "用法错误：{message}",
    "users_cli_description": "看板用户与操作记录",
    "users_cli_users": "用户文件（默认 $FIREDASH_USERS 或 data/users.toml）",
    "users_cli_db": "数据库，操作记录在其所在文件夹（默认 $FIREDASH_DB）",
    "users_cli_audit": "操作记录文件（默认 $FIREDASH_AUDIT 或数据库旁的 audit.jsonl）",
    "users_cli_config": "镇的配置文件（默认 $FIREDASH_CONFIG 或 data/town.toml）",
    "users_cli_manage": "管理用户",
    "users_cli_add": "新增用户（密码从终端或标准输入读取）",
    "users_cli_village": "村（社区）/科室 角色所属的村（社区）或科室",
    "users_cli_list": "列出用户",
    "users_cli_passwd": "修改密码（也解除锁定）",
    "users_cli_audit_show": "查看操作记录",
    "users_cli_json": "每行一个 JSON 对象",
    "users_cli_verify": "检查记录是否被改动或删除",
    "users_cli_action": "只看某类操作（代码，如 login_failed）",
    "users_cli_user": "只看某个用户",
    "users_cli_serve_args": "打印 streamlit run 的监听地址参数（取自 [access] listen_address）",
    "password_prompt": "密码：",
    "password_again": "再输入一次：",
    "password_mismatch": "两次输入的密码不一致",
    "unit_suffix": "（{unit}）",
    "user_added_detail": "新增用户 {name}，角色 {role}{unit}",
    "user_added": "已新增用户 {name}，角色 {role}{unit}",
    "user_removed_detail": "删除用户 {name}（{role}）",
    "user_removed": "已删除用户 {name}",
    "password_changed_detail": "修改用户 {name} 的密码",
    "password_changed": "已修改用户 {name} 的密码",
    "no_users_yet": "还没有用户。新增第一个应急办账户：python -m firedash users add 用户名 --role 应急办",
    "locked_until": "  锁定至 {time}",
    "user_row": "{name}\t{role}{unit}\t创建 {created}\t修改 {changed}{lock}",
    "trail_broken": "操作记录 {path} 不完整：{reason}",
    "trail_intact": "操作记录 {path} 完整：{lines} 行，未发现改动或删除",
    "cancelled": "已取消",
    # ui.auth and the sidebar
    "user_name": "用户名",
    "password": "密码",
    "logged_in_as": "当前用户：{name}（{role}）",
    "session_expired": "已超过 {minutes} 分钟未操作，请重新登录",
    "session_timed_out": "{minutes} 分钟未操作，会话超时",
    "logged_out": "已退出登录",
    "needs_login": "请先登录",
    "user_gone": "用户已被删除，会话结束",
    "needs_role": "此页面仅限 {role} 使用；当前用户：{name}（{current}）",
    "empty_login": "请输入用户名和密码",
    "login_ok": "登录成功",
    "lockout_detail": "连续 {failures} 次密码错误，账户锁定 {minutes} 分钟",
    "forwarded_address": "{address}（X-Forwarded-For: {forwarded}）",
    "anonymous": "未登录（公开浏览）",
    "scope_caption": "只显示{unit}的隐患；全镇排名照常显示",
    "export_needs_login": "登录后可下载含责任人、联系电话的清单。",
    "raw_needs_login": "登录后可查看搁置行的原始内容并下载清单。",
    "town_only": "此部分仅对全镇用户显示。",
    # The 操作记录 page (应急办 only)
    "audit_from": "起始日期",
    "audit_to": "截止日期",
    "audit_none": "没有符合条件的操作记录。",
    "audit_intact": "操作记录完整：共 {lines} 行，未发现改动或删除。",
    "audit_broken": "操作记录不完整：{reason}",
    "title_audit": "{town}看板操作记录",
    "file_audit": "操作记录_{stamp}.xlsx",
    # The 数据导入 page (应急办 only): the first account
    "first_admin": "还没有应急办账户。请在服务器上运行下面的命令新增第一个账户（按提示输入两次密码），然后在此登录：",
    "first_admin_command": "python -m firedash users add 姓名 --role 应急办",
}
TEXT.update(ACCESS)


# ---- The weekly bulletin 周通报 (slice H16: metrics.bulletin, metrics.bulletin_docx, the template) ----
# Words of the Word document `python -m metrics bulletin` fills, the template's fixed text and style
# names, and the command's lines. A town restyles the template in Word; these fill its {{ }} fields.
BULLETIN: dict[str, str] = {
    "bulletin_kind": "周通报",
    "bulletin_issue_no": "第{n}期",
    "bulletin_issuer": "{town}{campaign}领导小组办公室",  # when town.toml's [bulletin] issuer is unset
    "bulletin_week": "第{n}周（{start}至{end}）",
    "bulletin_vs_last_week": "较上周（截至{date}）",
    "bulletin_overall": (
        "截至{date}，{scope}累计排查火灾隐患{found}处，已整改{rectified}处，整改率{rate}{change}。"
        "本周新排查隐患{new_found}处，新整改{new_rectified}处。"
    ),
    "bulletin_change_up": "，{vs}提高{points}个百分点",
    "bulletin_change_down": "，{vs}下降{points}个百分点",
    "bulletin_change_steady": "，{vs}持平",
    "bulletin_split": (
        "其中一般隐患{general_found}处，已整改{general_rectified}处，整改率{general_rate}；"
        "重大火灾隐患{major_found}处，已整改{major_rectified}处，整改率{major_rate}，"
        "尚未整改{major_open}处（其中县政府挂牌督办{supervised}处）。"
    ),
    "bulletin_timeliness": (
        "按期整改率{on_time_rate}（按期整改{on_time}处，逾期整改{late}处）。"
        "尚有{open}处隐患未整改，其中超期未整改{overdue}处，本周新增超期{newly_overdue}处。"
    ),
    "bulletin_row_town": "合计",
    "bulletin_col_kind": "类别",
    "bulletin_col_change": "较上周（百分点）",
    "bulletin_lists": "{name}（{rule}）：{names}",
    "bulletin_list_item": "{village}（{rate}）",
    "bulletin_nobody": "无",
    "bulletin_newly_overdue": "（一）本周新增超期未整改隐患{n}处",
    "bulletin_no_newly_overdue": "本周没有新增超期未整改的隐患。",
    "bulletin_major_open": "（二）重大火灾隐患及挂牌督办隐患尚未整改{n}处",
    "bulletin_no_major_open": "重大火灾隐患及挂牌督办隐患均已整改。",
    "bulletin_behind": "（三）整改进度落后的村（社区）",
    "bulletin_behind_named": "{names}整改率低于{rate}，列入黑榜。",
    "bulletin_behind_none": "本周没有整改率低于{rate}的村（社区）。",
    "bulletin_no_ledger_title": "（四）未按时报送台账的村（社区）",
    "bulletin_no_ledger": "{week}，{names}共{n}个村（社区）未报送台账。",
    "bulletin_all_sent": "{week}，各村（社区）均已报送台账。",
    "bulletin_no_reports": "截至{date}尚未收到任何台账。",
    "bulletin_chart_ranking": "各村（社区）整改率（{week}）",
    "bulletin_chart_weekly": "每周新排查与新整改（第1周至第{n}周）",
    # The template's fixed text (metrics.bulletin_template writes it once into data/bulletin/template.docx).
    "bulletin_h_overall": "一、总体情况",
    "bulletin_h_villages": "二、各村（社区）进展",
    "bulletin_h_problems": "三、存在问题",
    "bulletin_h_requirements": "四、下步要求",
    "bulletin_rank_rule": (
        "注：隐患不少于{n}处的村（社区）参与排名和红黑榜（{rule}）；整改率保留一位小数，未排查到隐患的记为“{dash}”；"
        "较上周为与上周日（{date}）相比的变化。"
    ),
    "bulletin_copy_to": "抄送：镇长、分管安全副镇长，各村（社区），镇属各办。",
    # Style names of the template (a town restyles them in Word) and the fonts they start with.
    "bulletin_style_title": "通报红头",
    "bulletin_style_kind": "通报名称",
    "bulletin_style_issue": "通报期号",
    "bulletin_style_issuer": "通报发文机关",
    "bulletin_style_heading": "通报一级标题",
    "bulletin_style_subheading": "通报二级标题",
    "bulletin_style_body": "通报正文",
    "bulletin_style_table": "通报表格",
    "bulletin_style_stamp": "通报数据时间",
    "bulletin_font_body": "仿宋",
    "bulletin_font_heading": "黑体",
    "bulletin_font_subheading": "楷体",
    # The command line (metrics.__main__ bulletin).
    "cli_bulletin": "生成本周周通报（Word，可选 PDF）",
    "cli_bulletin_week": "第N周（与 --as-of 二选一；默认取截至日期所在的周）",
    "cli_bulletin_issue_no": "期号（默认接着上一期编号；同一周重新生成沿用原期号）",
    "cli_bulletin_out": "输出的 Word 文件（.docx）",
    "cli_bulletin_pdf": "同时用 LibreOffice 生成同名 PDF",
    # The 周报 page's 周通报 section (ui.bulletin) and the record of a bulletin made.
    "file_bulletin": "周通报第{n}期_{week}.docx",
    "bulletin_audit_detail": "生成第{n}期周通报（{week}，数据截至{date}）",
    "bulletin_section": "周通报（第{n}期）",
    "bulletin_make_help": "按本周数据生成全镇周通报，记入期号登记和操作记录；同一周再次生成沿用原期号。",
    "bulletin_town_wide": "周通报为全镇通报，不受筛选影响；期号接着上一期编号，与命令行 python -m metrics bulletin 相同。",
    "bulletin_download_docx": "下载周通报（Word）",
    "bulletin_download_pdf": "下载周通报（PDF）",
    "bulletin_no_soffice": "本机未安装 LibreOffice（soffice），不能生成 PDF：请下载 Word 版，在 Word 或 WPS 中另存为 PDF。",
    "bulletin_made_note": "已生成第{n}期周通报（{week}，数据截至{date}），已记入期号登记和操作记录。",
    "bulletin_admin_only": "周通报由应急办生成（请以应急办账号登录）。",
    "bulletin_failed": "周通报未能生成：{error}",
    "cli_bulletin_made": "已生成第{n}期周通报：{file}（{week}，数据截至{date}）",
    "cli_bulletin_pdf_made": "已生成 PDF：{file}",
    "cli_bulletin_bad_week": "周次超出范围：第{n}周（本次工作为第1周至第{last}周）",
    "cli_bulletin_before_campaign": "截至日期 {date} 早于工作的第1周",
    "cli_bulletin_no_pdf": "未找到 LibreOffice（soffice），无法生成 PDF；Word 文件已生成：{file}",
    "cli_bulletin_pdf_failed": "LibreOffice 转换 PDF 失败：{error}；Word 文件已生成：{file}",
    "cli_bulletin_bad_template": "周通报模板无法使用：{path}（{error}）",
    "bulletin_cannot_write": "无法写入周通报文件：{path}（{reason}）；未生成，也未占用期号",
    "write_no_permission": "没有写入权限",
    "write_no_folder": "所在文件夹不存在",
    "write_is_folder": "该路径是一个文件夹",
    "write_file_in_path": "路径中的某一级是文件而不是文件夹",
    "write_read_only": "只读的文件系统",
    "write_disk_full": "磁盘空间不足",
    "cli_bulletin_bad_settings": "配置文件 {file} 的 [bulletin] 有误：{key} 应为{kind}",
    "cli_not_with": "参数 {value} 不能与 {other} 同时使用",
    "cli_bad_number": "参数 {value} 应为正整数",
}
TEXT.update(BULLETIN)


# ════════════════════════════════════════════════════════════════════════════════════════════════════
# The 数据导入 page (ui/intake.py, app_pages/import_ledgers.py, etl/preview.py): upload, preview, fixes,
# commit, the import ledger with undo, the backups with restore.
# ════════════════════════════════════════════════════════════════════════════════════════════════════
PROFILE_SAVED_COMMENT = "由看板“数据导入”页保存的映射配置：表头含 match 中各列的台账按此读取"
# Columns of the page's tables that have no label elsewhere.
UPLOAD_COLUMN_LABELS: dict[str, str] = {
    "import_id": "导入编号",
    "sha256": "SHA-256",
    "undone_at": "撤销时间",
    "backup_id": "备份编号",
    "created_at": "备份时间",
    "imports": "导入数",
    "tickets": "隐患数",
    "last_file": "最后导入的文件",
}
LABELS.update(UPLOAD_COLUMN_LABELS)
# Where a file's report date came from (etl.report_date.REPORT_DATE_SOURCES).
REPORT_DATE_SOURCE_LABELS: dict[str, str] = {
    "cli": "导入时指定",
    "title": "台账标题中的填报日期",
    "workbook_saved": "工作簿最后保存的日期",
    "latest_in_ledger": "台账中最晚的日期",
    "load_day": "导入当天",
}
UPLOAD: dict[str, str] = {
    "intake_upload": "选择台账文件（可多选 .xlsx、.xls、.csv）",
    "intake_upload_help": "上传后先试导入预览，确认后才写入数据库；关闭页面则什么也不改动。",
    "intake_previewing": "正在试导入预览…",
    "intake_headline": (
        "{mark} {file}：读取 {read} 行，新增隐患 {new} 处，更新 {updated} 处，未变 {unchanged} 处，"
        "暂存待修正 {aside} 行（填报日期 {report_date}）"
    ),
    "intake_headline_reason": "{mark} {file}：{reason}",
    "intake_details": "读取方式、前几行与待修正的行",
    "intake_columns_read": "各列的读法（填报日期 {report_date}，来源：{source}）",
    "intake_sample": "前几行（按读取结果）",
    "intake_kept_aside": "将暂存待修正的 {count} 行及原因",
    "intake_unused": "（未使用）",
    "intake_fix_hint": "读错或未读的列、无法识别的状态词，可在此指定，然后点“再次预览”；指定会保存为映射配置，下次同样格式的台账自动按此读取。",
    "intake_fix_column": "列「{header}」读作",
    "intake_fix_word": "整改状态“{word}”的意思",
    "intake_unknown": "（无法识别）",
    "intake_fix_village": "哪一列是村（社区）",
    "intake_as_read": "（按自动识别）",
    "intake_pick": "导入此文件",
    "intake_preview_again": "再次预览",
    "intake_commit": "导入选中的 {count} 个文件",
    "intake_committing": "正在导入：{done}/{total} 个文件",
    "intake_committed": "已导入 {count} 个文件，各页面已显示新数据：",
    "intake_audit_import": "导入 {file}：新增隐患 {new} 处，更新 {updated} 处，暂存待修正 {aside} 行",
    "intake_command_line": "命令行",
    "intake_no_imports": "还没有导入记录。",
    "intake_undo_pick": "选择要撤销的导入",
    "intake_undo": "撤销",
    "intake_undo_question": "{question}该次导入新增隐患 {new} 处、更新 {updated} 处；撤销前共有隐患 {tickets} 处。",
    "intake_backups": "备份",
    "intake_no_backups": "还没有备份（每次导入、撤销、恢复改动数据库前都会自动备份）。",
    "intake_restore_pick": "选择要恢复的备份",
    "intake_restore": "恢复",
    "intake_confirm": "确认",
    "intake_cancel": "取消",
}
TEXT.update(UPLOAD)


# ════════════════════════════════════════════════════════════════════════════════════════════════════
# A ticket's history (ui/history.py, metrics.ticket_history): every status a ticket was reported in,
# opened from any table of tickets.
# ════════════════════════════════════════════════════════════════════════════════════════════════════
HISTORY_COLUMN_LABELS: dict[str, str] = {"reported_state": "当日判定"}
LABELS.update(HISTORY_COLUMN_LABELS)
HISTORY: dict[str, str] = {
    "history_title": "隐患履历",
    "history_hint": "点选表格左侧的方框，查看该处隐患的履历：每次报来的整改状态、来源文件和行号。",
    "history_ticket": "{village} · {unit}：{description}",
    "history_facts": "隐患编号 {hazard_no}；排查日期 {found}；整改期限 {deadline}",
    "history_rule": (
        "台账首次报来这处隐患、或报来的整改状态有变化时各记一条；状态未变的报送不重复记录。"
        "“当日判定”是按该次填报日期看的状态（对照整改期限）。"
    ),
    "history_none": "没有这处隐患的填报记录（或不在您可查看的范围内）。",
    "major_history": "逐条查看未整改的重大火灾隐患和挂牌督办隐患（{n}处）",
}
TEXT.update(HISTORY)
