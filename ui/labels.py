"""Chinese labels the dashboard needs beyond firedash.glossary: page titles, tiles, chart and export words."""

from __future__ import annotations

from firedash.glossary import LABELS as CORE_LABELS
from firedash.glossary import label as core_label

PAGE_TITLES: dict[str, str] = {
    "overview": "总览",
    "villages": CORE_LABELS["village"],
    "sectors": "行业领域",
    "overdue": "超期隐患",
    "timeline": "时间轴",
    "weekly": "周报",
    "quality": "数据质量",
}

# Metric and column names that firedash.glossary does not label.
UI_LABELS: dict[str, str] = {
    "rectified_on_time": "按期整改（处）",
    "major_found": "重大火灾隐患（处）",
    "major_rectified": "重大隐患已整改（处）",
    "major_open": "重大隐患未整改（处）",
    "supervised_open": "挂牌督办未销号（处）",
    "due_soon": "7日内到期（处）",
    "ageing_band": "超期时长",
    "state": "当前状态",
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
    "list": "榜单",
    "town": "全镇",
}

# Words of the interface (not column names).
TEXT: dict[str, str] = {
    "app_title": "冬春火灾防控看板",
    "no_data": "暂无数据",
    "no_store_hint": "尚未导入任何台账。请先运行：python -m etl load --db 数据库路径 台账文件或目录",
    "empty_store_hint": "数据库中还没有隐患记录，请先导入台账。",
    "empty_filter_hint": "当前日期和筛选条件下没有隐患记录，请调整左侧的日期或筛选条件。",
    "store_busy": "数据库正在导入台账，请稍后刷新页面。",
    "as_of": "数据截至",
    "filters": "筛选",
    "all": "全部",
    "vs_last_week": "较上周",
    "latest_import": "最近导入",
    "never_imported": "尚未导入",
    "phase_now": "当前阶段",
    "phase_none": "不在工作阶段内",
    "days_left": "剩余{days}天",
    "unit_hazard": "处",
    "unit_days": "天",
    "percent_points": "个百分点",
    "not_ranked": "不足{n}处，不参与排名",
    "rank_rule": "隐患不少于{n}处的村（社区）才参与排名和红黑榜。",
    "nobody_listed": "本周无村（社区）上榜。",
    "town_rate": "全镇整改率",
    "behind": "落后于全镇",
    "on_track": "不低于全镇",
    "ranked_apart": "未排名",
    "red_list": "红榜",
    "black_list": "黑榜",
    "today": "今天",
    "download_xlsx": "下载 Excel",
    "choose_village": "选择村（社区）查看详情",
    "choose_week": "选择周次",
    "week_label": "第{n}周",
    "week_range": "第{n}周（{start}—{end}）",
    "this_week": "本周",
    "last_week": "上周",
    "change": "变化",
    "overdue_list": "超期未整改隐患清单",
    "due_soon_list": "7日内到期隐患",
    "ageing": "超期时长分布",
    "longest_overdue": "超期最久的五处隐患",
    "village_ranking": "各村（社区）整改率排名",
    "sector_ranking": "各行业领域整改率",
    "category_split": "各隐患类别整改情况（一般/重大）",
    "open_heatmap": "未整改隐患分布（村 × 场所类型）",
    "open_tickets": "未整改隐患",
    "trend_vs_town": "整改率周趋势（与全镇对比）",
    "phase_timeline": "工作阶段与重点时段",
    "cumulative": "累计排查与整改",
    "weekly_new": "每周新排查与新整改",
    "imports": "导入记录",
    "rejected": "搁置的行（需村/单位核对后重新报送）",
    "no_ledger": "最近一周未报送台账的村（社区）",
    "all_sent": "各村（社区）最近一周均已报送台账。",
    "no_rejected": "没有被搁置的行。",
    "no_overdue": "没有超期未整改的隐患。",
    "no_due_soon": "7日内没有到期的隐患。",
    "rows_shown": "共 {total} 条，显示前 {shown} 条；完整清单请下载 Excel。",
    "by_sector": "按场所类型",
    "by_category": "按隐患类别",
    "general_group": "一般",
    "major_group": "重大",
}


# Metric columns that mean a glossary name under another column name.
ALIASES: dict[str, str] = {"week_no": "week", "newly_closed": "new_closed"}


def label(name: str) -> str:
    """The on-screen label of a column name: the shared glossary first, then this module."""
    name = ALIASES.get(name, name)
    return CORE_LABELS[name] if name in CORE_LABELS else UI_LABELS.get(name, core_label(name))


def text(key: str, **values: object) -> str:
    """An interface sentence, with {placeholders} filled in."""
    return TEXT[key].format(**values) if values else TEXT[key]
