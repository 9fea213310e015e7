"""A ledger's source key: weekly sends of one ledger share it, another village's (or group's) file does not."""

from __future__ import annotations

import pytest

from etl.source import source_key

SAME = [
    ("东河村台账20231203.xlsx", "东河村台账20231210.xlsx"),
    ("高坎村火灾隐患排查整改台账-2023-12-02.xlsx", "高坎村火灾隐患排查整改台账-2024-03-23.xlsx"),
    ("杨家庄村隐患台账12月10日.xlsx", "杨家庄村隐患台账3月3日.xlsx"),
    ("西岭村隐患排查台账（12.2）.xlsx", "西岭村隐患排查台账（3.23）.xlsx"),
    ("南坪村今冬明春隐患台账_第5周.xlsx", "南坪村今冬明春隐患台账_第22周.xlsx"),
    ("白沙村今冬明春火灾隐患排查整改台账（第6周）.xlsx", "白沙村今冬明春火灾隐患排查整改台账（第21周）.xlsx"),
    ("柳湾村冬春火灾隐患台账 20231217.xlsx", "柳湾村冬春火灾隐患台账 20240310.xlsx"),
    ("东河村1组台账20231203.xlsx", "东河村1组台账 2023-12-10.xlsx"),  # the group's digit stays, the dates go
    ("东河村1组台账_第5周.xlsx", "东河村1组台账（第6周）.xlsx"),
    ("东河村台账第五周.xlsx", "东河村台账第六周.xlsx"),  # a week in Chinese numerals
    ("东河村台账1203.xlsx", "东河村台账1210.xlsx"),
    ("东河村12月台账.xlsx", "东河村1月台账.xlsx"),
    ("东河村台账20231210.xlsx", "东河村台账20231210 (1).xlsx"),  # a second download of the same file
]
DIFFERENT = [
    ("东河村1组台账.xlsx", "东河村2组台账.xlsx"),
    ("1村隐患台账20231203.xlsx", "2村隐患台账20231203.xlsx"),
    ("东河村1组台账20231203.xlsx", "东河村2组台账20231210.xlsx"),
    ("东河村1组台账（12.2）.xlsx", "东河村2组台账（12.9）.xlsx"),
    ("东河村1组台账_第5周.xlsx", "东河村2组台账_第5周.xlsx"),
    ("东河村12组台账.xlsx", "东河村13组台账.xlsx"),
    ("东河村3号楼台账.xlsx", "东河村4号楼台账.xlsx"),
    ("一村台账20231203.xlsx", "二村台账20231203.xlsx"),
]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_weekly_sends_of_one_ledger_share_a_source(first: str, second: str) -> None:
    assert source_key(first) == source_key(second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_a_name_differing_by_a_digit_is_another_source(first: str, second: str) -> None:
    assert source_key(first) != source_key(second)


@pytest.mark.parametrize(
    ("name", "key"),
    [  # the keys stored by earlier versions for the sample's names: a stored store keeps its sources
        ("杨家庄村隐患台账12月10日.xlsx", "杨家庄村隐患台账月日"),
        ("西岭村隐患排查台账（12.2）.xlsx", "西岭村隐患排查台账"),
        ("高坎村火灾隐患排查整改台账-2023-12-02.xlsx", "高坎村火灾隐患排查整改台账"),
        ("应急办部门联查隐患清单_20231215.csv", "应急办部门联查隐患清单"),
        ("东河村1组台账20231203.xlsx", "东河村1组台账"),
    ],
)
def test_the_key_is_the_name_without_its_dates(name: str, key: str) -> None:
    assert source_key(name) == key
