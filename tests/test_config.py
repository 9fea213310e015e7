"""The town configuration: the default file, overrides, and malformed files refused by file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from firedash.config import OTHER, ConfigError, db_path, load_config

ROOT = Path(__file__).resolve().parent.parent
VALID = """
town = "小河镇"
villages = ["甲村", "乙社区"]
future_key = "ignored"
[campaign]
name = "冬春行动"
start = 2024-11-01
end = 2025-03-31
[[campaign.phases]]
name = "实施"
start = 2024-11-01
end = 2025-03-31
"""


def test_default_file_describes_the_notice(config):
    campaign = config.campaign
    assert config.town == "大同镇" and 12 <= len(config.villages) <= 20
    assert (campaign.start, campaign.end) == (dt.date(2023, 11, 1), dt.date(2024, 3, 31))
    assert [(p.name, p.start, p.end) for p in campaign.phases] == [
        ("部署发动", dt.date(2023, 11, 1), dt.date(2023, 12, 5)),
        ("组织实施", dt.date(2023, 12, 6), dt.date(2024, 3, 25)),
        ("总结提升", dt.date(2024, 3, 26), dt.date(2024, 3, 31)),
    ]
    assert [p.name for p in campaign.key_periods] == ["元旦", "春节", "元宵节", "全国两会"]
    assert campaign.phase_on(dt.date(2024, 2, 10)).name == "组织实施"


def test_weeks_count_from_the_week_holding_the_start(config):
    campaign = config.campaign
    assert campaign.week_start() == dt.date(2023, 10, 30)  # 2023-11-01 is a Wednesday
    assert campaign.week_number(dt.date(2023, 11, 5)) == 1
    assert campaign.week_number(dt.date(2023, 11, 6)) == 2
    assert config.default_as_of(dt.date(2026, 11, 29)) == dt.date(2024, 3, 31)
    assert config.default_as_of(dt.date(2024, 1, 15)) == dt.date(2024, 1, 15)
    assert config.default_as_of(dt.date(2023, 10, 1)) == dt.date(2023, 11, 1)  # before the start: day one


def test_another_town_with_defaults_and_env_override(tmp_path, monkeypatch):
    path = tmp_path / "town.toml"
    path.write_text(VALID, encoding="utf-8")
    monkeypatch.setenv("FIREDASH_CONFIG", str(path))
    monkeypatch.setenv("FIREDASH_DB", str(tmp_path / "x.duckdb"))
    config = load_config()
    assert config.town == "小河镇" and config.villages == ("甲村", "乙社区")
    assert "餐饮企业" in config.sectors and config.sectors[-1] == OTHER
    assert config.offices[0] == "应急办" and config.campaign.key_periods == ()
    assert db_path() == tmp_path / "x.duckdb"
    assert db_path("given.duckdb") == Path("given.duckdb")


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda s: s.replace('town = "小河镇"\n', ""), "town"),
        (
            lambda s: s.replace("start = 2024-11-01\nend = 2025-03-31\n[[", "start = 2024-11-01\n[["),
            "campaign.end",
        ),
        (lambda s: s.replace("end = 2025-03-31\n[[", 'end = "三月底"\n[['), "campaign.end"),
        (lambda s: s.replace('villages = ["甲村", "乙社区"]', "villages = []"), "villages"),
        (lambda s: s.split("[[campaign.phases]]")[0], "campaign.phases"),
        (lambda s: s.replace('name = "实施"\n', ""), "campaign.phases[0].name"),
        (lambda s: s + "[dashboard]\nred_list_rate = 90\n", "dashboard.red_list_rate"),
    ],
)
def test_malformed_file_names_the_file_and_the_key(tmp_path, edit, key):
    path = tmp_path / "bad.toml"
    path.write_text(edit(VALID), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value) and key in str(error.value)


def test_unparseable_and_missing_files(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("town = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式错误"):
        load_config(broken)
    with pytest.raises(ConfigError, match="不存在"):
        load_config(tmp_path / "missing.toml")


def test_access_defaults_open_the_sample_on_this_machine_only(config, tmp_path):
    assert (config.access.public_view, config.access.session_minutes) == (True, 30)
    assert config.access.listen_address == "127.0.0.1"
    path = tmp_path / "town.toml"
    path.write_text(
        VALID + '[access]\npublic_view = false\nsession_minutes = 5\nlisten_address = " 0.0.0.0 "\n',
        encoding="utf-8",
    )
    access = load_config(path).access
    assert (access.public_view, access.session_minutes, access.listen_address) == (False, 5, "0.0.0.0")


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('public_view = "no"', "access.public_view"),
        ("public_view = 0", "access.public_view"),
        ("session_minutes = 0", "access.session_minutes"),
        ("session_minutes = true", "access.session_minutes"),
        ("session_minutes = 2.5", "access.session_minutes"),
        ('listen_address = ""', "access.listen_address"),
    ],
)
def test_malformed_access_names_the_key(tmp_path, section, key):
    path = tmp_path / "bad.toml"
    path.write_text(VALID + f"[access]\n{section}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value) and key in str(error.value)
