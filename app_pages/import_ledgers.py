"""数据导入 (应急办 only): upload ledgers, preview them (the loader's dry run), fix what was not read, commit;
the imports with undo, and the backups with restore. The work is ui.intake's; this lays it out."""

from __future__ import annotations

import streamlit as st

from etl.preview import UPLOAD_SUFFIXES
from etl.undo import IntakeError
from firedash.access import Role
from firedash.glossary import text
from firedash.users import User
from ui import auth, data, intake
from ui.layout import page_title

_CONFIRM = "intake_confirm"  # ("undo", import id) or ("restore", backup id) awaiting its confirmation


def upload_step(user: User) -> None:
    files = st.file_uploader(text("intake_upload"), type=list(UPLOAD_SUFFIXES), accept_multiple_files=True,
                             key=intake.uploader_key(), help=text("intake_upload_help"))  # fmt: skip
    current = intake.receive([(f.name, f.getvalue()) for f in files or []])
    if current is None:
        return
    for index, (item, outcome) in enumerate(zip(current.staged, current.outcomes, strict=True)):
        with st.container(border=True):
            intake.show_file(index, item, outcome)
            st.checkbox(text("intake_pick"), value=intake.choosable(outcome), disabled=not intake.choosable(outcome),
                        key=f"intake_pick:{index}")  # fmt: skip
    left, right = st.columns(2)
    if left.button(text("intake_preview_again"), key="intake_repreview"):
        intake.preview_again(current)
        st.rerun()
    chosen = intake.chosen_files(current)
    if right.button(text("intake_commit", count=len(chosen)), key="intake_commit", type="primary",
                    disabled=not chosen):  # fmt: skip
        results = intake.commit(current, chosen, user)
        st.session_state["intake_results"] = [intake.headline(item, outcome) for item, outcome in results]
        intake.finish_round()
        st.rerun()


def results_step() -> None:
    lines = st.session_state.pop("intake_results", None)
    if lines:
        st.success(text("intake_committed", count=len(lines)))
        for line in lines:
            st.text(line)


def import_log_step(user: User) -> None:
    st.subheader(text("imports"), anchor=False)
    store = data.store_file()
    log = intake.import_log(store)
    if log.empty:
        st.info(text("intake_no_imports"))
        return
    st.dataframe(intake.import_log_frame(log), hide_index=True, key="intake_log_table")
    open_ids = intake.undoable(log)
    files = intake.file_names(log)
    left, right = st.columns([3, 1])
    chosen = left.selectbox(text("intake_undo_pick"), open_ids, index=None, key="intake_undo_id", placeholder=text("choose_placeholder"),
                            format_func=lambda i: f"#{i} {files[i]}")  # fmt: skip
    if right.button(text("intake_undo"), key="intake_undo", disabled=chosen is None):
        st.session_state[_CONFIRM] = ("undo", chosen)
    confirm_step(user, "undo", lambda target: intake.undo_question(store, target),
                 lambda target: intake.do_undo(store, target, user))  # fmt: skip


def backups_step(user: User) -> None:
    st.subheader(text("intake_backups"), anchor=False)
    store = data.store_file()
    entries, shown = intake.backups_frame(store)
    if not entries:
        st.info(text("intake_no_backups"))
        return
    st.dataframe(shown, hide_index=True, key="intake_backups_table")
    by_id = {e["id"]: e for e in entries}
    left, right = st.columns([3, 1])
    chosen = left.selectbox(
        text("intake_restore_pick"),
        list(reversed(by_id)),
        index=None,
        key="intake_backup_id",
        placeholder=text("choose_placeholder"),
    )
    if right.button(text("intake_restore"), key="intake_restore", disabled=chosen is None):
        st.session_state[_CONFIRM] = ("restore", chosen)
    confirm_step(user, "restore", lambda target: intake.restore_question(by_id[target]),
                 lambda target: intake.do_restore(store, target, user))  # fmt: skip


def confirm_step(user: User, kind: str, question, action) -> None:
    """The confirmation that says what will change; the change only on 确认."""
    pending = st.session_state.get(_CONFIRM)
    if not pending or pending[0] != kind:
        return
    try:
        st.warning(question(pending[1]))
    except IntakeError as exc:
        st.session_state.pop(_CONFIRM, None)
        st.error(str(exc))
        return
    yes, no = st.columns(2)
    if yes.button(text("intake_confirm"), key=f"intake_confirm_{kind}", type="primary"):
        st.session_state.pop(_CONFIRM, None)
        try:
            st.session_state["intake_done"] = action(pending[1])
        except IntakeError as exc:
            st.session_state["intake_done"] = str(exc)
        st.rerun()
    if no.button(text("intake_cancel"), key=f"intake_cancel_{kind}"):
        st.session_state.pop(_CONFIRM, None)
        st.rerun()


def render() -> None:
    user = auth.require(
        Role.OFFICE_ADMIN
    )  # dashboard.py refuses first; a page that writes checks again itself
    page_title("import")
    done = st.session_state.pop("intake_done", None)
    if done:
        st.info(done)
    results_step()
    upload_step(user)
    import_log_step(user)
    backups_step(user)


render()
