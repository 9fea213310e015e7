"""`python -m metrics summary`: run as a subprocess against the hand-computed town of test_metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from firedash.store import connect
from tests.test_metrics import build_town

ROOT = Path(__file__).resolve().parent.parent
TOWN_TOML = ROOT / "data" / "town.toml"

OTHER_TOWN = """
town = "小河镇"
villages = ["南坪村", "东河村", "无票村"]
sectors = ["宾馆", "商场"]
[campaign]
name = "冬春行动"
start = 2023-12-01
end = 2024-01-10
[[campaign.phases]]
name = "全程"
start = 2023-12-01
end = 2024-01-10
"""


@pytest.fixture(scope="module")
def town_db(tmp_path_factory) -> Path:
    return build_town(tmp_path_factory.mktemp("cli") / "town.duckdb")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("FIREDASH_DB", "FIREDASH_CONFIG")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )  # fmt: skip


def summary_json(db: Path, *args: str) -> dict:
    result = run_cli("summary", "--json", "--db", str(db), "--config", str(TOWN_TOML), *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_summary_json_exact_values(town_db):
    data = summary_json(town_db, "--as-of", "2024-01-15")
    assert data["as_of"] == "2024-01-15"
    expected = {"found": 14, "rectified": 5, "open": 9, "overdue": 4, "closed": 2, "rejected_rows": 2}
    assert {k: data[k] for k in expected} == expected
    assert data["rate"] == pytest.approx(5 / 14)
    assert data["on_time_rate"] == pytest.approx(4 / 9)
    assert (data["major_found"], data["major_open"], data["supervised_open"]) == (2, 1, 1)


def test_summary_json_lists_every_configured_village_and_sector_in_order(town_db, config):
    data = summary_json(town_db, "--as-of", "2024-01-15")
    assert [v["village"] for v in data["by_village"]] == list(config.villages)
    assert [s["sector"] for s in data["by_sector"]] == list(config.sectors)
    villages = {v["village"]: v for v in data["by_village"]}
    assert villages["东河村"] == {
        "village": "东河村", "found": 6, "rectified": 3, "rate": 0.5, "overdue": 2, "open": 3, "closed": 1,
    }  # fmt: skip
    assert villages["西岭村"]["rate"] == 0.0
    assert villages["北山村"]["found"] == 0 and villages["北山村"]["rate"] is None
    assert sum(v["found"] for v in data["by_village"]) == data["found"]
    assert sum(s["overdue"] for s in data["by_sector"]) == data["overdue"]
    sectors = {s["sector"]: s for s in data["by_sector"]}
    assert (sectors["商场"]["found"], sectors["商场"]["rectified"]) == (5, 2)


def test_summary_json_with_nothing_found_gives_null_rate(town_db):
    data = summary_json(town_db, "--as-of", "2023-11-05")
    assert data["found"] == 0 and data["rate"] is None and data["on_time_rate"] is None


def test_summary_as_of_defaults_to_today_clipped_to_the_campaign_end(town_db, config):
    data = summary_json(town_db)
    assert data["as_of"] == config.default_as_of().isoformat()
    if config.default_as_of() >= config.campaign.end:
        # By 2024-03-31 every ticket is found, T14 rectified and T15 struck off.
        assert (data["found"], data["rectified"], data["closed"]) == (15, 6, 3)


def test_summary_reads_db_and_config_from_the_environment(town_db, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(OTHER_TOWN, encoding="utf-8")
    result = run_cli("summary", "--json", env={"FIREDASH_DB": str(town_db), "FIREDASH_CONFIG": str(other)})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["town"] == "小河镇" and data["as_of"] == "2024-01-10"  # clipped to this campaign's end
    assert [v["village"] for v in data["by_village"]][:3] == ["南坪村", "东河村", "无票村"]
    # 西岭村 is not in this town's list, yet its tickets still count: listed after the configured ones.
    assert [v["village"] for v in data["by_village"]][3:] == ["西岭村"]
    assert [s["sector"] for s in data["by_sector"]][:3] == ["宾馆", "商场", "其他"]


def test_summary_text_table(town_db):
    result = run_cli("summary", "--db", str(town_db), "--config", str(TOWN_TOML), "--as-of", "2024-01-15")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "统计截至 2024-01-15（第12周，组织实施阶段）" in out
    assert "排查隐患 14 处，已整改 5 处，整改率 35.7%" in out
    assert "超期未整改 4 处" in out
    assert "按期整改率 44.4%" in out and "暂存待修正 2 行" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["东河村"] == ["东河村", "6", "3", "50.0%", "2"]
    assert lines["北山村"] == ["北山村", "0", "0", "—", "0"]


def test_summary_text_with_nothing_found_shows_a_dash(town_db):
    result = run_cli("summary", "--db", str(town_db), "--config", str(TOWN_TOML), "--as-of", "2023-11-05")
    assert "排查隐患 0 处，已整改 0 处，整改率 —" in result.stdout
    assert "0.0%" not in result.stdout


def test_summary_opens_the_store_read_only(town_db):
    # A read-write open would wait for this connection's lock and fail; a read-only one shares it.
    holder = connect(town_db, read_only=True)
    try:
        assert summary_json(town_db, "--as-of", "2024-01-15")["found"] == 14
    finally:
        holder.close()


def assert_one_line_error(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr


def test_missing_db_is_reported_and_not_created(tmp_path):
    missing = tmp_path / "nope" / "campaign.duckdb"
    result = run_cli("summary", "--json", "--db", str(missing), "--config", str(TOWN_TOML))
    assert_one_line_error(result, "数据库不存在")
    assert str(missing) in result.stderr
    assert not missing.exists() and not missing.parent.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--as-of", "2024-13-01"], "日期格式不对：2024-13-01"),
        (["--as-of", "2024/01/15"], "日期格式不对"),
        (["--as-of"], "参数 --as-of 后面缺少取值"),
        (["--bogus"], "无法识别的参数：--bogus"),
    ],
)
def test_bad_arguments(town_db, args, words):
    result = run_cli("summary", "--db", str(town_db), "--config", str(TOWN_TOML), *args)
    assert_one_line_error(result, words)


def test_unknown_command():
    assert_one_line_error(run_cli("sumary"), "未知的子命令")


def test_bad_config(town_db, tmp_path):
    broken = tmp_path / "town.toml"
    broken.write_text("town = \n", encoding="utf-8")
    result = run_cli("summary", "--db", str(town_db), "--config", str(broken))
    assert_one_line_error(result, "格式错误")
    missing = run_cli("summary", "--db", str(town_db), "--config", str(tmp_path / "none.toml"))
    assert_one_line_error(missing, "配置文件不存在")


def test_a_file_that_is_not_a_store(tmp_path):
    fake = tmp_path / "fake.duckdb"
    fake.write_text("不是数据库", encoding="utf-8")
    result = run_cli("summary", "--db", str(fake), "--config", str(TOWN_TOML))
    assert_one_line_error(result, "无法打开数据库")
