"""The one table of column-header spellings: canonical field → the headers villages write for it.

To accept a new spelling, add it to the field's tuple; matching ignores full/half width, whitespace,
newlines and the kind of bracket, so "村（社区）", "村 (社区)" and "村【社区】" are one spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.text import squeeze

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
        "隐患描述", "存在问题", "隐患内容", "存在的问题", "主要问题", "隐患问题", "存在隐患", "发现问题",
        "隐患情况", "问题描述", "具体隐患", "隐患具体内容", "存在的隐患", "火灾隐患", "主要隐患",
        "存在的主要问题", "存在的火灾隐患", "隐患问题描述", "问题隐患", "检查发现问题", "发现的问题",
        "检查发现的问题", "问题及隐患", "隐患及问题",
    ),
    "severity": ("隐患等级", "隐患级别", "等级", "级别", "隐患程度"),
    "county_supervised": ("是否挂牌督办", "挂牌督办", "是否县政府挂牌督办", "县政府挂牌督办", "是否挂牌"),
    "measures": ("整改措施", "整改要求", "处理措施", "整改意见", "处理意见", "采取措施"),
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
    "rectified_date": (
        "整改完成时间", "完成时间", "整改日期", "完成整改时间", "整改完成日期", "完成日期", "实际完成时间",
        "实际整改时间", "完成整改日期",
    ),
    "reviewer": ("复查人", "复查人员", "验收人", "复核人", "销号人"),
    "closed_date": ("复查时间", "销号时间", "复查日期", "销号日期", "验收时间", "验收日期", "复核时间", "复查销号时间"),
    "closed_flag": ("是否销号", "销号情况", "销号", "是否已销号", "销号状态"),
    "funds": ("整改资金", "整改资金(元)", "投入资金", "整改投入资金", "投入资金（元）", "整改经费", "资金投入", "整改投入"),
}  # fmt: skip

# Fields that make a row a header: a row naming none of these is not one, however many others it names.
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

KEY_FIELDS = frozenset({"village", "found_date", "description", "hazard_no", "unit"})

_PARENTHETICAL = re.compile(r"\([^()]*\)")


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field, spellings in COLUMN_ALIASES.items():
        for spelling in spellings:
            key = squeeze(spelling)
            if lookup.setdefault(key, field) != field:
                raise ValueError(f"header spelling {spelling!r} is listed for two fields")
    return lookup


_LOOKUP = _build_lookup()


def normalise_header(text: object) -> str:
    """Header text as matched: NFKC, no whitespace, (), no trailing colon or required-field star."""
    return squeeze(text).strip("*＊★:：")


@lru_cache(maxsize=4096)
def _field_for_key(key: str) -> str | None:
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "整改资金(万元)", "排查日期(格式:2023-12-06)": the words outside brackets name the field.
    bare = _PARENTHETICAL.sub("", key)
    return _LOOKUP.get(bare) if bare and bare != key else None


def field_for(text: object) -> str | None:
    """The canonical field a header cell names, or None when it names none we know."""
    if text is None:
        return None
    return _field_for_key(normalise_header(text))


# A cheap first test before field_for: a header's first character is one of these.
HEADER_FIRST_CHARS = frozenset(key[0] for key in _LOOKUP) | frozenset(
    spelling[0] for spellings in COLUMN_ALIASES.values() for spelling in spellings
)
