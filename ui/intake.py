"""The 数据导入 page's pieces: upload → preview (a dry run of the loader) → fixes → commit, the import ledger
with undo, and the backups with restore; every write is recorded in the audit trail with who did it."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import preview
from etl.intake_cli import backup_entries, import_entries
from etl.load import FileOutcome
from etl.preview import Fixes, Staged
from etl.profiles import STATUS_CODES, Profile, load_profiles, named, profiles_dir
from etl.undo import plan_undo, read_state, restore, undo
from etl.vocabulary import COLUMN_ALIASES
from firedash import audit
from firedash import glossary as T
from firedash.glossary import (
    AUDIT_COLUMN_LABELS,
    INTAKE_FIELD_LABELS,
    REPORT_DATE_SOURCE_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    label,
    text,
)
from firedash.users import User
from ui import auth, data

MARKS = {"loaded": T.MARK_LOADED, "loaded_with_warnings": T.MARK_WARNED, "unchanged": "=", "refused": "✗"}
WORD_LABELS = {**STATUS_LABELS, "closed": STATE_LABELS["closed"]}
_KEY = "intake"  # session-state prefix of this page


class _Staging:
    """A session's private upload folder, removed when the session's state is dropped (a closed tab)."""

    def __init__(self) -> None:
        self.path = preview.new_staging_dir()
        self._cleanup = weakref.finalize(self, preview.discard, self.path)

    def close(self) -> None:
        self._cleanup()


@dataclass
class Preview:
    """The files of the current upload, their dry-run outcomes and the clerk's fixes by file name."""

    staged: list[Staged]
    outcomes: list[FileOutcome]
    fixes: dict[str, Fixes]


def field_label(name: str | None) -> str:
    if name is None:
        return text("intake_unused")
    return INTAKE_FIELD_LABELS.get(name) or label(name)


def _staging() -> _Staging:
    holder = st.session_state.get(f"{_KEY}_staging")
    if holder is None or not holder.path.is_dir():
        holder = st.session_state[f"{_KEY}_staging"] = _Staging()
    return holder


def uploader_key() -> str:
    """The uploader's key: a new one after a commit empties it."""
    return f"{_KEY}_files_{st.session_state.get(f'{_KEY}_round', 0)}"


def receive(uploads: Sequence[tuple[str, bytes]]) -> Preview | None:
    """Stage and preview a new set of uploads (once per set); the current preview, None without files."""
    if not uploads:
        st.session_state.pop(f"{_KEY}_preview", None)
        return None
    signature = tuple((name, len(content), hash(content)) for name, content in uploads)
    current = st.session_state.get(f"{_KEY}_preview")
    if current is None or st.session_state.get(f"{_KEY}_signature") != signature:
        staged = preview.stage(_staging().path, uploads)
        current = Preview(staged, run_preview(staged, {}), {})
        st.session_state[f"{_KEY}_preview"], st.session_state[f"{_KEY}_signature"] = current, signature
    return current


def run_preview(staged: Sequence[Staged], fixes: dict[str, Fixes], outcomes: Sequence[FileOutcome] = ()) -> list[FileOutcome]:  # fmt: skip
    config = data.config()
    drafts = drafts_for(staged, outcomes, fixes) if outcomes else []
    with st.spinner(text("intake_previewing")):
        return preview.preview(staged, db=data.store_file(), config=config, drafts=drafts,
                               scratch=_staging().path / "profiles")  # fmt: skip


def drafts_for(staged: Sequence[Staged], outcomes: Sequence[FileOutcome], fixes: dict[str, Fixes]) -> list[Profile]:  # fmt: skip
    """The profiles the fixes make, one per fixed file (its own profile widened when it had one)."""
    config = data.config()
    known = load_profiles(profiles_dir(config))
    drafts = []
    for item, outcome in zip(staged, outcomes, strict=True):
        chosen = fixes.get(item.name)
        if chosen:
            base = named(known, outcome.profile) if outcome.profile else None
            name = preview.profile_name(item.name, config.villages)
            drafts.append(preview.draft_profile(outcome, chosen, name=name, base=base))
    return drafts


