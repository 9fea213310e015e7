"""Hostile and oversized ledger files: refused with a true reason before a reader allocates, or long cells cut."""

from __future__ import annotations

import random
import re
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from etl.errors import LedgerError
from etl.findings import CellIssue
from etl.limits import DEFAULT_LIMITS, MIB, ReadLimits
from etl.readers import RawSheet, read_ledger
from etl.xlsx_guard import Extent, _ExtentScan, _LongRuns, _unescape, cut_runs
from etl.xlsx_layout import column, root_tags, sheet_layout
from tests.ledger_files import write_csv, write_xls, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
PLACEHOLDER = "PLACEHOLDER"
LONG_REASON = "单元格内容过长（{:,} 个字符），超过 32,767 个字符的上限，只读取了前 32,767 个字符"


def only(sheets: list[RawSheet]) -> RawSheet:
    assert len(sheets) == 1
    return sheets[0]


def ledger(path: Path, extra: list[list[str]] = ()) -> Path:
    """A small ledger with shared strings (as Excel writes them); PLACEHOLDER in C3 for tests to replace."""
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("S")
    rows = [
        ["村（社区）", "排查日期", "隐患描述"],
        ["东河村", "2023-12-06", "灭火器过期"],
        ["西岭村", "2023-12-07", PLACEHOLDER],
    ]
    for r, row in enumerate([*rows, *extra]):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    book.close()
    return path


