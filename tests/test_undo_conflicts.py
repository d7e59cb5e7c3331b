"""Undo and redo after a colleague's edit: refused (one line, nothing changed) when they changed the same
records since, done when they changed other records; a refused step leaves the history."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.editing import edits
from qualtui.editing.codebook_ops import delete_code, merge_codes, split_code
from qualtui.editing.history import History
from qualtui.editing.live_edit import LiveEdit, StoredCodeEntry, StoredCodingMemo, StoredFrameworkSummary, StoredMemo
from qualtui.editing.replay import UndoConflict
from qualtui.errors import QualtuiError
from qualtui.project import Project
from qualtui.safety.integrity import check
from qualtui.services.framework import doc_case


def files(project) -> dict[str, str]:
    """Every project file but the audit log and locks, by content hash: 'nothing changed' means these are equal."""
    out = {}
    for path in sorted(project.root.rglob("*")):
        if path.is_file() and path.suffix != ".lock" and path.name != "audit.jsonl":
            out[str(path.relative_to(project.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def team(project, doc):
    """(me, a colleague on the same folder, the document, a code "Stigma")."""
    code = project.codes.create("Stigma", description="Being labelled")
    alice = Project.open(project.root, coder="alice")
    return project, alice, doc, code


def refused(history: History, project, *, undo: bool = True) -> str:
    """Press undo (or redo), expect a refusal; the message, after checking that nothing was written."""
    before = files(project)
    with pytest.raises(UndoConflict) as info:
        history.undo() if undo else history.redo()
    assert files(project) == before
    message = str(info.value)
    assert "\n" not in message and "nothing was" in message
    return message


def test_undo_of_a_coding_a_colleague_wrote_a_memo_on_is_refused_and_dropped(team):
    me, alice, doc, code = team
    history = History()
    coding, change = edits.add_coding(me, doc.id, code.id, 0, 11)
    history.record(change)
    alice.codings.update(doc.id, coding.id, memo="she means the ward")
    message = refused(history, me)
    assert message.startswith("can't undo code 'Stigma': ")
    assert "the coding of 'Stigma' in SU01 was changed since by alice (memo)" in message
    assert me.codings.get(doc.id, coding.id).memo == "she means the ward"
    assert not history.can_undo and not history.can_redo   # dropped: u goes on with the step before


def test_undo_after_a_colleague_edited_a_different_record_still_works(team):
    me, alice, doc, code = team
    history = History()
    mine, change = edits.add_coding(me, doc.id, code.id, 0, 11)
    history.record(change)
    theirs = alice.codings.add(doc.id, code.id, 20, 30)
    alice.codings.update(doc.id, theirs.id, memo="hers")
    history.undo()
    assert [c.id for c in me.codings.for_document(doc.id)] == [theirs.id]
    history.redo()
    assert {c.id for c in me.codings.for_document(doc.id)} == {mine.id, theirs.id}


def test_a_colleague_renaming_the_code_keeps_the_rename_when_i_undo_my_definition(team):
    me, alice, doc, code = team
    history = History()
    history.record(edits.update_code(me, code.id, description="Being labelled by staff")[1])
    alice.codes.update(code.id, name="Self-stigma")        # another field of the same record
    history.undo()
    after = me.codes.by_id(code.id)
    assert (after.name, after.description) == ("Self-stigma", "Being labelled")
    history.redo()
    assert me.codes.by_id(code.id).description == "Being labelled by staff"


def test_a_colleague_rewriting_the_same_definition_refuses_my_undo(team):
    me, alice, doc, code = team
    history = History()
    history.record(edits.update_code(me, code.id, description="Being labelled by staff")[1])
    alice.codes.update(code.id, description="Labels, from anyone")
    message = refused(history, me)
    assert "the code 'Stigma' was changed since by alice (description)" in message
    assert me.codes.by_id(code.id).description == "Labels, from anyone"


def test_redo_is_refused_when_a_colleague_changed_the_record_after_my_undo(team):
    me, alice, doc, code = team
    history = History()
    memo, change = edits.save_memo(me, "code", code.id, "first")
    history.record(edits.save_memo(me, "code", code.id, "second", memo_id=memo.id)[1])
    history.undo()
    alice.memos.update(memo.id, text="alice's version")
    message = refused(history, me, undo=False)
    assert message.startswith("can't redo") and "by alice (text)" in message
    assert me.memos.get(memo.id).text == "alice's version"
    assert not history.can_redo and history.can_undo is False


def test_redo_of_a_code_delete_is_refused_once_a_colleague_coded_with_it(team):
    me, alice, doc, code = team
    history = History()
    history.record(delete_code(me, code.id)[1])
    history.undo()
    alice.codings.add(doc.id, code.id, 5, 9)
    message = refused(history, me, undo=False)
    assert "alice coded with 'Stigma' since (1 coding)" in message
    assert check(me.root) == []


def test_undo_of_creating_a_code_a_colleague_coded_with_is_refused(team):
    me, alice, doc, code = team
    history = History()
    made, change = edits.create_code(me, "Hope")
    history.record(change)
    alice.codings.add(doc.id, made.id, 0, 4)
    assert "alice coded with 'Hope' since (1 coding)" in refused(history, me)
    assert check(me.root) == []


def test_undo_of_a_code_a_colleague_deleted_meanwhile_does_not_orphan(team):
    me, alice, doc, code = team
    history = History()
    history.record(edits.remove_codings(me, doc.id, [me.codings.add(doc.id, code.id, 0, 4).id])[1])
    delete_code(alice, code.id)
    assert "its code was deleted since by alice" in refused(history, me)
    assert check(me.root) == []


def test_undo_after_a_colleague_deleted_the_document(team):
    me, alice, doc, code = team
    history = History()
    history.record(edits.set_coding_memo(me, doc.id, me.codings.add(doc.id, code.id, 0, 4).id, "mine")[1])
    alice.docs.delete(doc.id)
    assert "the coding of 'Stigma' was deleted since with its document by alice" in refused(history, me)
    assert not (me.root / "documents" / f"{doc.id}.json").exists() and check(me.root) == []


def test_merge_undo_after_a_colleague_coded_with_the_target(team):
    me, alice, doc, code = team
    target = me.codes.create("Labelling", description="Names for people")
    moved = me.codings.add(doc.id, code.id, 0, 11)
    history = History()
    history.record(merge_codes(me, code.id, target.id)[1])
    theirs = alice.codings.add(doc.id, target.id, 30, 40)   # coded with the merged code
    history.undo()
    assert me.codes.by_id(code.id).name == "Stigma"
    assert me.codings.get(doc.id, moved.id).code == code.id
    assert me.codings.get(doc.id, theirs.id).code == target.id     # theirs is kept, on the code they chose
    assert me.codes.by_id(target.id).description == "Names for people"
    assert check(me.root) == []
    alice.codings.add(doc.id, code.id, 50, 60)                      # now they code with the source again
    assert "alice coded with 'Stigma' since" in refused(history, me, undo=False)
    assert check(me.root) == []


def test_merge_undo_is_refused_when_a_colleague_recoded_a_moved_coding(team):
    me, alice, doc, code = team
    target = me.codes.create("Labelling")
    other = me.codes.create("Other")
    moved = me.codings.add(doc.id, code.id, 0, 11)
    history = History()
    history.record(merge_codes(me, code.id, target.id)[1])
    alice.codings.update(doc.id, moved.id, code=other.id)
    message = refused(history, me)
    assert "the coding of 'Other' in SU01 was changed since by alice (code)" in message
    assert "Stigma" not in {c.name for c in me.codes.all()} and check(me.root) == []


def test_split_undo_is_refused_when_a_colleague_coded_with_the_new_code(team):
    me, alice, doc, code = team
    first = me.codings.add(doc.id, code.id, 0, 11)
    history = History()
    new, change = split_code(me, code.id, "Self-labelling", [first.id])
    history.record(change)
    alice.codings.add(doc.id, new.id, 20, 25)
    assert "alice coded with 'Self-labelling' since (1 coding)" in refused(history, me)


def test_undo_of_a_code_delete_after_a_colleague_made_a_code_of_that_name(team):
    me, alice, doc, code = team
    history = History()
    history.record(delete_code(me, code.id)[1])
    alice.codes.create("Stigma")
    assert "a code named 'Stigma' was created since" in refused(history, me)


def test_undoing_a_move_never_makes_a_code_its_own_sub_code(team):
    me, alice, doc, code = team
    old, new = me.codes.create("Old place", codable=False), me.codes.create("New place", codable=False)
    me.codes.update(code.id, parent=old.id)
    history = History()
    history.record(edits.update_code(me, code.id, parent=new.id)[1])
    alice.codes.update(old.id, parent=code.id)          # the old parent now sits under the moved code
    assert "'Stigma' would become a sub-code of itself" in refused(history, me)
    history.record(edits.update_code(me, code.id, parent=None)[1])
    alice.codes.update(new.id, description="where it goes")  # the parent changed, not the moved code
    history.undo()
    assert me.codes.by_id(code.id).parent == new.id and check(me.root) == []


def test_a_memo_session_undo_is_refused_after_a_colleague_edited_the_memo(team):
    me, alice, doc, code = team
    history = History()
    edit = LiveEdit(StoredMemo(me, "project", None, None))
    edit.save("Plans for the")
    edit.save("Plans for the second round")
    history.record(edit.change())
    [memo] = me.memos.all()
    alice.memos.update(memo.id, title="Round two")
    assert "the memo 'Round two' was changed since by alice (title)" in refused(history, me)
    assert me.memos.get(memo.id).text == "Plans for the second round"


def test_a_coding_memo_session_and_a_framework_session(team):
    me, alice, doc, code = team
    coding = me.codings.add(doc.id, code.id, 0, 11)
    history = History()
    edit = LiveEdit(StoredCodingMemo(me, doc.id, coding.id))
    edit.save("turning point")
    history.record(edit.change())
    alice.codings.update(doc.id, coding.id, end=12)     # another field: my memo undo still works
    history.undo()
    assert me.codings.get(doc.id, coding.id).memo is None and me.codings.get(doc.id, coding.id).end == 12
    edit = LiveEdit(StoredFrameworkSummary(me, doc_case(doc.id), code.id))
    edit.save("Labelled on the ward.")
    history.record(edit.change())
    alice.framework.set(doc_case(doc.id), code.id, "Labelled, and says so.")
    assert "the Framework summary of 'Stigma' was changed since by alice (text)" in refused(history, me)


def test_a_codebook_entry_session_keeps_a_colleagues_colour_but_not_their_definition(team):
    me, alice, doc, code = team
    history = History()
    edit = LiveEdit(StoredCodeEntry(me, code.id, ("description",)))
    edit.save({"description": "Labelled by others"})
    history.record(edit.change())
    alice.codes.update(code.id, color="#00af00")
    history.undo()
    assert (me.codes.by_id(code.id).description, me.codes.by_id(code.id).color) == ("Being labelled", "#00af00")
    history.redo()
    alice.codes.update(code.id, description="Labelled, by alice")
    assert "by alice (description)" in refused(history, me)


def test_a_colleague_in_another_process(team, tmp_path):
    me, alice, doc, code = team
    history = History()
    coding, change = edits.add_coding(me, doc.id, code.id, 0, 11)
    history.record(change)
    script = ("import sys; from qualtui.project import Project\n"
              "p = Project.open(sys.argv[1], coder='bob')\n"
              "p.codings.update(sys.argv[2], sys.argv[3], memo='from bob')\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    subprocess.run([sys.executable, "-c", script, str(me.root), doc.id, coding.id], check=True, env=env)
    assert "was changed since by bob (memo)" in refused(history, me)
    assert me.codings.get(doc.id, coding.id).memo == "from bob"


def test_a_refusal_does_not_wait_on_a_fifo_planted_as_the_audit_log(team):
    me, alice, doc, code = team
    history = History()
    coding, change = edits.add_coding(me, doc.id, code.id, 0, 11)
    history.record(change)
    alice.codings.update(doc.id, coding.id, memo="hers")
    log = me.root / "audit.jsonl"
    log.unlink()
    os.mkfifo(log)
    with pytest.raises(UndoConflict, match="the coding of 'Stigma' in SU01 was changed since \\(memo\\)"):
        history.undo()


def test_undo_and_redo_are_audited(team):
    import json

    me, alice, doc, code = team
    history = History()
    coding, change = edits.add_coding(me, doc.id, code.id, 0, 11)
    history.record(change)
    history.undo()
    history.redo()
    entries = [json.loads(line) for line in (me.root / "audit.jsonl").read_text().splitlines()]
    assert [(e["action"], e["codings_ids"]) for e in entries[-2:]] == [("undo", [coding.id]), ("redo", [coding.id])]


def test_a_failed_write_keeps_the_step(team, monkeypatch):
    import errno

    me, alice, doc, code = team
    history = History()
    history.record(edits.add_coding(me, doc.id, code.id, 0, 11)[1])

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    import stores.records

    monkeypatch.setattr(stores.records, "atomic_write_bytes", full)   # every record write fails, as on a full disk
    with pytest.raises(OSError):
        history.undo()
    monkeypatch.undo()
    assert history.can_undo and len(me.codings.for_document(doc.id)) == 1   # not a conflict: try again
    history.undo()
    assert me.codings.for_document(doc.id) == []


# every kind of edit, table-driven: (my edit -> Change, the colleague's edit of the same record) -----------------
def _kinds():
    def coding(me, doc, code):
        return edits.add_coding(me, doc.id, code.id, 0, 11)

    def recode(me, doc, code):
        other = me.codes.create("Other")
        made = me.codings.add(doc.id, code.id, 0, 11)
        return edits.change_coding(me, doc.id, made.id, code=other.id)

    def bounds(me, doc, code):
        made = me.codings.add(doc.id, code.id, 0, 11)
        return edits.change_coding(me, doc.id, made.id, end=15)

    def coding_memo(me, doc, code):
        made = me.codings.add(doc.id, code.id, 0, 11)
        return edits.set_coding_memo(me, doc.id, made.id, "mine")

    def remove(me, doc, code):
        made = me.codings.add(doc.id, code.id, 0, 11)
        result, change = edits.remove_codings(me, doc.id, [made.id])
        return made, change

    def title(me, doc, code):
        memo = me.memos.add("project", "text")
        return edits.set_memo_title(me, memo.id, "Mine")

    def memo(me, doc, code):
        return edits.save_memo(me, "document", doc.id, "about SU01")

    def delete_memo(me, doc, code):
        made = me.memos.add("project", "text")
        return edits.delete_memo(me, made.id)

    def new_code(me, doc, code):
        return edits.create_code(me, "Hope")

    def many(me, doc, code):
        return edits.add_codings(me, doc.id, [(code.id, 0, 5), (code.id, 6, 11)], "code 2")

    def autocode(me, doc, code):
        from qualtui.analysis.autocode import code_spans

        return code_spans(me, code.id, {doc.id: [(0, 5), (6, 11)]})

    return [coding, recode, bounds, coding_memo, remove, title, memo, delete_memo, new_code, many, autocode]


def _colleague_edits_one_record(alice, doc, change):
    """Change what the step wrote in one record it touched, as a colleague would; False if it deleted them all."""
    item = next((t for t in change.touches if t.after is not None), None)
    if item is None:
        return False
    field = (item.fields or ("memo" if item.table == "codings" else "text",))[0]
    if item.table == "codings":
        current = alice.codings.get(doc.id, item.id)
        value = {"memo": "alice was here", "code": alice.codes.create("Alice's").id,
                 "start": current.start + 1, "end": current.end + 1}[field]
        alice.codings.update(doc.id, item.id, **{field: value})
    elif item.table == "memos":
        alice.memos.update(item.id, **{field: "alice was here"})
    elif item.table == "codes":
        alice.codings.add(doc.id, item.id, 30, 33)
    return True


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.__name__)
def test_every_edit_kind_refuses_after_a_colleague_and_works_without(team, kind):
    me, alice, doc, code = team
    history = History()
    result, change = kind(me, doc, code)
    assert change is not None and change.touches
    history.record(change)
    if _colleague_edits_one_record(alice, doc, change):
        refused(history, me)
        assert not history.can_undo
        assert check(me.root) == []
    else:
        alice.memos.add("project", "unrelated")               # another record: the undo goes through
        history.undo()
        history.redo()
        history.undo()
        assert check(me.root) == []


# hypothesis: however my edits and a colleague's interleave, undo never overwrites a value the colleague wrote,
# and a refused undo writes nothing ------------------------------------------------------------------------------
FIELDS = ("description", "inclusion", "exclusion")
steps = st.lists(st.one_of(
    st.tuples(st.sampled_from("AB"), st.integers(0, 1), st.sampled_from(FIELDS)),
    st.just(("undo",))), min_size=1, max_size=10)


@settings(max_examples=25)
@given(steps)
def test_undo_never_overwrites_what_a_colleague_wrote(tmp_path_factory, ops):
    root = tmp_path_factory.mktemp("team") / "proj"
    me = Project.init(root, coder="me")
    them = Project.open(root, coder="them")
    codes = [me.codes.create(f"C{i}").id for i in range(2)]
    initial = [me.codes.by_id(c) for c in codes]
    history = History()
    counter = 0

    def state():
        return {(c, f): getattr(me.codes.by_id(c), f) for c in codes for f in FIELDS}

    def undo_once():
        before, snap = state(), files(me)
        try:
            history.undo()
        except UndoConflict:
            assert files(me) == snap
        after = state()
        for key, value in before.items():
            if value.startswith("B"):
                assert after[key] == value, "undo overwrote the colleague's value"

    for op in ops:
        if op[0] == "undo":
            undo_once()
            continue
        who, index, field = op
        counter += 1
        if who == "A":
            history.record(edits.update_code(me, codes[index], **{field: f"A{counter}"})[1])
        else:
            them.codes.update(codes[index], **{field: f"B{counter}"})
    while history.can_undo:
        undo_once()
    if all(op[0] != "B" for op in ops):
        assert [me.codes.by_id(c) for c in codes] == initial


def test_autocode_steps_are_none_when_nothing_changed_and_undo_only_what_they_made(team):
    from qualtui.analysis.autocode import autocode

    me, alice, doc, code = team
    result, change = autocode(me, "Stigma", {doc.id: [(0, 5)]}, create=True)   # the code exists: codes only
    assert [c.start for c in result.added] == [0] and {t.table for t in change.touches} == {"codings"}
    again, none = autocode(me, "Stigma", {doc.id: [(0, 5)]}, create=True)       # already coded: no step
    assert again.added == () and none is None
    made, created = autocode(me, "Hope", {doc.id: [(0, 5)]}, create=True)       # a new code and its coding
    assert {t.table for t in created.touches} == {"codes", "codings"}
    alice.codings.add(doc.id, me.codes.find("Hope").id, 6, 9)
    history = History()
    history.record(created)
    assert "alice coded with 'Hope' since (1 coding)" in refused(history, me)


def test_undo_racing_a_colleague_in_another_process_never_loses_their_write(team):
    """My undos and a colleague's memo writes on the same codings, at the same moment, in two processes:
    each coding ends either undone (and their write refused: it came after) or kept with their memo."""
    from qualtui.errors import NotFoundError
    from tests.test_concurrency import _in_children

    me, alice, doc, code = team
    steps = [edits.add_coding(me, doc.id, code.id, i, i + 3) for i in range(0, 120, 3)]

    def work(index: int) -> list:
        if index == 0:
            done = []
            for _, change in steps:
                try:
                    change.undo()
                    done.append(True)
                except UndoConflict:
                    done.append(False)
            return done
        them = Project.open(me.root, coder="alice")
        acked = []
        for coding, _ in steps:
            try:
                them.codings.update(doc.id, coding.id, memo="alice's")
                acked.append(True)
            except NotFoundError:
                acked.append(False)
        return acked

    undone, acked = _in_children(2, work)
    final = {c.id: c for c in me.codings.for_document(doc.id)}
    for (coding, _), was_undone, was_acked in zip(steps, undone, acked):
        assert not (was_undone and was_acked), "an acknowledged write of the colleague was undone"
        assert (coding.id not in final) == was_undone
        if was_acked:
            assert final[coding.id].memo == "alice's"
    assert check(me.root) == []


edits_of_one_code = st.lists(st.tuples(st.sampled_from(("description", "inclusion", "color")), st.integers(0, 99)),
                             min_size=1, max_size=6)


@settings(max_examples=20)
@given(edits_of_one_code, st.lists(st.sampled_from(("text", "title")), max_size=4), st.booleans())
def test_one_step_made_of_several_edits_of_a_record_undoes_to_the_start(tmp_path_factory, code_ops, memo_ops,
                                                                       delete):
    from qualtui.editing.history import combine

    project = Project.init(tmp_path_factory.mktemp("steps") / "proj", coder="me")
    code = project.codes.create("C")
    start = project.codes.by_id(code.id)
    values = {"color": lambda n: f"#{n:06x}", "description": lambda n: f"d{n}", "inclusion": lambda n: f"i{n}"}
    changes = [edits.update_code(project, code.id, **{f: values[f](n)})[1] for f, n in code_ops]
    memo, made = edits.save_memo(project, "code", code.id, "first")
    changes.append(made)
    for n, field in enumerate(memo_ops):
        changes.append(edits.save_memo(project, "code", code.id, f"text {n}", memo_id=memo.id)[1] if field == "text"
                       else edits.set_memo_title(project, memo.id, f"title {n}")[1])
    if delete:
        changes.append(edits.delete_memo(project, memo.id)[1])
    end = (project.codes.by_id(code.id), project.memos.all())
    step = combine("several edits", changes)
    step.undo()
    assert (project.codes.by_id(code.id), project.memos.all()) == (start, [])
    step.redo()
    assert (project.codes.by_id(code.id), project.memos.all()) == end
