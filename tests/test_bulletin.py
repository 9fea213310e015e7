"""The 周通报 on the sample store: figures equal `python -m metrics summary --json`, numbering, template, PDF."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from firedash.config import load_config
from firedash.store import connect
from metrics import newly_overdue_tickets, week_comparison
from metrics.__main__ import main
from metrics.bulletin import open_major_or_supervised
from metrics.bulletin_docx import bulletin_bytes
from metrics.bulletin_register import read_issues, register_path
from metrics.bulletin_settings import DEFAULT_TEMPLATE, paragraphs
from metrics.bulletin_template import template_document
from tests.test_pages import sample_store_path

ROOT = Path(__file__).resolve().parent.parent
LAST_WEEK = 22  # the sample's last week: 2024-03-25 … 2024-03-31
LAST_DAY = dt.date(2024, 3, 31)
PDF_PAGES = 5  # looked at as PNG: 总体情况 … 下步要求 on five A4 pages with both charts
HAS_PDF_TOOLS = all(shutil.which(c) for c in ("soffice", "pdftotext", "pdfinfo", "pdffonts"))


def _summary(store: Path, day: dt.date) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "summary", "--db", str(store), "--as-of", day.isoformat(), "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _store_here(tmp: Path, sample: Path) -> Path:
    """The sample store seen from a folder of its own, so its bulletin register starts empty."""
    tmp.mkdir(parents=True, exist_ok=True)
    link = tmp / "sample.duckdb"
    link.symlink_to(sample)
    return link


def _make(store: Path, out: Path, *args: str) -> int:
    return main(["bulletin", "--db", str(store), "--out", str(out), *args])


def _document_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _rows(path: Path, table: int) -> list[list[str]]:
    """A table's rows below its header, as cell texts."""
    rows = docx.Document(str(path)).tables[table].rows
    return [[cell.text for cell in row.cells] for row in rows[1:]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_store_path(tmp_path_factory)


@pytest.fixture(scope="module")
def made(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bulletin of the sample's last week, made by the command line (with its PDF when possible)."""
    folder = tmp_path_factory.mktemp("bulletin")
    out = folder / "out" / "bulletin.docx"
    store = _store_here(folder / "store", sample)
    status = _make(store, out, "--week", str(LAST_WEEK), *(["--pdf"] if HAS_PDF_TOOLS else []))
    assert status == 0
    return out


def test_the_headline_figures_are_those_of_the_summary_command(made, sample):
    p = _summary(sample, LAST_DAY)
    body = _document_text(made)
    assert (
        f"截至2024年3月31日，全镇累计排查火灾隐患{p['found']}处，已整改{p['rectified']}处，整改率{_rate(p['rate'])}"
        in body
    )
    assert (
        f"其中一般隐患{p['general_found']}处，已整改{p['general_rectified']}处，整改率{_rate(p['general_rate'])}"
        in body
    )
    assert (
        f"重大火灾隐患{p['major_found']}处，已整改{p['major_rectified']}处，整改率{_rate(p['major_rate'])}"
        in body
    )
    assert f"尚未整改{p['major_open']}处（其中县政府挂牌督办{p['supervised_open']}处）" in body
    assert f"按期整改率{_rate(p['on_time_rate'])}（按期整改{p['rectified_on_time']}处" in body
    assert f"尚有{p['open']}处隐患未整改，其中超期未整改{p['overdue']}处" in body
    assert "数据截至2024年3月31日" in body
    town, general, major = _rows(made, 0)
    assert town[1:4] == [str(p["found"]), str(p["rectified"]), _rate(p["rate"])]
    assert general[1:4] == [str(p["general_found"]), str(p["general_rectified"]), _rate(p["general_rate"])]
    assert major[1:4] == [str(p["major_found"]), str(p["major_rectified"]), _rate(p["major_rate"])]


def test_the_change_is_on_the_end_of_last_week(made, sample):
    now, before = _summary(sample, LAST_DAY), _summary(sample, dt.date(2024, 3, 24))
    points = (now["rate"] - before["rate"]) * 100
    assert points > 0.05  # the sample's rate rises in its last week
    assert f"较上周（截至3月24日）提高{points:.1f}个百分点" in _document_text(made)
    assert _rows(made, 0)[0][4] == f"+{points:.1f}"


def test_the_ranked_table_runs_from_the_best_to_the_worst_village(made, sample):
    villages = _summary(sample, LAST_DAY)["by_village"]
    ranked = sorted((v for v in villages if v["found"] >= 3), key=lambda v: (-v["rate"], -v["found"]))
    rows = _rows(made, 1)
    assert len(rows) == len(villages)
    assert rows[0][:2] == ["1", ranked[0]["village"]] and rows[0][4] == _rate(ranked[0]["rate"])
    assert rows[-1][:2] == [str(len(ranked)), ranked[-1]["village"]] and rows[-1][4] == _rate(
        ranked[-1]["rate"]
    )
    assert rows[0][7] == "红榜" and rows[-1][7] == "黑榜"
    by_name = {v["village"]: v for v in villages}
    assert all(row[6] == str(by_name[row[1]]["overdue"]) for row in rows)
    body = _document_text(made)
    assert (
        "黑榜（整改率<60%）：" in body and f"{ranked[-1]['village']}（{_rate(ranked[-1]['rate'])}）" in body
    )


def test_the_problems_name_the_newly_overdue_and_the_open_major_items(made, sample):
    con = connect(sample, read_only=True)
    try:
        late = newly_overdue_tickets(con, as_of=LAST_DAY, last_week_end=dt.date(2024, 3, 24))
        major = open_major_or_supervised(con, as_of=LAST_DAY)
        campaign = load_config(ROOT / "data" / "town.toml").campaign
        counted = week_comparison(con, week_no=LAST_WEEK, campaign=campaign)["newly_overdue"].iloc[0]
    finally:
        con.close()
    assert len(late) == counted > 0
    late_rows = _rows(made, 2)
    assert sorted((r[0], r[1], r[2]) for r in late_rows) == sorted(
        zip(late["village"], late["unit"], late["description"], strict=True)
    )
    assert f"（一）本周新增超期未整改隐患{counted}处" in _document_text(made)
    major_rows = _rows(made, 3)
    assert sorted((r[0], r[1], r[2]) for r in major_rows) == sorted(
        zip(major["village"], major["unit"], major["description"], strict=True)
    )
    assert any(r[4] == "是" for r in major_rows)  # the one 挂牌督办 item still open
    assert len(docx.Document(str(made)).inline_shapes) == 2  # both charts


def test_issue_numbers_count_on_and_a_week_made_again_keeps_its_number(sample, tmp_path):
    store = _store_here(tmp_path / "store", sample)
    assert _make(store, tmp_path / "a.docx", "--as-of", "2024-03-20") == 0
    assert _make(store, tmp_path / "b.docx", "--week", "22") == 0
    assert _make(store, tmp_path / "c.docx", "--week", "22") == 0
    assert _make(store, tmp_path / "d.docx", "--week", "20", "--issue-no", "9") == 0
    assert _make(store, tmp_path / "e.docx", "--week", "19") == 0
    numbers = [i.issue_no for i in read_issues(register_path(store))]
    assert numbers == [1, 2, 2, 9, 10]
    assert [docx.Document(str(tmp_path / f"{n}.docx")).paragraphs[2].text for n in "abde"] == [
        "第1期", "第2期", "第9期", "第10期",
    ]  # fmt: skip
    # A week still running: its figures on as_of, compared with the previous Sunday, not as_of − 7 days.
    now, before = _summary(sample, dt.date(2024, 3, 20)), _summary(sample, dt.date(2024, 3, 17))
    body = _document_text(tmp_path / "a.docx")
    assert f"截至2024年3月20日，全镇累计排查火灾隐患{now['found']}处" in body
    points = (now["rate"] - before["rate"]) * 100
    words = (
        "持平" if round(points, 1) == 0 else f"{'提高' if points > 0 else '下降'}{abs(points):.1f}个百分点"
    )
    assert f"较上周（截至3月17日）{words}" in body


def test_bad_arguments_make_nothing(sample, tmp_path, capsys):
    store = _store_here(tmp_path / "store", sample)
    assert _make(store, tmp_path / "x.docx", "--week", "30") == 2
    assert _make(store, tmp_path / "x.docx", "--week", "3", "--as-of", "2024-03-01") == 2
    assert "不能与" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists() and not register_path(store).exists()


def test_a_village_with_nothing_found_shows_a_dash(sample, tmp_path):
    source = (ROOT / "data" / "town.toml").read_text(encoding="utf-8")
    (tmp_path / "town.toml").write_text(
        source.replace('"东河村",', '"东河村", "无隐患村",', 1), encoding="utf-8"
    )
    config = load_config(tmp_path / "town.toml")
    con = connect(sample, read_only=True)
    try:
        data = bulletin_bytes(con, config, week=LAST_WEEK, issue_no=3)
    finally:
        con.close()
    out = tmp_path / "b.docx"
    out.write_bytes(data)
    row = next(r for r in _rows(out, 1) if r[1] == "无隐患村")
    assert row == ["—", "无隐患村", "0", "0", "—", "—", "0", ""]


def test_the_template_script_writes_the_shipped_template():
    assert template_document() == DEFAULT_TEMPLATE.read_bytes()


def test_requirements_are_paragraphs_without_notes():
    assert paragraphs("# note\n（一）a\nb\n\n\n（二）c\n") == ("（一）a b", "（二）c")


@pytest.mark.skipif(not HAS_PDF_TOOLS, reason="LibreOffice or poppler-utils not installed")
def test_the_pdf_has_the_pages_figures_and_embedded_fonts(made, sample):
    pdf = made.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == str(PDF_PAGES)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(words.split())
    p = _summary(sample, LAST_DAY)
    assert "大同镇今冬明春火灾防控工作" in flat and "周通报" in flat
    assert f"累计排查火灾隐患{p['found']}处，已整改{p['rectified']}处，整改率{_rate(p['rate'])}" in flat
    assert f"超期未整改{p['overdue']}处" in flat and "四、下步要求" in flat
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and any("CJK" in r for r in rows) and all(" yes " in r for r in rows)


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("a_folder", "该路径是一个文件夹"),
        ("under_a_file", "路径中的某一级是文件而不是文件夹"),
        ("read_only_folder", "没有写入权限"),
    ],
)
def test_an_out_that_cannot_be_written_says_so_and_takes_no_number(sample, tmp_path, capsys, where, reason):
    if where == "read_only_folder" and os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    store = _store_here(tmp_path / "store", sample)
    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    (tmp_path / "locked").mkdir(mode=0o500)
    out = {
        "a_folder": tmp_path / "store",
        "under_a_file": tmp_path / "plain.txt" / "b.docx",
        "read_only_folder": tmp_path / "locked" / "b.docx",
    }[where]
    assert _make(store, out, "--week", "12") == 2
    err = capsys.readouterr().err
    assert err.strip() == f"无法写入周通报文件：{out}（{reason}）；未生成，也未占用期号"
    assert "模板" not in err
    assert read_issues(register_path(store)) == []
    assert _make(store, tmp_path / "ok.docx", "--week", "12") == 0  # the number was not burnt
    assert [i.issue_no for i in read_issues(register_path(store))] == [1]