def rewrite(path: Path, target: Path, member: str, write: Callable[[object, bytes], None]) -> Path:
    """A copy of the workbook whose member is written by write(stream, original bytes)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename != member:
                copy.writestr(item.filename, data)
                continue
            with copy.open(item.filename, "w", force_zip64=True) as out:
                write(out, data)
    return target


def replacing(old: bytes, new: bytes) -> Callable[[object, bytes], None]:
    def write(out: object, data: bytes) -> None:
        assert old in data
        out.write(data.replace(old, new))  # type: ignore[attr-defined]

    return write


def declare_size(path: Path, member: str, size: int) -> None:
    """Make the zip's local header and central directory say member inflates to size bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(member).header_offset
    struct.pack_into("<I", data, offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(data)


def refusal(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    with pytest.raises(LedgerError) as caught:
        read_ledger(path, limits=limits)
    return str(caught.value)


def in_child(path: Path) -> str:
    """read_ledger in a separate process (a reader that allocates a used range whole aborts its process)."""
    code = textwrap.dedent(f"""
        from etl.errors import LedgerError
        from etl.readers import read_ledger
        try:
            read_ledger({str(path)!r})
            print("read")
        except LedgerError as error:
            print(error)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_limits_live_in_one_place_with_excel_s_own_bounds() -> None:
    expected = ReadLimits(
        expanded_bytes=512 * MIB, cell_chars=32_767, rows=1_048_576, columns=16_384, cells=20_000_000
    )
    assert expected == DEFAULT_LIMITS


# --- what a file may expand to -------------------------------------------------------------------------------


def padded_tail(padding: int, merges: int) -> Callable[[object, bytes], None]:
    """After </sheetData>: padding bytes of blanks, then merges one-cell merged ranges (A1, A2, …)."""

    def write(out: object, data: bytes) -> None:
        head, rest = data.split(b"</sheetData>")
        out.write(head + b"</sheetData>")  # type: ignore[attr-defined]
        block = b" " * MIB
        for _ in range(padding // MIB):
            out.write(block)  # type: ignore[attr-defined]
        out.write(b'<mergeCells count="%d">' % merges)  # type: ignore[attr-defined]
        out.write(b"".join(b'<mergeCell ref="A%d:B%d"/>' % (r, r) for r in range(1, merges + 1)))  # type: ignore[attr-defined]
        out.write(b"</mergeCells>" + rest)  # type: ignore[attr-defined]

    return write


def test_the_xml_after_the_cells_is_scanned_in_bounded_memory(tmp_path: Path) -> None:
    # 64 MiB of XML after </sheetData> (the measured hang had 1 GiB: `tail += text` copied it quadratically),
    # then 40,000 merged ranges, 1.3 MB of XML that crosses chunk borders: each must be found once.
    path = rewrite(ledger(tmp_path / "a.xlsx"), tmp_path / "tail.xlsx", SHEET, padded_tail(64 * MIB, 40_000))
    tracemalloc.start()
    try:
        with zipfile.ZipFile(path) as archive:
            layout = sheet_layout(archive, SHEET)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert layout.merged == [(r, 0, r, 1) for r in range(40_000)]
    assert peak < 32 * MIB
    assert only(read_ledger(path)).merged == layout.merged


def test_a_zip_that_inflates_past_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = rewrite(ledger(tmp_path / "a.xlsx"), tmp_path / "炸弹.xlsx", SHEET, padded_tail(16 * MIB, 1))
    assert path.stat().st_size < 100_000
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    reason = refusal(path, ReadLimits(expanded_bytes=8 * MIB))
    assert (
        reason
        == f"文件解压后有 {total / MIB:.0f} MB，超过每个文件 8.0 MB 的上限（可能是“压缩炸弹”或损坏的文件），未导入"
    )


def test_a_zip_declaring_a_gibibyte_is_refused_by_the_default_limit(tmp_path: Path) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    declare_size(path, SHEET, 1 << 30)
    assert (
        refusal(path)
        == "文件解压后有 1,024 MB，超过每个文件 512 MB 的上限（可能是“压缩炸弹”或损坏的文件），未导入"
    )


@pytest.mark.parametrize("declared", [1_000, "double"])
def test_a_zip_whose_header_lies_about_a_member_s_size_is_refused(tmp_path: Path, declared: object) -> None:
    path = ledger(tmp_path / "台账.xlsx", [["北山村", "2023-12-08", f"第{i}号"] for i in range(2_000)])
    with zipfile.ZipFile(path) as archive:
        real = archive.getinfo(SHEET).file_size
    assert real > 50_000
    declare_size(path, SHEET, real * 2 if declared == "double" else declared)
    assert refusal(path) == "文件内部记录的大小与实际内容不符（文件已损坏或被篡改），未导入"


# --- one cell's length ---------------------------------------------------------------------------------------


def long_cell_workbook(tmp_path: Path, text: str, name: str = "台账.xlsx") -> Path:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode()
    return rewrite(
        ledger(tmp_path / "a.xlsx"), tmp_path / name, STRINGS, replacing(PLACEHOLDER.encode(), escaped)
    )


def cut_issue(length: int, value: str, row: int = 3, column: str = "C") -> CellIssue:
    """The reader's data issue of a cut cell: by Excel letter, read for no field yet."""
    return CellIssue(
        sheet="S",
        row_number=row,
        column=column,
        field=None,
        value=value[:40] + "…",
        problem=LONG_REASON.format(length),
    )


@pytest.mark.parametrize("repeats", [4_001, 160_001])
def test_a_long_shared_string_is_cut_to_excel_s_limit_with_a_data_issue(tmp_path: Path, repeats: int) -> None:
    # 44,011 characters, or 1,760,011 (5.4 MB of XML: counted past the held text, across inflated chunks),
    # with entities among them and Chinese characters of 3 bytes each.
    text = "灭火器过期&<东河村>" * repeats
    sheet = only(read_ledger(long_cell_workbook(tmp_path, text)))
    assert sheet.rows[2] == ["西岭村", "2023-12-07", text[:32_767]]
    assert sheet.rows[:2] == [["村（社区）", "排查日期", "隐患描述"], ["东河村", "2023-12-06", "灭火器过期"]]
    assert sheet.issues == [cut_issue(len(text), text)]


@pytest.mark.parametrize(("length", "cut"), [(32_767, False), (32_768, True)])
def test_a_cell_of_exactly_the_limit_is_kept_whole(tmp_path: Path, length: int, cut: bool) -> None:
    text = ("x" * 9 + "&") * (length // 10) + "y" * (length % 10)
    sheet = only(read_ledger(long_cell_workbook(tmp_path, text)))
    assert sheet.rows[2][2] == text[:32_767]
    assert sheet.issues == ([cut_issue(length, text)] if cut else [])


def test_a_long_cell_written_in_many_short_runs_is_cut_too(tmp_path: Path) -> None:
    runs = b"".join(b"<r><t>" + bytes([65 + i]) * 10_000 + b"</t></r>" for i in range(4))
    path = rewrite(
        ledger(tmp_path / "a.xlsx"), tmp_path / "台账.xlsx", STRINGS, replacing(b"<t>PLACEHOLDER</t>", runs)
    )
    sheet = only(read_ledger(path))
    text = "A" * 10_000 + "B" * 10_000 + "C" * 10_000 + "D" * 10_000
    assert sheet.rows[2][2] == text[:32_767]
    assert sheet.issues == [cut_issue(40_000, text)]


def test_a_long_inline_string_is_cut(tmp_path: Path) -> None:
    text = "线路老化" * 10_000
    rows = [["村（社区）", "隐患描述"], ["东河村", PLACEHOLDER]]
    path = write_xlsx(tmp_path / "a.xlsx", {"S": (rows, [])})  # inline strings (openpyxl cuts long ones)
    path = rewrite(path, tmp_path / "东河村.xlsx", SHEET, replacing(PLACEHOLDER.encode(), text.encode()))
    sheet = only(read_ledger(path))
    assert sheet.rows[1] == ["东河村", text[:32_767]]
    assert sheet.issues == [cut_issue(40_000, text, row=2, column="B")]


def test_a_cell_of_128_mib_is_read_in_bounded_memory(tmp_path: Path) -> None:
    # Measured before: one 256 MiB cell took 4.1 GB to load (1.2 GB in the reader) and broke a page.
    def huge(out: object, data: bytes) -> None:
        head, rest = data.split(PLACEHOLDER.encode())
        out.write(head)  # type: ignore[attr-defined]
        for _ in range(128):
            out.write(b"A" * MIB)  # type: ignore[attr-defined]
        out.write(rest)  # type: ignore[attr-defined]

    path = rewrite(ledger(tmp_path / "a.xlsx"), tmp_path / "大.xlsx", STRINGS, huge)
    code = textwrap.dedent("""
        import resource, sys
        from etl.readers import read_ledger
        (sheet,) = read_ledger(sys.argv[1])
        (issue,) = sheet.issues or (None,)
        if issue is not None:
            print(issue.problem.split("（")[1].split(" ")[0], issue.row_number, issue.column, len(sheet.rows[2][2]))
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)

    def peak(file: Path) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code, str(file)], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split("\n")

    found, big_mb = peak(path)[:2]
    assert found == f"{128 * MIB:,} 3 C 32767"
    # Against the same read of the same ledger without the long cell, in the same environment: the process's
    # baseline differs between a lone run and the full suite, the cost of the long cell must not.
    small_mb = peak(ledger(tmp_path / "small.xlsx"))[0]
    assert int(big_mb) - int(small_mb) < 300, (big_mb, small_mb)


def test_a_csv_cell_past_the_csv_module_s_limit_is_read_and_cut(tmp_path: Path) -> None:
    # The csv module refuses a field over 131,072 characters: the file used to be refused whole.
    text = "楼道堆放杂物" * 40_000
    path = write_csv(
        tmp_path / "应急办.csv", [["村（社区）", "隐患描述"], ["东河村", text], ["西岭村", "短"]]
    )
    sheet = only(read_ledger(path))
    assert sheet.rows == [["村（社区）", "隐患描述"], ["东河村", text[:32_767]], ["西岭村", "短"]]
    assert sheet.issues == [
        CellIssue(
            sheet="应急办",
            row_number=2,
            column="B",
            field=None,
            value=text[:40] + "…",
            problem=LONG_REASON.format(240_000),
        )
    ]


def test_csv_and_xlsx_cut_a_long_cell_alike(tmp_path: Path) -> None:
    text = "电动车违规充电" * 6_000  # 42,000 characters: read whole by the csv module's default
    csv_sheet = only(read_ledger(write_csv(tmp_path / "台账.csv", [["a", "b", "c"], ["", "", text]])))
    xlsx_sheet = only(read_ledger(long_cell_workbook(tmp_path, text)))
    assert csv_sheet.rows[1][2] == xlsx_sheet.rows[2][2] == text[:32_767]
    assert [(i.problem, i.column) for i in csv_sheet.issues] == [(LONG_REASON.format(42_000), "C")]
    assert [(i.problem, i.column) for i in xlsx_sheet.issues] == [(LONG_REASON.format(42_000), "C")]


# --- rows and columns ----------------------------------------------------------------------------------------

SMALL = ReadLimits(rows=100, columns=10, cells=500)


def write(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".csv":
        return write_csv(path, rows)
    return (write_xlsx if path.suffix == ".xlsx" else write_xls)(path, {"S": (rows, [])})


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv"])
def test_a_sheet_with_more_rows_than_the_limit_is_refused(tmp_path: Path, suffix: str) -> None:
    rows = [["序号"]] + [[str(i)] for i in range(100)]
    path = write(tmp_path / f"S{suffix}", rows)
    assert refusal(path, SMALL) == "工作表“S”有 101 行，超过每个工作表 100 行的上限，未导入"
    assert only(read_ledger(path, limits=ReadLimits(rows=101))).height == 101


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv"])
def test_a_sheet_with_more_columns_than_the_limit_is_refused(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"S{suffix}", [[f"列{i}" for i in range(11)]])
    assert refusal(path, SMALL) == "工作表“S”有 11 列，超过每个工作表 10 列的上限，未导入"


def corner_workbook(path: Path, cells: list[tuple[int, int]]) -> Path:
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("S")
    for row, col in cells:
        ws.write_string(row, col, "x")
    book.close()
    return path


def test_two_values_far_apart_are_refused_before_the_reader_allocates_between_them(tmp_path: Path) -> None:
    # A 6 KB file: calamine allocates the 200,001 × 2,001 range at once and aborts the process.
    path = corner_workbook(tmp_path / "台账.xlsx", [(0, 0), (200_000, 2_000)])
    assert path.stat().st_size < 10_000
    assert in_child(path) == (
        "工作表“S”的表格范围有 200,001 行 × 2,001 列，超过 20,000,000 个单元格的上限"
        "（请删除远离台账的单元格内容后再导入），未导入"
    )


def test_rows_out_of_order_do_not_hide_the_far_corner(tmp_path: Path) -> None:
    # 16 billion cells if allocated: only a check before the reader runs can refuse it.
    sheet_xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="XFD1"><v>1</v></c></row>'
        b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="2"><c r="A2"><v>2</v></c></row>'
        b"</sheetData></worksheet>"
    )
    path = rewrite(
        ledger(tmp_path / "a.xlsx"), tmp_path / "台账.xlsx", SHEET, lambda out, _: out.write(sheet_xml)
    )
    assert in_child(path) == (
        "工作表“S”的表格范围有 1,000,000 行 × 16,384 列，超过 20,000,000 个单元格的上限"
        "（请删除远离台账的单元格内容后再导入），未导入"
    )


def test_cells_with_only_a_style_far_out_do_not_count(tmp_path: Path) -> None:
    # Excel writes formatted empty cells; calamine skips them, so must the limit.
    path = tmp_path / "台账.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("S")
    ws.write_string(0, 0, "村（社区）")
    ws.write_string(1, 0, "东河村")
    ws.write_blank(1_048_575, 16_383, None, book.add_format({"border": 1}))
    book.close()
    sheet = only(read_ledger(path))
    assert sheet.rows == [["村（社区）"], ["东河村"]]


def reference_cut(xml: bytes, limit: int) -> bytes:
    """What cut_runs must give, written plainly: every text longer than limit characters (an entity is one)
    cut to limit, followed by the mark of how many characters it lost."""

    def cut(match: re.Match[bytes]) -> bytes:
        text = _unescape(match[2].decode())
        if len(match[0]) <= limit or len(text) <= limit:
            return match[0]
        kept = text[:limit].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return match[1] + kept.encode() + f"\ue000\ue001{len(text) - limit}\ue001\ue000".encode()

    return re.sub(rb"(?<=<)([^<>]*>)([^<]*)", cut, xml)


@pytest.mark.parametrize("seed", range(40))
def test_long_text_runs_are_found_and_cut_however_the_stream_is_chunked(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["a", "东", "&amp;", "&#x4E1C;", "&lt;", "&#20892;"]
    for _ in range(25):
        runs = [
            "".join(rng.choice(pieces) for _ in range(rng.choice([0, 1, 5, 9, 10, 11, 30, 200])))
            for _ in range(rng.randint(1, 6))
        ]
        xml = ("<sst>" + "".join(f"<si><t>{run}</t></si>" for run in runs) + "</sst>").encode()
        limit = rng.choice([4, 8, 10, 25])
        size = rng.choice([1, 2, 3, 5, 17, 64, 4096])
        chunks = [xml[i : i + size] for i in range(0, len(xml), size)]
        finder = _LongRuns(limit)
        for chunk in chunks:
            finder.feed(chunk)
        assert b"".join(cut_runs(iter(chunks), finder.found, limit)) == reference_cut(xml, limit)


def test_a_sheet_whose_cells_carry_no_reference_is_measured_by_counting(tmp_path: Path) -> None:
    # Cells without r="…" take the next position: 101 rows, the widest with 12 cells.
    rows = b"".join(b"<row>" + b"<c><v>1</v></c>" * (12 if r == 50 else 3) + b"</row>" for r in range(101))
    sheet_xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )
    scan = _ExtentScan()
    for at in range(0, len(sheet_xml), 700):  # chunk borders inside rows
        scan.feed(sheet_xml[at : at + 700])
    assert scan.extent() == Extent(rows=101, columns=12)  # measured before any reader allocates
    path = rewrite(
        ledger(tmp_path / "a.xlsx"), tmp_path / "S.xlsx", SHEET, lambda out, _: out.write(sheet_xml)
    )
    assert (
        refusal(path, ReadLimits(rows=1000, columns=11))
        == "工作表“S”有 12 列，超过每个工作表 11 列的上限，未导入"
    )
    assert refusal(path, ReadLimits(rows=100)) == "工作表“S”有 101 行，超过每个工作表 100 行的上限，未导入"
    assert only(read_ledger(path, limits=ReadLimits(rows=101, columns=12))).rows[50] == ["1"] * 12


def random_sheet_xml(rng: random.Random, prefix: str) -> bytes:
    """A sheet's XML with the cells a guard must tell apart: valued (numbers, inline text, formulas with a
    cached value), not valued (a style only, a formula without a value), a reference written inside a text,
    rows in any order, row numbers of any length."""
    p = prefix + ":" if prefix else ""
    xmlns = f' xmlns:{prefix}="urn:x"' if prefix else ' xmlns="urn:x"'
    letters = ["A", "B", "Z", "AA", "AZ", "BA", "ZZ", "XFD", "ZZZ"]
    numbers = [1, 2, 9, 10, 99, 100, 1000, 99999, 100000, 1048576, 1048577, 10**15, 10**16 + 7, 10**25]
    rows = []
    for _ in range(rng.randint(0, 12)):
        row = rng.choice(numbers)
        cells = []
        for _ in range(rng.randint(0, 5)):
            ref = f"{rng.choice(letters)}{rng.choice([row, *numbers])}"
            cells.append(
                rng.choice(
                    [
                        f'<{p}c r="{ref}"><{p}v>1</{p}v></{p}c>',
                        f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>x</{p}t></{p}is></{p}c>',
                        f'<{p}c r="{ref}"><{p}f>A1</{p}f><{p}v>2</{p}v></{p}c>',
                        f'<{p}c r="{ref}" s="1"/>',
                        f'<{p}c r="{ref}"><{p}f>A1</{p}f></{p}c>',
                        f'<{p}c r="A1" t="inlineStr"><{p}is><{p}t>r="{ref}"</{p}t></{p}is></{p}c>',
                    ]
                )
            )
        rows.append(f'<{p}row r="{row}">{"".join(cells)}</{p}row>')
    tail = f'<{p}mergeCells><{p}mergeCell ref="A1:B2"/></{p}mergeCells>' if rng.random() < 0.5 else ""
    return (
        f'<{p}worksheet{xmlns}><{p}dimension ref="A1"/><{p}sheetData>{"".join(rows)}</{p}sheetData>'
        f"{tail}</{p}worksheet>"
    ).encode()


def plain_extent(xml: bytes) -> Extent:
    """The extent written plainly: the farthest row and column of any valued cell before </sheetData>."""
    tags = root_tags(xml)
    data = xml[: xml.find(tags.end_of_data)]
    cells = [(int(m[2]), column(m[1])) for m in tags.any_valued.finditer(data)]
    return Extent(max((r for r, _ in cells), default=0), max((c + 1 for _, c in cells), default=0))


@pytest.mark.parametrize("seed", range(60))
def test_the_extent_scan_finds_the_farthest_valued_cell_however_the_stream_is_chunked(seed: int) -> None:
    rng = random.Random(seed)
    xml = random_sheet_xml(rng, rng.choice(["", "x"]))
    first = xml.find(b"sheetData>") + len(b"sheetData>")  # the root is in the first chunk, as inflated
    scan = _ExtentScan()
    scan.feed(xml[:first])
    at = first
    while at < len(xml):
        size = rng.choice([1, 7, 40, 300, 5000])
        scan.feed(xml[at : at + size])
        at += size
    assert scan.extent() == plain_extent(xml)


def with_member(path: Path, target: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item.filename, source.read(item))
        copy.writestr(name, data)
    return target


def test_a_part_no_reader_takes_cells_from_is_inflated_only_when_its_size_could_hide_too_much(
    tmp_path: Path,
) -> None:
    # 16 MiB of zeros deflate to 16 KB: declared as 1,000 bytes it could still expand past an 8 MiB limit, so
    # the guard inflates it and finds the lie; a small part that lies can expand to little (deflate expands
    # 1,032-fold at most) and is not inflated at all.
    media = "xl/media/image1.bin"
    big = with_member(ledger(tmp_path / "a.xlsx"), tmp_path / "big.xlsx", media, bytes(16 * MIB))
    declare_size(big, media, 1_000)
    assert refusal(big, ReadLimits(expanded_bytes=8 * MIB)) == (
        "文件内部记录的大小与实际内容不符（文件已损坏或被篡改），未导入"
    )
    small = with_member(ledger(tmp_path / "b.xlsx"), tmp_path / "small.xlsx", media, bytes(64_000))
    declare_size(small, media, 1_000)
    assert only(read_ledger(small, limits=ReadLimits(expanded_bytes=8 * MIB))).rows[2][0] == "西岭村"
