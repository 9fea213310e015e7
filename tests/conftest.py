"""Fixtures shared by every test module: the default town configuration, throwaway stores, and the browser
tests' app, Chromium and page (tests/browser_app.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from firedash.config import TownConfig, load_config
from firedash.store import connect
from tests.browser_app import browser, page, sample_app_url  # noqa: F401  (the browser tests' fixtures)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def config() -> TownConfig:
    return load_config(ROOT / "data" / "town.toml")


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """Path of an empty, schema-initialised store in tmp."""
    path = tmp_path / "store.duckdb"
    connect(path).close()
    return path
