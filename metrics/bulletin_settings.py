"""The [bulletin] table of town.toml: the template, the 下步要求 text and the issuing office (a stable contract)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from firedash.config import PROJECT_ROOT, ConfigError, TownConfig
from firedash.glossary import text

BULLETIN_DIR = PROJECT_ROOT / "data" / "bulletin"
DEFAULT_TEMPLATE = BULLETIN_DIR / "template.docx"
DEFAULT_REQUIREMENTS = BULLETIN_DIR / "requirements.md"


@dataclass(frozen=True)
class BulletinSettings:
    """template: the .docx filled; requirements: the 下步要求 paragraphs; issuer: the office under the title."""

    template: Path
    requirements: tuple[str, ...]
    issuer: str


def paragraphs(source: str) -> tuple[str, ...]:
    """Blank-line separated paragraphs, lines within one joined; lines starting with # are notes, not text."""
    kept = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    blocks = (" ".join(part.strip() for part in block.splitlines()) for block in kept.split("\n\n"))
    return tuple(block.strip() for block in blocks if block.strip())


def bulletin_settings(config: TownConfig) -> BulletinSettings:
    """[bulletin] of the configuration file: template, requirements (text) or requirements_file, issuer.

    Paths are relative to the configuration file; absent keys take the shipped data/bulletin files and
    "<town><campaign>领导小组办公室".
    """
    raw = _table(config)
    base = config.source.parent if config.source else PROJECT_ROOT / "data"
    template = _path(raw, "template", base, DEFAULT_TEMPLATE, config)
    if "requirements" in raw:
        requirements = paragraphs(_text(raw, "requirements", config))
    else:
        file = _path(raw, "requirements_file", base, DEFAULT_REQUIREMENTS, config)
        requirements = paragraphs(file.read_text(encoding="utf-8-sig")) if file.is_file() else ()
    default_issuer = text("bulletin_issuer", town=config.town, campaign=config.campaign.name)
    issuer = _text(raw, "issuer", config) if "issuer" in raw else default_issuer
    return BulletinSettings(template=template, requirements=requirements, issuer=issuer)


def _table(config: TownConfig) -> dict:
    # TownConfig does not carry [bulletin]; it is read here so the bulletin's keys stay in one module.
    if config.source is None or not config.source.is_file():
        return {}
    raw = tomllib.loads(config.source.read_text(encoding="utf-8-sig")).get("bulletin", {})
    if not isinstance(raw, dict):
        raise ConfigError(text("config_section_not_table", file=config.source, section="bulletin"))
    return raw


def _text(raw: dict, key: str, config: TownConfig) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            text("cli_bulletin_bad_settings", file=config.source, key=key, kind=text("config_kind_text"))
        )
    return value.strip()


def _path(raw: dict, key: str, base: Path, default: Path, config: TownConfig) -> Path:
    return base / _text(raw, key, config) if key in raw else default
