"""Every word the loader recognises in a ledger, in one place: headers, statuses, dates, deadlines, villages, marks.

To accept a new spelling, add it here; the modules beside this one hold only the rules that use the words.
Words are compared after etl.text.squeeze() (NFKC: full/half width alike, whitespace dropped, brackets
unified as "()"), unless a comment says otherwise. Messages shown to users live in firedash.glossary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ── Column headers (etl.aliases): canonical field → the headers villages write for it ───────────────
# Matching ignores full/half width, whitespace, newlines and the kind of bracket, so "村（社区）",
# "村 (社区)" and "村【社区】" are one spelling.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    # 序号 counts rows and restarts on every sheet: it is never the hazard's number.
    "seq": ("序号", "隐患序号", "排序", "顺序号", "序"),
    "hazard_no": ("隐患编号", "编号", "隐患编码", "台账编号", "隐患台账编号", "问题编号"),
    "found_date": (
        "检查日期", "排查时间", "排查日期", "发现时间", "检查时间", "发现日期", "隐患发现时间",
        "隐患发现日期", "排查检查时间", "检查排查时间", "排查检查日期", "检查排查日期",
    ),
    "village": (
        "村（社区）", "村名", "所属村", "村社区", "村(社区)", "所属村（社区）", "所在村（社区）", "所在村",
        "村", "社区", "村别", "村居", "村（居）", "所属村居", "村/社区", "村（社区）名称", "村名称",
    ),
    "unit": (
        "单位名称", "场所名称", "被检查单位", "单位", "被检查单位（场所）", "被检查场所", "单位（场所）名称",
        "场所（单位）名称", "单位（场所）", "场所", "检查对象", "户主姓名", "户主", "单位名称（户主）",
    ),
    "address": ("地址", "场所地址", "单位地址", "详细地址", "所在地址", "地点"),
    "sector": ("场所类型", "行业领域", "场所类别", "单位类型", "单位类别", "场所性质", "行业类别", "行业"),
    "category": ("隐患类别", "隐患类型", "问题类别", "问题类型", "隐患分类"),
    "description": (
        "隐患描述", "问题内容", *("重大隐患描述", "重大隐患内容", "重大隐患", "重大事故隐患描述"), "存在问题", "隐患内容", "存在的问题", "主要问题", "隐患问题", "存在隐患", "发现问题",
        "隐患情况", "问题描述", "具体隐患", "隐患具体内容", "存在的隐患", "火灾隐患", "主要隐患",
        "存在的主要问题", "存在的火灾隐患", "问题隐患", "检查发现问题", "发现的问题",
        "检查发现的问题", "问题及隐患", "隐患及问题", "隐患问题描述",
    ),
    "severity": ("隐患等级", "隐患级别", "等级", "级别", "隐患程度"),
    "county_supervised": ("是否挂牌督办", "挂牌督办", "是否县政府挂牌督办", "县政府挂牌督办", "是否挂牌"),
    # 处置措施 holds 当场纠正 (done on the spot) / 限时整改 / 隐患整改通知单: a measure, not a status.
    "measures": (
        "整改措施", "整改要求", "处理措施", "整改意见", "处理意见", "采取措施", "处置措施", "整改措施与要求",
        "整改要求(措施)", "整改治理措施",
    ),
    "deadline": (
        "整改时限", "整改期限", "整改时间要求", "整改完成时限", "限期整改时间", "整改期限要求",
        "要求完成时间", "限改时间", "计划完成时间",
    ),
    "office": ("责任单位", "监管单位", "责任部门", "监管部门", "牵头单位", "责任科室", "包保单位"),
    "responsible": ("责任人", "整改责任人", "负责人", "单位负责人", "包保责任人"),
    "phone": ("联系电话", "电话", "联系方式", "手机号码", "手机", "电话号码"),
    "method": ("检查方式", "排查方式", "检查形式", "排查形式"),
    "note": ("备注", "备注说明"),
    "status": (
        "整改情况", "整改状态", "是否整改", "整改进度", "整改结果", "完成情况", "整改落实情况",
        "是否完成整改", "整改是否完成",
    ),
    # Further sources of a row's state, read with the status words (etl.fields: the later step wins).
    "review_result": ("复查结果", "复查情况", "验收结果", "验收情况", "复查意见", "复核结果"),
    "hazard_state": ("隐患状态", "状态", "治理状态", "隐患治理状态", "闭环状态"),
    "rectified_date": (
        "整改完成时间", "完成时间", "整改日期", "完成整改时间", "整改完成日期", "完成日期", "实际完成时间",
        "实际整改时间", "完成整改日期", "实际整改完成时间", "实际整改完成日期", "实际完成日期",
    ),
    "reviewer": ("复查人", "复查人员", "验收人", "复核人", "销号人"),
    "closed_date": ("复查时间", "销号时间", "复查日期", "销号日期", "验收时间", "验收日期", "复核时间", "复查销号时间"),
    "closed_flag": ("是否销号", "销号情况", "销号", "是否已销号", "销号状态"),
    "funds": ("整改资金", "整改资金(元)", "投入资金", "整改投入资金", "投入资金（元）", "整改经费", "资金投入", "整改投入"),
}  # fmt: skip

# Everyday words for the notice's place types and hazard categories: word in the cell → a part of a
# configured entry. A target that another town's configuration lacks is simply not used.
SECTOR_SYNONYMS: dict[str, str] = {
    "学校": "教育培训机构", "幼儿园": "教育培训机构", "培训": "教育培训机构", "托管": "教育培训机构",
    "饭店": "餐饮企业", "餐馆": "餐饮企业", "餐厅": "餐饮企业", "农家乐": "餐饮企业", "小吃": "餐饮企业",
    "火锅": "餐饮企业", "超市": "商场", "商店": "商场", "商铺": "商场", "门市": "商场", "市场": "商场",
    "旅馆": "宾馆", "酒店": "宾馆", "民宿": "宾馆", "招待所": "宾馆", "诊所": "医疗机构", "卫生室": "医疗机构",
    "医院": "医疗机构", "敬老院": "养老院", "福利院": "养老院", "仓库": "库房", "加工厂": "厂房", "工厂": "厂房",
    "车间": "厂房", "作坊": "厂房", "民房": "居民住宅", "自建房": "居民住宅", "住宅": "居民住宅",
    "居民楼": "居民住宅", "农户": "居民住宅", "液化气": "燃气经营/充装企业", "燃气站": "燃气经营/充装企业",
    "充装": "燃气经营/充装企业", "烟花": "烟花爆竹储存/销售点", "爆竹": "烟花爆竹储存/销售点",
}  # fmt: skip
CATEGORY_SYNONYMS: dict[str, str] = {
    "灭火器": "消防设施器材", "消火栓": "消防设施器材", "消防栓": "消防设施器材", "烟感": "消防设施器材",
    "应急照明": "消防设施器材", "疏散指示": "消防设施器材", "电线": "电气线路", "线路": "电气线路",
    "私拉乱接": "电气线路", "液化气": "燃气管道/用气", "燃气": "燃气管道/用气", "煤气": "燃气管道/用气",
    "通道": "疏散通道/安全出口", "出口": "疏散通道/安全出口", "电热毯": "电加热设备", "取暖器": "电加热设备",
    "电炉": "电加热设备", "电焊": "动火作业", "气焊": "动火作业", "预案": "安全管理/应急预案",
    "保温材料": "易燃可燃装修装饰/保温材料", "装修": "易燃可燃装修装饰/保温材料", "堆放": "影响逃生和灭火救援的障碍物",
}  # fmt: skip
HEADER_MARKS = "*＊★:："  # stripped from a header's ends: a required-field star, a trailing colon

# ── Header words that change how a column reads (etl.normalise) ───────────────────────────────────
FUNDS_IN_TEN_THOUSANDS = "万元"  # 整改资金(万元): amounts in ten thousand yuan
CLOSING_DATE_WORD = "销号"  # 销号时间 (not 复查时间): a filled date means struck off

# ── Brackets (etl.text): every kind written as "(" and ")" for matching ───────────────────────────
BRACKETS = {"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"}

# ── 整改状态 (etl.values) → open | in_progress | rectified | closed (已销号) | done (立查立改) ─────
# A town adds words in town.toml's [vocabulary] (rectified_words, closed_words, in_progress_words,
# open_words, done_on_the_spot_words, major_words) and header words in [vocabulary.columns]: see Words below.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("已整改", "整改完成", "已完成", "完成", "是", "√", "已整改完成", "整改到位", "已整改到位", "已完成整改",
         "已落实", "已处理", "已改", "整改完毕", "已整改完毕", "完成整改", "合格", "复查合格", "验收合格",
         "已验收", "通过", "复查通过", "验收通过"),
        "rectified",
    ),
    # 关闭/闭环: a hazard system's last state — rectified, reviewed and struck off.
    **dict.fromkeys(
        ("已销号", "销号", "已整改已销号", "已整改并销号", "已验收销号", "已整改销号", "关闭", "已关闭", "闭环",
         "已闭环", "整改闭环", "已整改闭环"),
        "closed",
    ),
    # Rectified on the day found, written as the status (as a deadline 立行立改 means "by the day found").
    **dict.fromkeys(("立行立改", "当场纠正", "现场处置", "当场整改", "现场纠正", "立查立改", "当场处理"), "done"),
    **dict.fromkeys(
        ("整改中", "正在整改", "部分整改", "整改进行中", "正在整改中", "部分完成", "已部分整改", "进行中"),
        "in_progress",
    ),
    **dict.fromkeys(
        ("未整改", "待整改", "限期整改", "否", "未完成", "×", "未开始", "尚未整改", "未落实", "责令整改",
         "限期整改中", "待整改中", "未整改完成", "暂未整改", "不合格", "复查不合格", "验收不合格", "未通过",
         "复查未通过", "未关闭"),
        "open",
    ),
}  # fmt: skip
# Longer phrasings, by how they start: 未整改（资金未到位）, 整改中，预计1月完成, 已整改（更换线路）.
STATUS_OPEN_STARTS = ("未", "待", "尚未", "暂未")
STATUS_IN_PROGRESS_STARTS = ("整改中", "正在", "部分")
STATUS_RECTIFIED_STARTS = ("已整改", "已完成", "整改完成", "已落实")
# Words that say nothing about the state (处置措施 kinds, a deadline word): neither a status nor unknown.
STATUS_NEUTRAL = frozenset(
    {"限时整改", "隐患整改通知单", "整改通知单", "限期整改通知书", "/", "-", "—", "无"}
)
DONE_PREFIX = "已"  # 已… with 销号 in it: struck off
CLOSED_WORD = "销号"

# ── 是否销号, 是否挂牌督办, yes/no (etl.values) ────────────────────────────────────────────────────
CLOSED_YES = frozenset({"是", "已销号", "√", "销号", "已", "已验收", "是(已销号)"})
CLOSED_NO = frozenset({"否", "未销号", "×", "未", "暂未销号", "待销号", "/", "-", "无"})
SUPERVISED_YES = frozenset(
    {"是", "√", "挂牌", "县政府挂牌督办", "挂牌督办", "已挂牌", "县挂牌督办", "县级挂牌督办"}
)
YES = "是"
SUPERVISED_PARTS = ("挂牌", "督办")  # either one written in a 挂牌督办 cell means supervised
SUPERVISED_IN_NOTE = "挂牌督办"  # without a 挂牌督办 column, 备注 often says 县政府挂牌督办
BOOLEAN_WORDS = {"true": "是", "false": "否"}  # Excel TRUE/FALSE cells, as the readers write them
NEGATION = ("否", "未", "不", "无", "非")

# ── 隐患等级 (etl.values) → general | serious (较大) | major (重大) ────────────────────────────────
SEVERITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("一般", "一般隐患", "一般火灾隐患", "一般事故隐患", "轻微"), "general"),
    **dict.fromkeys(("较大", "较大隐患", "较大火灾隐患", "较大事故隐患"), "serious"),
    **dict.fromkeys(("重大", "重大隐患", "重大火灾隐患", "重大事故隐患"), "major"),
}
SEVERITY_PARTS = (("重大", "major"), ("较大", "serious"), ("一般", "general"))  # a longer phrasing: first hit
# A numbered level (3, 3级, 三级, Ⅲ级, 一般3级 is caught by 一般 first) is not one of the notice's words and
# its scale differs between ledgers (one says 1级 = 重大, another counts to 5): such a hazard stays general,
# without a problem. Only 重大/较大 said in words make it major/serious.
SEVERITY_LEVEL = r"^(?:[1-9]|[一二三四五]|[ⅠⅡⅢⅣⅤ]|I{1,3}|IV|V)(?:级|类|级隐患)?$"
# A description column whose header says 重大 (重大隐患描述): every hazard in it is major.
MAJOR_HEADER_WORDS = ("重大隐患", "重大事故隐患", "重大火灾隐患")

# ── 整改资金 (etl.values) ─────────────────────────────────────────────────────────────────────────────
NO_FUNDS = ("", "无", "/", "-", "—")
MONEY_PATTERN = r"^(?:约|共计|合计|计)?(-?\d+(?:\.\d+)?)(万)?元?$"  # group 2: 万 (ten thousand yuan)

# ── Configured lists (etl.values ListMatcher) ──────────────────────────────────────────────────────
OTHER = "其他"  # the entry for anything no configured entry fits

# ── 整改期限 (etl.deadlines) ──────────────────────────────────────────────────────────────────────────
NO_DEADLINE = frozenset(
    {
        "长期",
        "长期整改",
        "持续整改",
        "长期坚持",
        "持续",
        "无",
        "/",
        "-",
        "--",
        "—",
        "——",
        "无期限",
        "不限",
        "无限期",
    }
)
NO_DEADLINE_START = "长期"
# Rectified on the spot: a status as much as a deadline (also found in 整改措施).
DONE_ON_THE_SPOT = ("立查立改", "当场整改", "即查即改", "现场整改", "当场纠正", "现场处置", "现场纠正")
IMMEDIATE = frozenset(
    {"立即整改", "立行立改", "立即", "马上整改", "立改", "即改", "立即停用", "立即整改到位"}
)
IMMEDIATE_START = "立即"
DEADLINE_PREFIX = r"^(?:限期|限|于|在)"
DEADLINE_SUFFIX = r"(?:之前|以前|前|止|为止|内完成|完成整改|整改完成|整改到位|完成)$"
MONTH_END = r"^(?:(\d{4})年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|份|中下旬|下旬)$"
RELATIVE_DEADLINE = r"^(\d{1,3}|[一二两三四五六七八九十百]{1,4})(个)?(工作日|日|天|周|星期|月)内?$"
RELATIVE_UNITS = {
    "工作日": "workdays",
    "日": "days",
    "天": "days",
    "周": "weeks",
    "星期": "weeks",
    "月": "months",
}
CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_TEN, CN_HUNDRED = "十", "百"

# ── Dates (etl.dates), on clean text ──────────────────────────────────────────────────────────────────
TIME_SUFFIX = r"(?:[T\s]+|(?<=日))\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2}(?:\.\d+)?秒?)?(?:Z|[+-]\d{2}:?\d{2})?$"
WEEKDAY_SUFFIX = r"\((?:星期|周|礼拜)[一二三四五六日天]\)$"
FULL_DATE = r"^(\d{4}|\d{2})[-./年](\d{1,2})[-./月](\d{1,2})[日号]?$"
MONTH_DAY = r"^(\d{1,2})[-./月](\d{1,2})[日号]?$"

# ── 填报日期 in the title rows (etl.headers), on clean text ───────────────────────────────────────────
TITLE_DATE = r"(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?)"
TITLE_DATE_PARTS = r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})"
REPORT_DATE_LABEL = r"(?:(?:填报|报送|填表|统计|制表|上报)?(?:日期|时间)|截[至止](?:日期|时间)?)\s*[:：]?\s*"
REPORT_DATE_ALONE = r"(?:填报|报送|填表|统计|制表|上报)?日期\s*[:：]?$"  # the date is in the next cell

# ── Rows that are not ledger rows (etl.rows) ──────────────────────────────────────────────────────────
TOTAL_WORDS = ("合计", "小计", "总计", "共计")
NOTE_WORDS = (
    "填表人", "审核人", "注", "说明", "制表", "制表人", "负责人", "联系人", "填报人", "备注", "填表说明",
    "填报单位", "填报日期", "填表日期", "审核", "统计人", "主要负责人", "分管领导", "单位负责人", "领导签字",
    "填写要求", "填写说明",
)  # fmt: skip
COLONS = (":", "：")  # on clean text, which keeps the full-width colon of a signature line

# ── Villages (etl.villages): 东河村委会, 新华社区居委会 … are 东河村, 新华社区 ───────────────────────────
VILLAGE = "村"
COMMUNITY = "社区"
# Longest first: 村民委员会 must be tried before 村.
VILLAGE_SUFFIXES = ("村民委员会", "村委会", "村委", "村")
COMMUNITY_SUFFIXES = ("社区居民委员会", "社区居委会", "社区", "居民委员会", "居委会")

# ── File names (etl.source): what varies between weekly sends of one ledger ───────────────────────────
# Dates with a year, week numbers (in digits or Chinese numerals) and copy markers go whole; of a date without
# a year (12月10日, 12.9, 1203) only the digits go, as they always did, so a stored ledger keeps its source key.
# Any other digit stays: 东河村1组台账 and 东河村2组台账 are two sources.
FILE_NAME_VARYING = r"\d{4}[-._年/]?\d{1,2}[-._月/]?\d{1,2}日?|第\s*\d+\s*[周期]|第[一二三四五六七八九十百零〇两]+[周期]|[(（]\d+[)）]"
FILE_NAME_DATE_DIGITS = (
    r"\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号]?)?"
    r"|(?<!\d)(?:1[0-2]|0?[1-9])\s*[.．/-]\s*(?:3[01]|[12]\d|0?[1-9])(?!\d)"
    r"|\d{4,}"
)
FILE_NAME_SEPARATORS = r"[\s_\-.·、,，()（）]+"

# ── Unused columns that look needed (etl.flags, slice H9) ─────────────────────────────────────────────
# A column the loader did not map is a warning when its header has one of these words (checked in this
# order: 整改完成日期 is a date, 整改责任单位 a unit, before either is a status), unless it names a person, a phone or a measure.
NEEDED_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("date", ("日期", "时间")),
    ("severity", ("等级", "级别")),
    ("unit", ("单位",)),  # 整改责任单位 is a unit before it is a 整改 word
    ("status", ("状态", "结果", "情况", "销号", "处置", "复查", "验收", "完成", "整改")),
)
# 处置措施 stays: a system export writes 当场纠正 there, the status of the hazard.
NOT_NEEDED_HEADER_WORDS = ("电话", "要求", "依据", "备注", "说明")  # 整改措施与要求, 判定依据 …
PERSON_SUFFIX = "人"  # 复查人, 检查人: a person, not a state


# ── The town's own words (town.toml [vocabulary]) on top of the ones above ────────────────────────────
@dataclass(frozen=True)
class Words:
    """The words one load reads with: the lists above, plus what the town's [vocabulary] adds.

    Keys of town.toml (a stable contract): rectified_words, closed_words, in_progress_words, open_words,
    done_on_the_spot_words (status words), major_words (a severity word, and a description header that
    makes its hazards major), and [vocabulary.columns] field = [extra header words].
    """

    status: dict[str, str] = field(default_factory=lambda: dict(STATUS_WORDS))
    done_on_the_spot: tuple[str, ...] = DONE_ON_THE_SPOT
    major: tuple[str, ...] = MAJOR_HEADER_WORDS
    columns: dict[str, str] = field(default_factory=dict)  # squeezed header → field


STATUS_KEYS = {
    "rectified_words": "rectified",
    "closed_words": "closed",
    "in_progress_words": "in_progress",
    "open_words": "open",
    "done_on_the_spot_words": "done",
}
DEFAULT_WORDS = Words()