def headline(item: Staged, outcome: FileOutcome) -> str:
    """One line: the mark, the file, and the reason (refused, unchanged) or the counts."""
    mark = MARKS[outcome.outcome]
    if outcome.outcome in ("refused", "unchanged"):
        return text("intake_headline_reason", mark=mark, file=item.name, reason=outcome.reason)
    return text("intake_headline", mark=mark, file=item.name, read=outcome.rows_read, new=outcome.rows_new,
                updated=outcome.rows_updated, unchanged=outcome.rows_unchanged, aside=outcome.rows_rejected,
                report_date=outcome.report_date)  # fmt: skip


def columns_frame(outcome: FileOutcome) -> pd.DataFrame:
    """Every header cell of every sheet: the sheet, the header as written, the field it was read as."""
    rows = [
        {"sheet": sheet, "column": use.name, "field": field_label(use.field)}
        for sheet, uses in outcome.columns.items()
        for use in uses
    ]
    frame = pd.DataFrame(rows, columns=["sheet", "column", "field"])
    return frame.rename(columns=label)


def sample_frame(outcome: FileOutcome) -> pd.DataFrame:
    """The first rows as the loader read them, labelled (dates and codes as text)."""
    sample = outcome.sample if outcome.sample is not None else pd.DataFrame()
    shown = sample.astype(object).where(sample.notna(), None)
    if "status" in shown:
        shown["status"] = shown["status"].map(lambda code: STATUS_LABELS.get(code, code))
    return shown.rename(columns=label)


def kept_aside_frame(outcome: FileOutcome) -> pd.DataFrame:
    rows = [
        {"sheet": r.sheet, "row_number": r.row_number, "village": r.village, "reason": r.reason}
        for r in outcome.rejected
    ]
    frame = pd.DataFrame(rows, columns=["sheet", "row_number", "village", "reason"])
    return frame.rename(columns=label)


def show_file(index: int, item: Staged, outcome: FileOutcome) -> None:
    """One file's preview: its line, counts, columns, warnings, sample rows and rows kept aside."""
    st.text(headline(item, outcome))
    if outcome.outcome in ("refused", "unchanged"):
        return
    with st.expander(text("intake_details"), expanded=bool(outcome.warnings)):
        for warning in outcome.warnings:
            st.text(f"{T.MARK_WARNED} {warning.message}")
        source = REPORT_DATE_SOURCE_LABELS.get(outcome.report_date_source or "", "")
        st.caption(text("intake_columns_read", report_date=outcome.report_date, source=source))
        st.dataframe(columns_frame(outcome), hide_index=True, key=f"{_KEY}_columns_{index}")
        st.caption(text("intake_sample"))
        st.dataframe(sample_frame(outcome), hide_index=True, key=f"{_KEY}_sample_{index}")
        if outcome.rejected:
            st.caption(text("intake_kept_aside", count=outcome.rows_rejected))
            st.dataframe(kept_aside_frame(outcome), hide_index=True, key=f"{_KEY}_aside_{index}")
        fix_form(index, outcome)


def unknown_status_words(outcome: FileOutcome) -> list[str]:
    found = [w.word for w in outcome.warnings if w.code == "unknown_word" and w.field == "status" and w.word]
    return list(dict.fromkeys(found))


def unused_headers(outcome: FileOutcome) -> list[str]:
    return list(dict.fromkeys(u.header for uses in outcome.columns.values() for u in uses if u.header and u.field is None))  # fmt: skip


def all_headers(outcome: FileOutcome) -> list[str]:
    return list(dict.fromkeys(u.header for uses in outcome.columns.values() for u in uses if u.header))


def fix_form(index: int, outcome: FileOutcome) -> None:
    """Choices for the columns not placed, the words not understood and the village column."""
    unused, words = unused_headers(outcome), unknown_status_words(outcome)
    st.caption(text("intake_fix_hint"))
    for header in unused:
        st.selectbox(text("intake_fix_column", header=header), [None, *COLUMN_ALIASES],
                     format_func=field_label, key=f"{_KEY}_col:{index}:{header}", placeholder=field_label(None))  # fmt: skip
    for word in words:
        st.selectbox(text("intake_fix_word", word=word), [None, *STATUS_CODES],
                     format_func=lambda c: text("intake_unknown") if c is None else WORD_LABELS[c],
                     key=f"{_KEY}_word:{index}:{word}", placeholder=text("intake_unknown"))  # fmt: skip
    st.selectbox(text("intake_fix_village"), [None, *all_headers(outcome)],
                 format_func=lambda h: text("intake_as_read") if h is None else h,
                 key=f"{_KEY}_village:{index}", placeholder=text("intake_as_read"))  # fmt: skip


