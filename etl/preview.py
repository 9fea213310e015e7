"""The upload page's work without Streamlit: uploaded bytes staged in a private folder, previewed by the same
loader in a dry run, the clerk's fixes turned into a mapping profile, and the chosen files committed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from etl.flags import ColumnUse
from etl.load import FileOutcome, Progress, load_files
from etl.profiles import Profile, load_profiles, profiles_dir
from firedash.config import TownConfig
from firedash.glossary import PROFILE_SAVED_COMMENT

UPLOAD_SUFFIXES = ("xlsx", "xls", "csv")
STAGING_PREFIX = "firedash-upload-"
STALE_SECONDS = 24 * 3600  # a staging folder a closed tab left behind is removed after a day
_UNSAFE = re.compile(
    r"[^\w\-()\uff08\uff09]+"
)  # a profile's name: \w covers Chinese; everything else becomes _
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Staged:
    """One uploaded file in the staging folder, under its own (sanitised) name, with its content's sha256."""

    name: str
    path: Path
    sha256: str


@dataclass
class Fixes:
    """What the clerk chose for one file: header → field, the village column, status word → code."""

    columns: dict[str, str] = field(default_factory=dict)
    village_column: str | None = None
    status_words: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.columns or self.village_column or self.status_words)


def new_staging_dir() -> Path:
    """A private folder (mode 700) for one browser session's uploads; stale ones of closed tabs go first."""
    sweep_stale()
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))


def sweep_stale(root: Path | None = None, *, max_age: float = STALE_SECONDS) -> list[Path]:
    """Remove staging folders older than max_age (a tab closed mid-preview never says so)."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(STAGING_PREFIX + "*"):
        try:
            old = time.time() - folder.stat().st_mtime > max_age
        except OSError:
            continue
        if old and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def upload_name(name: str) -> str:
    """An uploaded file's name without any folder part or control character, otherwise as the clerk had it:
    the loader knows a file's weekly sends by its name (etl.source), so it must stay what the CLI would see."""
    base = _CONTROL.sub("", Path(name.replace("\\", "/")).name).strip().lstrip(".")
    return base or "ledger"


def safe_name(name: str, default: str = "profile") -> str:
    """A profile's file stem: no folder part, only letters, digits, - _ and brackets."""
    base = Path(name.replace("\\", "/")).name
    return _UNSAFE.sub("_", base).strip("_")[:80] or default


def stage(folder: Path, uploads: Sequence[tuple[str, bytes]]) -> list[Staged]:
    """Write the uploads into the staging folder (replacing what it held), each under a distinct safe name."""
    files = folder / "files"
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir(parents=True)
    staged = []
    for name, content in uploads:
        path = _free_path(files, upload_name(name))
        path.write_bytes(content)
        staged.append(Staged(path.name, path, hashlib.sha256(content).hexdigest()))
    return staged


def _free_path(folder: Path, name: str) -> Path:
    path, n = folder / name, 1
    while path.exists():
        n += 1
        stem, dot, suffix = name.rpartition(".")
        path = folder / (f"{stem}_{n}.{suffix}" if dot else f"{name}_{n}")
    return path


def preview(
    staged: Sequence[Staged], *, db: Path, config: TownConfig, drafts: Iterable[Profile] = (), scratch: Path
) -> list[FileOutcome]:
    """The loader's dry run of the files in order (the store untouched), with the draft profiles in force."""
    trial = with_profiles(config, drafts, scratch)
    return load_files([s.path for s in staged], db=db, config=trial, dry_run=True)


def commit(
    staged: Sequence[Staged],
    *,
    db: Path,
    config: TownConfig,
    drafts: Iterable[Profile] = (),
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Save the draft profiles in the profiles folder, then load the files for real (etl.load_files)."""
    for draft in drafts:
        write_profile(profiles_dir(config), draft)
    return load_files([s.path for s in staged], db=db, config=config, progress=progress)


def with_profiles(config: TownConfig, drafts: Iterable[Profile], scratch: Path) -> TownConfig:
    """The config with a scratch profiles folder: the town's profiles, the drafts over them (same name wins)."""
    drafts = list(drafts)
    if not drafts:
        return config
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for existing in load_profiles(profiles_dir(config)):
        write_profile(scratch, existing)
    for draft in drafts:
        write_profile(scratch, draft)
    return replace(config, intake=replace(config.intake, profiles_dir=scratch))


def profile_name(file_name: str, villages: Sequence[str]) -> str:
    """A profile's file stem: the village the file name names, else the file's stem, sanitised."""
    village = next((v for v in sorted(villages, key=len, reverse=True) if v in file_name), None)
    return safe_name(village or Path(upload_name(file_name)).stem)


def draft_profile(outcome: FileOutcome, fixes: Fixes, *, name: str, base: Profile | None = None) -> Profile:
    """The profile the fixes make: matched by the sheet's distinctive headers, or the file's own profile
    (base) widened by the fixes when it was read with one."""
    if base is not None:
        return Profile(
            base.name, base.match, {**base.columns, **fixes.columns},
            fixes.village_column or base.village_column, {**base.status_words, **fixes.status_words},
        )  # fmt: skip
    return Profile(name, distinctive_headers(outcome, fixes), dict(fixes.columns), fixes.village_column,
                   dict(fixes.status_words))  # fmt: skip


def distinctive_headers(outcome: FileOutcome, fixes: Fixes) -> tuple[str, ...]:
    """The headers that tell this shape apart: the sheet's columns the vocabulary did not place, and the
    fixed ones; a sheet whose every column was placed is known by all its headers."""
    fixed = set(fixes.columns) | ({fixes.village_column} if fixes.village_column else set())
    uses = _sheet_of(outcome, fixed)
    named = [u for u in uses if u.header]
    chosen = [u.header for u in named if u.field is None or u.header in fixed]
    return tuple(dict.fromkeys(chosen or [u.header for u in named]))


def _sheet_of(outcome: FileOutcome, headers: set[str]) -> list[ColumnUse]:
    """The first sheet holding all these headers (else the first sheet)."""
    sheets = list(outcome.columns.values())
    for uses in sheets:
        if headers <= {u.header for u in uses}:
            return uses
    return sheets[0] if sheets else []


def write_profile(folder: Path, profile: Profile) -> Path:
    """Write the profile as folder/NAME.toml (atomically); the name is sanitised, never a path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_name(profile.name)}.toml"
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(profile_toml(profile), encoding="utf-8")
    os.replace(temporary, path)
    return path


def profile_toml(profile: Profile) -> str:
    """The profile in the contract's TOML (JSON strings are valid TOML basic strings)."""
    lines = [f"# {PROFILE_SAVED_COMMENT}", f"match = [{', '.join(_quote(m) for m in profile.match)}]"]
    if profile.village_column:
        lines.append(f"village_column = {_quote(profile.village_column)}")
    lines += ["", "[columns]", *(f"{_quote(h)} = {_quote(f)}" for h, f in profile.columns.items())]
    lines += ["", "[words.status]", *(f"{_quote(w)} = {_quote(c)}" for w, c in profile.status_words.items())]
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
