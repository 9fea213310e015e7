"""One text normaliser: a column of many distinct values (read in Arrow) cleans exactly as etl.text does.

etl.columns takes its Arrow path from ARROW_FROM distinct values up; these tests hold it to clean_text()
and squeeze() for every Unicode code point, and through a real ledger of 300+ distinct values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from etl.columns import ARROW_FROM, PYTHON_BELOW, Column
from etl.fields import DONE_PATTERN
from etl.normalise import normalise_sheet
from etl.readers import read_ledger
from etl.rows import MARK_PATTERN, has_mark
from etl.text import clean_text
from etl.values import mentions_done_on_the_spot
from firedash.config import TownConfig
from tests.ledger_files import write_xlsx

CODE_POINTS = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
# Full-width letters, digits and punctuation, ideographic spaces, NBSP, \v, mixed case, leading zeros.
AWKWARD = [
    "ＤＨ－００１", "ｄｈ－００１", "DH- 001", " dh-001 ", "DH\u3000001", "DH\xa0001", "DH\v001", "００１", "001",
    "东　河　村", "东河村\n", "合　计", "合\u00a0计", "小计：", "注：", "立查\v立改", "立查立改", "当场整改（已完成）", "\uf9f7查立改",
    "２０２３年１２月６日", "（一组）", "【备注】", "ＡＢＣ ｄｅｆ", "\u2003x\u2003", "\x1cx\x1f", "x\x85y",
]  # fmt: skip


def _column(values: list[str]) -> Column:
    column = Column(pa.array(values))
    assert len(column.uniques) >= ARROW_FROM  # the Arrow path is taken
    return column


@pytest.mark.parametrize("place", ["{0}", " {0}x{0} "])
def test_many_distinct_texts_clean_as_clean_text_for_every_code_point(place: str) -> None:
    values = [place.format(ch) for ch in CODE_POINTS]
    cleaned = _column(values).texts()
    expected = [clean_text(v) or None for v in values]
    wrong = [(v, got, want) for v, got, want in zip(values, cleaned, expected, strict=True) if got != want]
    assert wrong == []


def test_awkward_texts_clean_alike_in_a_small_column_and_a_large_one() -> None:
    small = Column(pa.array(AWKWARD)).texts()
    large = _column(AWKWARD + [f"填充{i:04d}" for i in range(ARROW_FROM)]).texts()[: len(AWKWARD)]
    assert small.tolist() == large.tolist() == [clean_text(v) for v in AWKWARD]
    assert large[0] == "DH-001" and large[7] == "001"


@pytest.mark.parametrize(
    "pattern, test",
    [(MARK_PATTERN, has_mark), (DONE_PATTERN, mentions_done_on_the_spot)],
    ids=["mark", "done"],
)
def test_matching_in_arrow_agrees_with_the_python_test(pattern: str, test) -> None:
    values = AWKWARD + [f"{ch}合计" for ch in CODE_POINTS[:0x3100]] + [f"立查{ch}立改" for ch in CODE_POINTS]
    got = _column(values).matching(pattern, test)
    assert got.tolist() == [test(v) for v in values]
    assert got.any()


def test_a_full_width_number_reads_alike_in_a_ledger_of_many_distinct_values(
    tmp_path: Path, config: TownConfig
) -> None:
    header = ["隐患编号", "排查日期", "村（社区）", "单位名称", "隐患描述"]
    awkward = [["ＤＨ－００１", "东　河　村", "ＡＢＣ　商店"], ["ｄｈ－００２", "东河村\xa0", "东河饭店"]]
    filler = [[f"F{i:04d}", "东河村", f"第{i}户"] for i in range(ARROW_FROM + 44)]

    def read(rows: list[list[str]]) -> list[tuple]:
        body = [[no, "2023-12-06", village, unit, "线路老化"] for no, village, unit in rows]
        (sheet,) = read_ledger(write_xlsx(tmp_path / f"{len(rows)}.xlsx", {"S": ([header, *body], [])}))
        result = normalise_sheet(sheet, config=config, report_date=dt.date(2024, 1, 7), file_name="a.xlsx")
        frame = result.frame.head(len(awkward))
        return list(zip(frame["hazard_no"], frame["village"], frame["unit"], strict=True))

    expected = [("DH-001", "东河村", "ABC 商店"), ("dh-002", "东河村", "东河饭店")]
    assert read(awkward) == expected
    assert read(awkward + filler) == expected


def test_the_arrow_path_is_the_one_under_test() -> None:
    column = _column([f"v{i}" for i in range(ARROW_FROM)])
    assert column._text_dictionary() is not None
    assert np.array_equal(column.texts()[:2], ["v0", "v1"])


@pytest.mark.parametrize("size", [0, 1, 7, PYTHON_BELOW - 1, PYTHON_BELOW, 3 * PYTHON_BELOW])
def test_a_column_is_encoded_alike_in_python_and_in_arrow(size: int) -> None:
    # Short text columns are encoded in Python, long ones by Arrow: the same codes and distinct values.
    pool = [None, "", " ", "东河村", "东河村 ", "ＤＨ", "DH", "0", "00"]
    cells = pa.array([pool[(i * 7 + i // 3) % len(pool)] for i in range(size)], pa.string())
    encoded = pc.dictionary_encode(cells)
    column = Column(cells)
    assert column.codes.tolist() == encoded.indices.fill_null(-1).to_pylist()
    assert column.uniques == encoded.dictionary.to_pylist()
    assert column.texts().tolist() == [clean_text(v) or None for v in cells.to_pylist()]
    assert column.take(np.arange(size)[::2]).codes.tolist() == column.codes[::2].tolist()