def chosen_fixes(current: Preview) -> dict[str, Fixes]:
    """The fixes chosen in the widgets of every file (kept from earlier rounds where nothing is chosen)."""
    fixes = dict(current.fixes)
    for index, (item, outcome) in enumerate(zip(current.staged, current.outcomes, strict=True)):
        state = st.session_state
        columns = {h: state[k] for h in unused_headers(outcome) if (k := f"{_KEY}_col:{index}:{h}") in state and state[k]}  # fmt: skip
        words = {w: state[k] for w in unknown_status_words(outcome) if (k := f"{_KEY}_word:{index}:{w}") in state and state[k]}  # fmt: skip
        village = state.get(f"{_KEY}_village:{index}")
        before = fixes.get(item.name, Fixes())
        merged = Fixes({**before.columns, **columns}, village or before.village_column, {**before.status_words, **words})  # fmt: skip
        if merged:
            fixes[item.name] = merged
    return fixes


def preview_again(current: Preview) -> None:
    current.fixes = chosen_fixes(current)
    current.outcomes = run_preview(current.staged, current.fixes, current.outcomes)


def choosable(outcome: FileOutcome) -> bool:
    return outcome.outcome not in ("refused", "unchanged")


def chosen_files(current: Preview) -> list[int]:
    """The files ticked for the commit (a refused or unchanged file cannot be)."""
    return [
        i
        for i, outcome in enumerate(current.outcomes)
        if choosable(outcome) and st.session_state.get(f"{_KEY}_pick:{i}", True)
    ]


def commit(current: Preview, indices: Sequence[int], user: User) -> list[tuple[Staged, FileOutcome]]:
    """Load the chosen files (saving their fixes as profiles), with a progress bar; record each import."""
    staged = [current.staged[i] for i in indices]
    outcomes = [current.outcomes[i] for i in indices]
    bar = st.progress(0.0, text=text("intake_committing", done=0, total=len(staged)))
    done: list[Path] = []

    def progress(path: Path, step: str) -> None:
        if step == T.STEP_DONE:
            done.append(path)
            bar.progress(len(done) / len(staged), text=text("intake_committing", done=len(done), total=len(staged)))  # fmt: skip

    drafts = drafts_for(staged, outcomes, {s.name: current.fixes[s.name] for s in staged if s.name in current.fixes})  # fmt: skip
    store = data.store_file()
    results = preview.commit(staged, db=store, config=data.config(), drafts=drafts, progress=progress)
    record_imports(store, list(zip(staged, results, strict=True)), user)
    data.clear()  # the store's signature changed anyway; this frees the old results at once
    return list(zip(staged, results, strict=True))


def record_imports(store: Path, results: Sequence[tuple[Staged, FileOutcome]], user: User) -> None:
    """One audit line per loaded file: who, from where, the file, its sha256, the import id and counts."""
    ids = {i.sha256: i.id for i in read_state(store).imports}
    address = auth.client_address()
    for item, outcome in results:
        if outcome.outcome in ("refused", "unchanged"):
            continue
        counts = {k: outcome.as_dict()[k] for k in ("rows_read", "rows_new", "rows_updated", "rows_unchanged", "rows_kept_aside")}  # fmt: skip
        detail = text("intake_audit_import", file=item.name, new=outcome.rows_new, updated=outcome.rows_updated,
                      aside=outcome.rows_rejected)  # fmt: skip
        payload = {"file": item.name, "sha256": item.sha256, "import_id": ids.get(item.sha256), **counts}
        audit.record("import", detail, who=user.name, address=address, data=payload)


def finish_round() -> None:
    """After a commit: the staged files go, the uploader starts empty."""
    holder = st.session_state.pop(f"{_KEY}_staging", None)
    if holder is not None:
        holder.close()
    for key in (f"{_KEY}_preview", f"{_KEY}_signature"):
        st.session_state.pop(key, None)
    st.session_state[f"{_KEY}_round"] = st.session_state.get(f"{_KEY}_round", 0) + 1


