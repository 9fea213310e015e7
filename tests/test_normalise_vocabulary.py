"""Case tables for the words of real ledgers, the town's own words (town.toml [vocabulary]), the header block
merged over sub-headers, and the report date with its source."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest

from etl.headers import find_header, report_date_in
from etl.normalise import SheetResult, normalise_sheet
from etl.readers import RawSheet, read_ledger
from etl.report_date import decide_report_date, parse_w3cdtf, workbook_saved
from etl.values import parse_severity, parse_status
from firedash.config import ConfigError, TownConfig, load_config
from tests.ledger_files import write_csv, write_xlsx

D = dt.date
REPORT = D(2024, 1, 7)
FOUND = D(2023, 12, 6)

STATUS_WORDS = [
    ("关闭", "closed"), ("已关闭", "closed"), ("闭环", "closed"), ("已闭环", "closed"), ("已整改销号", "closed"),
    ("当场纠正", "done"), ("现场处置", "done"), ("立行立改", "done"), ("当场整改", "done"), ("现场纠正", "done"),
    ("合格", "rectified"), ("复查合格", "rectified"), ("验收合格", "rectified"), ("已整改", "rectified"),
    ("不合格", "open"), ("复查不合格", "open"), ("未关闭", "open"),
    # 处置措施 kinds say nothing of the state: neither a status nor an unknown word.
    ("限时整改", None), ("隐患整改通知单", None),
]  # fmt: skip


@pytest.mark.parametrize("word, code", STATUS_WORDS)
def test_status_words_of_real_ledgers(word: str, code: str | None) -> None:
    result = parse_status(word)
    assert (result.code, result.problem) == (code, None)


def test_a_word_outside_the_vocabulary_is_unreadable() -> None:
    assert parse_status("研究中").problem == "无法识别"


SEVERITY_WORDS = [
    (3, "general"), (3.0, "general"), ("3级", "general"), ("一般3级", "general"), ("Ⅱ级", "general"),
    ("重大", "major"), ("较大隐患", "serious"), ("重大1级", "major"), ("10级", None), ("紧急", None),
]  # fmt: skip


@pytest.mark.parametrize("cell, code", SEVERITY_WORDS)
def test_severity_levels(cell: object, code: str | None) -> None:
    assert parse_severity(cell).code == code


def sheet_of(rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None) -> RawSheet:
    return RawSheet.from_rows("Sheet1", rows, merged or [])


def normalised(config: TownConfig, header: list[str], *rows: list[object]) -> SheetResult:
    sheet = sheet_of([header, *[list(r) for r in rows]])
    return normalise_sheet(sheet, config=config, report_date=REPORT, file_name="东河村.xlsx")


STATE_COLUMNS = ["排查日期", "隐患描述", "整改期限", "处置措施", "复查结果", "复查日期", "隐患状态"]
# (处置措施, 复查结果, 复查日期, 隐患状态) → (status, rectified_date, explicit, closed, closed_date)
STATE_CASES = [
    (("当场纠正", None, None, None), ("rectified", FOUND, True, False, None)),
    (("限时整改", None, None, None), (None, None, False, False, None)),
    (("限时整改", "已整改", "2023-12-20", None), ("rectified", D(2023, 12, 20), True, False, None)),
    (("限时整改", "合格", "2023-12-20", "关闭"), ("rectified", D(2023, 12, 20), True, True, D(2023, 12, 20))),
    (("限时整改", None, None, "关闭"), ("rectified", REPORT, False, True, REPORT)),
    (("当场纠正", None, None, "关闭"), ("rectified", FOUND, True, True, FOUND)),
    # 隐患状态 is the later step of the work: it wins over 复查结果.
    ((None, "已整改", "2023-12-20", "未关闭"), ("open", None, False, False, None)),
    ((None, "不合格", "2023-12-20", None), ("open", None, False, False, None)),
    ((None, None, 45280, "闭环"), ("rectified", D(2023, 12, 20), True, True, D(2023, 12, 20))),
]


@pytest.mark.parametrize("cells, expected", STATE_CASES, ids=[str(c[0]) for c in STATE_CASES])
def test_review_result_state_and_disposal_columns(config: TownConfig, cells: tuple, expected: tuple) -> None:
    result = normalised(
        config, ["村（社区）", *STATE_COLUMNS], ["东河村", "2023-12-06", "灭火器过期", "2023-12-20", *cells]
    )
    (row,) = result.frame.to_dict("records")
    assert (
        row["status"],
        row["rectified_date"],
        row["rectified_date_explicit"],
        row["closed"],
        row["closed_date"],
    ) == (expected)


def test_actual_rectification_time_is_the_rectified_date(config: TownConfig) -> None:
    result = normalised(
        config,
        ["村（社区）", "检查时间", "重大隐患描述", "是否整改", "实际整改完成时间"],
        ["东河村", "2023-12-06", "消防通道堵塞", "已整改", "2023-12-12"],
    )
    (row,) = result.frame.to_dict("records")
    assert (row["severity"], row["status"], row["rectified_date"]) == ("major", "rectified", D(2023, 12, 12))


def test_a_severity_column_beats_the_major_description_header(config: TownConfig) -> None:
    result = normalised(
        config,
        ["村（社区）", "检查时间", "重大隐患描述", "隐患等级"],
        ["东河村", "2023-12-06", "消防通道堵塞", "一般"],
    )
    assert result.frame["severity"].tolist() == ["general"]


def test_a_closed_flag_column_holding_status_words(config: TownConfig) -> None:
    rows = [
        ["东河村", "2023-12-06", f"隐患{i}", word]
        for i, word in enumerate(["已整改", "整改中", "已销号", "现场处置", "待定"])
    ]
    result = normalised(config, ["村（社区）", "检查时间", "隐患描述", "销号情况"], *rows)
    frame = result.frame
    assert list(zip(frame["status"], frame["closed"], strict=True)) == [
        ("rectified", False), ("in_progress", False), ("rectified", True), ("rectified", False), (None, False),
    ]  # fmt: skip
    assert result.unknown_words == {"closed_flag": {"待定": 1}}
    assert [(i.row_number, i.column, i.value) for i in result.issues] == [(6, "销号情况", "待定")]


def test_a_header_block_merged_down_ends_below_its_sub_headers(config: TownConfig) -> None:
    rows = [
        ["序号", "检查时间", "村（社区）", "隐患问题描述", "整改责任单位", None, "销号情况"],
        [None, None, None, None, "建设", "施工", None],
        [None, None, None, None, None, None, None],
        [1, "2023-12-06", "东河村", "脚手架未固定", "A", "B", "已整改"],
    ]
    merged = [(0, 0, 2, 0), (0, 1, 2, 1), (0, 2, 2, 2), (0, 3, 2, 3), (0, 4, 0, 5), (0, 6, 2, 6)]
    sheet = sheet_of(rows, merged)
    header = find_header(sheet)
    assert (header.first_row, header.last_row) == (0, 2)
    assert header.labels[4:6] == ("整改责任单位/建设", "整改责任单位/施工")
    result = normalise_sheet(sheet, config=config, report_date=REPORT, file_name="a.xlsx")
    assert (len(result.frame), result.rejected) == (1, [])


def test_a_merge_down_from_the_header_never_swallows_data_rows(config: TownConfig) -> None:
    rows = [["检查时间", "村（社区）", "隐患描述", "备注"], ["2023-12-06", "东河村", "线路老化", None]]
    sheet = sheet_of(rows, [(0, 3, 1, 3)])  # 备注 merged down into the first data row
    assert find_header(sheet).last_row == 0


def test_the_report_date_in_a_band_merged_over_the_header() -> None:
    rows = [
        ["统计表"],
        ["序号", "项目名称：某项目", None, "填报时间： 2019年 6 月 25 日"],
        [None, "隐患内容", "排查日期", "隐患状态"],
        [1, "未设防护", "2019-05-26", "关闭"],
    ]
    sheet = sheet_of(rows, [(1, 0, 2, 0), (1, 1, 1, 2)])
    header = find_header(sheet)
    assert header.first_row == 1
    assert report_date_in(sheet, header) == D(2019, 6, 25)


def test_a_header_cell_named_date_is_not_a_report_date() -> None:
    rows = [["村（社区）", "隐患描述", "日期", "整改情况"], ["东河村", "线路老化", "2023-12-06", "已整改"]]
    sheet = sheet_of(rows)
    assert report_date_in(sheet, find_header(sheet)) is None


W3CDTF = [
    ("2020-05-24T07:58:07Z", D(2020, 5, 24)),
    ("2020-05-24T15:59:59Z", D(2020, 5, 24)),
    ("2020-05-24T16:00:00Z", D(2020, 5, 25)),  # midnight in China
    ("2020-05-24T23:30:00+08:00", D(2020, 5, 24)),
    ("2020-05-24T01:00:00.5-02:00", D(2020, 5, 24)),
    ("2020-05-24", D(2020, 5, 24)),
    ("2020-02-30T01:00:00Z", None),
    ("yesterday", None),
]


@pytest.mark.parametrize("text, expected", W3CDTF)
def test_the_workbooks_saved_date_in_china_time(text: str, expected: dt.date | None) -> None:
    assert parse_w3cdtf(text) == expected


def _with_core(path: Path, modified: str | None) -> Path:
    """A copy of the .xlsx with docProps/core.xml saying `modified` (or without the part)."""
    out = path.with_name(f"saved_{path.name}")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != "docProps/core.xml":
                dst.writestr(item, src.read(item))
        if modified is not None:
            dst.writestr(
                "docProps/core.xml",
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
                ' xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified></cp:coreProperties>',
            )
    return out


LEDGER = [
    ["村（社区）", "排查日期", "隐患描述", "整改情况", "整改完成时间"],
    ["东河村", "2023-12-06", "线路老化", "已整改", "2023-12-09"],
    ["东河村", "2023-12-08", "灭火器过期", "未整改", None],
]


def decide(path: Path, config: TownConfig, cli: dt.date | None = None):
    sheets = read_ledger(path)
    headers = [find_header(sheet) for sheet in sheets]
    return decide_report_date(path, sheets, headers, config=config, cli=cli, today=D(2024, 2, 2))


def test_report_date_sources_in_order(tmp_path: Path, config: TownConfig) -> None:
    plain = write_xlsx(tmp_path / "a.xlsx", {"Sheet1": (LEDGER, [])})
    saved = _with_core(plain, "2024-01-14T02:00:00Z")
    assert (decide(saved, config).date, decide(saved, config).source) == (D(2024, 1, 14), "workbook_saved")
    assert decide(saved, config, cli=D(2024, 1, 3)).source == "cli"
    titled = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": ([["填报日期：2024年1月10日"], *LEDGER], [])})
    assert (decide(_with_core(titled, "2024-01-14"), config).date, decide(titled, config).source) == (
        D(2024, 1, 10),
        "title",
    )
    # A saved date outside the campaign's window (a template saved years ago) is no report date.
    stale = _with_core(plain, "2018-09-19T06:31:55Z")
    assert (decide(stale, config).date, decide(stale, config).source) == (D(2023, 12, 9), "latest_in_ledger")
    assert workbook_saved(_with_core(plain, None)) is None
    csv = write_csv(tmp_path / "a.csv", LEDGER)
    assert (decide(csv, config).date, decide(csv, config).source) == (D(2023, 12, 9), "latest_in_ledger")
    empty = write_csv(tmp_path / "e.csv", [LEDGER[0], ["东河村", None, "线路老化", None, None]])
    assert (decide(empty, config).date, decide(empty, config).source) == (D(2024, 2, 2), "load_day")


def town_with(tmp_path: Path, config: TownConfig, extra: str) -> TownConfig:
    text = (Path(config.source).read_text(encoding="utf-8")).replace(
        "[campaign]\n", f"{extra}\n[campaign]\n", 1
    )
    path = tmp_path / "town.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_a_town_extends_the_vocabulary_without_code(tmp_path: Path, config: TownConfig) -> None:
    town = town_with(
        tmp_path,
        config,
        '[vocabulary]\nrectified_words = ["搞定"]\nclosed_words = ["结案"]\nmajor_words = ["特大"]\n'
        'done_on_the_spot_words = ["随手改"]\n[vocabulary.columns]\nstatus = ["处理结果"]\nfound_date = ["巡查日"]',
    )
    header = ["村（社区）", "巡查日", "隐患描述", "处理结果", "隐患等级", "整改措施"]
    rows = [
        ["东河村", "2023-12-06", "a", "搞定", None, None],
        ["东河村", "2023-12-06", "b", "结案", "特大", None],
        ["东河村", "2023-12-06", "c", None, None, "随手改"],
    ]
    frame = normalised(town, header, *rows).frame
    assert frame[["status", "closed", "severity"]].values.tolist() == [
        ["rectified", False, "general"], ["rectified", True, "major"], ["rectified", False, "general"],
    ]  # fmt: skip
    assert frame["rectified_date"].tolist()[2] == FOUND
    # Without the town's words the same ledger has no found-date column at all.
    assert normalised(config, header, *rows).kind is None


CONFIG_ERRORS = [
    ('[vocabulary]\nrectifed_words = ["x"]', "rectifed_words"),
    ('[vocabulary]\nrectified_words = "x"', "vocabulary.rectified_words"),
    ('[vocabulary]\nrectified_words = [""]', "vocabulary.rectified_words"),
]


@pytest.mark.parametrize("extra, named", CONFIG_ERRORS)
def test_a_vocabulary_typo_is_refused_naming_the_key(
    tmp_path: Path, config: TownConfig, extra: str, named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        town_with(tmp_path, config, extra)


def test_an_unknown_field_in_vocabulary_columns_is_refused(tmp_path: Path, config: TownConfig) -> None:
    town = town_with(tmp_path, config, '[vocabulary.columns]\nstatu = ["处理结果"]')
    with pytest.raises(ConfigError, match="statu"):
        normalised(town, ["村（社区）", "排查日期", "隐患描述"], ["东河村", "2023-12-06", "a"])


MARGINS = [(0, D(2023, 1, 1), D(2022, 12, 31)), (2, D(2021, 1, 1), D(2020, 12, 31))]


@pytest.mark.parametrize("margin, first, before", MARGINS)
def test_the_date_window_follows_the_margin(
    config: TownConfig, margin: int, first: dt.date, before: dt.date
) -> None:
    town = dataclasses.replace(
        config, vocabulary=dataclasses.replace(config.vocabulary, date_margin_years=margin)
    )
    result = normalised(
        town,
        ["村（社区）", "排查日期", "隐患描述"],
        ["东河村", first.isoformat(), "a"],
        ["东河村", before.isoformat(), "b"],
    )
    assert result.frame["found_date"].tolist() == [first]
    assert [r.reason for r in result.rejected] == [f"排查日期不在合理范围内：{before.isoformat()}"]


def test_the_margin_must_be_a_small_whole_number(tmp_path: Path, config: TownConfig) -> None:
    text = (
        Path(config.source)
        .read_text(encoding="utf-8")
        .replace("[campaign]\n", "[campaign]\ndate_margin_years = -1\n")
    )
    path = tmp_path / "town.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="date_margin_years"):
        load_config(path)