def import_log(store: Path) -> pd.DataFrame:
    """Every import (undone ones too) with who loaded it, from the audit trail (by import id, else sha256)."""
    entries = import_entries(read_state(store))
    by_id, by_sha = {}, {}
    for _, row in audit.read(action="import").iterrows():
        payload = row["data"] or {}
        by_id[payload.get("import_id")] = row["who"]
        by_sha[payload.get("sha256")] = row["who"]
    for entry in entries:
        entry["who"] = by_id.get(entry["id"]) or by_sha.get(entry["sha256"]) or text("intake_command_line")
    names = {"id": "import_id", "file": "file_name", "loaded_at": "imported_at"}
    frame = pd.DataFrame(entries).rename(columns=names)
    columns = ["import_id", "who", "imported_at", "file_name", "sha256", "rows_read", "rows_new", "rows_updated",
               "rows_unchanged", "rows_rejected", "undone_at"]  # fmt: skip
    return frame.reindex(columns=columns)


def undoable(log: pd.DataFrame) -> list[int]:
    return [int(i) for i in log.loc[log["undone_at"].isna(), "import_id"]]


def file_names(log: pd.DataFrame) -> dict[int, str]:
    return {int(i): str(f) for i, f in zip(log["import_id"], log["file_name"], strict=True)}


def import_log_frame(log: pd.DataFrame) -> pd.DataFrame:
    shown = log.copy()
    shown["imported_at"] = shown["imported_at"].str[:19].str.replace("T", " ")
    shown["undone_at"] = shown["undone_at"].fillna("").str[:16].str.replace("T", " ")
    return shown.rename(columns=lambda c: AUDIT_COLUMN_LABELS["who"] if c == "who" else label(c))


def undo_question(store: Path, import_id: int) -> str:
    """What an undo will change: the file, the files replayed, the import's counts, the tickets now."""
    plan = plan_undo(store, import_id)
    target = plan.target
    return text("intake_undo_question", question=T.UNDO_QUESTION.format(id=target.id, file=target.file_name,
                replayed=len(plan.replay)), new=target.rows_new, updated=target.rows_updated,
                tickets=plan.tickets_before)  # fmt: skip


def do_undo(store: Path, import_id: int, user: User) -> str:
    result = undo(store, import_id, config=data.config())
    plan = result.plan
    base = T.UNDO_BASE_BACKUP.format(backup=plan.base.id) if plan.base else T.UNDO_BASE_EMPTY
    message = T.UNDO_DONE.format(id=plan.target.id, file=plan.target.file_name, base=base,
                                 replayed=len(plan.replay), before=plan.tickets_before, after=result.tickets_after,
                                 backup=result.backup.id if result.backup else "—")  # fmt: skip
    payload = {"import_id": import_id, "file": plan.target.file_name, "sha256": plan.target.sha256,
               "tickets_before": plan.tickets_before, "tickets_after": result.tickets_after}  # fmt: skip
    audit.record("undo", message, who=user.name, address=auth.client_address(), data=payload)
    data.clear()
    return message


def restore_question(entry: dict) -> str:
    return T.RESTORE_QUESTION.format(id=entry["id"], imports=entry["imports"], tickets=entry["tickets"])


def do_restore(store: Path, backup_id: str, user: User) -> str:
    before, after, taken = restore(store, backup_id, config=data.config())
    message = T.RESTORE_DONE.format(
        id=backup_id, before=before, after=after, backup=taken.id if taken else "—"
    )
    payload = {"backup_id": backup_id, "tickets_before": before, "tickets_after": after}
    audit.record("restore", message, who=user.name, address=auth.client_address(), data=payload)
    data.clear()
    return message


def backups_frame(store: Path) -> tuple[list[dict], pd.DataFrame]:
    entries = backup_entries(store)
    rows = [{"backup_id": e["id"], "created_at": e["created_at"].replace("T", " "),
             "reason": T.BACKUP_REASONS[e["reason"]], "imports": e["imports"], "tickets": e["tickets"],
             "last_file": e["last_file"]} for e in entries]  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["backup_id", "created_at", "reason", "imports", "tickets", "last_file"]
    )
    return entries, frame.rename(columns=label)
