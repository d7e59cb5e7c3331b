"""The codings index: right after every write path, never trusted when stale, missing or damaged."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from stores.atomic import atomic_write_bytes
from stores.file_index import INDEX_NAME, signature_of
from qualtui.cli import cli
from qualtui.editing import codebook_ops, edits
from qualtui.editing.history import History
from qualtui.model import Transcript, Turn
from qualtui.project import Project

TEXT = "Interviewer: How was it on the ward?\nSam: Hard at first. Then the others helped me through it.\n"
TURNS = (Turn(13, 36, "Interviewer", 0), Turn(42, 94, "Sam", 37))


def recount(project: Project) -> dict[str, Counter]:
    """What the index must say: every codings file read in full."""
    return {doc.id: Counter((c.code, c.coder) for c in project.codings.for_document(doc.id))
            for doc in project.docs.all()}


def assert_exact(project: Project, *, warm: bool = True) -> None:
    """Counts through the index equal a full recount; *warm*: the index already held every file's state."""
    truth = recount(project)
    if warm:
        entries = Project.open(project.root).store.coding_index.entries()  # a fresh process's view
        for doc_id, expected in truth.items():
            path = project.store.codings_path(doc_id)
            assert entries[doc_id].signature == signature_of(os.stat(path)), f"entry of {doc_id} is stale"
            assert Counter(entries[doc_id].codes) == expected
    tallies = Project.open(project.root).codings.tallies()
    assert {doc_id: Counter(t.codes) for doc_id, t in tallies.items()} == truth
    segments: Counter = Counter()
    documents: Counter = Counter()
    for per_doc in truth.values():
        for (code, _), n in per_doc.items():
            segments[code] += n
        documents.update({code for code, _ in per_doc})
    assert Project.open(project.root).codings.counts() == {c: (segments[c], documents[c]) for c in segments}


@pytest.fixture
def study(tmp_path):
    project = Project.init(tmp_path / "study", name="study", coder="alice")
    docs = [project.docs.add(Transcript(TEXT, TURNS, "txt"), name) for name in ("SU01", "SU02", "SU03")]
    codes = [project.codes.create(name) for name in ("Hardship", "Support", "Ward")]
    return project, docs, codes


def test_every_single_edit_keeps_the_index_exact(study):
    project, docs, codes = study
    history = History()
    coding, change = edits.add_coding(project, docs[0].id, codes[0].id, 42, 60)
    history.record(change)
    assert_exact(project)
    added, change = edits.add_codings(project, docs[1].id, [(codes[1].id, 42, 91), (codes[2].id, 0, 10)], "bulk")
    history.record(change)
    assert_exact(project)
    project.codings.update(docs[0].id, coding.id, code=codes[1].id)  # recode in place
    assert_exact(project)
    project.codings.update(docs[0].id, coding.id, start=45, end=80)  # new span: coverage changes
    assert_exact(project)
    _, change = edits.remove_codings(project, docs[1].id, [added[0].id])
    history.record(change)
    assert_exact(project)
    history.undo()
    assert_exact(project)
    history.undo()
    assert_exact(project)
    history.redo()
    assert_exact(project)
    project.codings.add(docs[2].id, codes[0].id, 0, 5, coder="bob")
    assert_exact(project)


def test_codebook_restructuring_keeps_the_index_exact(study):
    project, docs, codes = study
    for doc in docs:
        project.codings.add_many(doc.id, [(codes[0].id, 42, 60), (codes[1].id, 61, 91), (codes[2].id, 0, 12)])
    _, merged = codebook_ops.merge_codes(project, codes[0].id, codes[1].id)
    assert_exact(project)
    merged.undo()
    assert_exact(project)
    moving = [c.id for c in project.codings.for_code([codes[1].id])][:2]
    _, split = codebook_ops.split_code(project, codes[1].id, "Peer support", moving)
    assert_exact(project)
    split.undo()
    assert_exact(project)
    _, deleted = codebook_ops.delete_code(project, codes[2].id)
    assert_exact(project)
    deleted.undo()
    assert_exact(project)
    project.docs.delete(docs[2].id)
    assert_exact(project)
    assert project.codings.recode(codes[0].id, codes[2].id) == 2
    assert_exact(project)


def test_cli_paths_pseudonymise_merge_and_import_qdpx_keep_the_index_exact(study, tmp_path):
    project, docs, codes = study
    for doc in docs:
        project.codings.add_many(doc.id, [(codes[0].id, 42, 60), (codes[1].id, 61, 91)])
    runner = CliRunner()
    mapping = tmp_path / "names.csv"
    mapping.write_text("Sam,Alexandra\n")
    result = runner.invoke(cli, ["-p", str(project.root), "pseudonymise", "--map", str(mapping)])
    assert result.exit_code == 0, result.output
    assert_exact(project)

    theirs_root = tmp_path / "bob"
    result = runner.invoke(cli, ["-p", str(project.root), "export", "qdpx", "-o", str(tmp_path / "study.qdpx")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["import-qdpx", str(tmp_path / "study.qdpx"), str(theirs_root)])
    assert result.exit_code == 0, result.output
    theirs = Project.open(theirs_root, coder="bob")
    assert sum(sum(t.codes.values()) for t in theirs.codings.tallies().values()) == 6
    assert_exact(theirs)

    import shutil
    shutil.rmtree(theirs_root)
    shutil.copytree(project.root, theirs_root)
    bob = Project.open(theirs_root, coder="bob")
    for doc in docs:
        bob.codings.add(doc.id, codes[2].id, 0, 12)
    result = runner.invoke(cli, ["-p", str(project.root), "merge", str(theirs_root)])
    assert result.exit_code == 0, result.output
    assert_exact(project)
    assert any(coder == "bob" for t in project.codings.tallies().values() for _, coder in t.codes)


def test_a_file_written_behind_the_index_is_recounted_never_trusted(study):
    project, docs, codes = study
    project.codings.add(docs[0].id, codes[0].id, 42, 60)
    path = project.store.codings_path(docs[0].id)
    data = json.loads(path.read_bytes())
    record = next(iter(data["codings"].values()))
    data["codings"]["other"] = dict(record, id="other", code=codes[1].id, start=0, end=5)
    atomic_write_bytes(path, json.dumps(data).encode())  # as an older qualtui, or a hand edit, would
    assert_exact(project, warm=False)
    assert_exact(project)  # the reader appended the recount: a fresh process finds it warm


@pytest.mark.parametrize("damage", [
    lambda p: p.unlink(),
    lambda p: p.write_bytes(b""),
    lambda p: p.write_bytes(b"\x00" * 300),
    lambda p: p.write_bytes(p.read_bytes()[:-40]),                      # a torn last line
    lambda p: p.write_bytes(b"not json\n" + p.read_bytes()[: len(p.read_bytes()) // 2] + b"\n"),
    lambda p: p.write_bytes(b'{"v":1,"doc":"x","sig":[1,2,3],"codes":{},"covered":{},"all":0}\n'),
    lambda p: p.write_bytes(p.read_bytes().replace(b'"v":1', b'"v":99')),
])
def test_a_missing_or_damaged_index_is_rebuilt(study, damage):
    project, docs, codes = study
    for doc in docs:
        project.codings.add_many(doc.id, [(codes[0].id, 42, 60), (codes[1].id, 0, 12)])
    damage(project.root / INDEX_NAME)
    assert_exact(project, warm=False)
    assert_exact(project)


def test_an_index_entry_for_a_later_file_state_is_not_used(study):
    """A stale entry with a plausible signature of another state: the signature decides, not the order."""
    project, docs, codes = study
    project.codings.add(docs[0].id, codes[0].id, 42, 60)
    index = project.root / INDEX_NAME
    before = index.read_bytes()
    project.codings.add(docs[0].id, codes[1].id, 0, 12)
    index.write_bytes(before)  # the second write's entry is lost (as if killed between write and append)
    assert_exact(project, warm=False)


def test_check_reports_an_index_that_disagrees_and_repair_rebuilds_it(study):
    project, docs, codes = study
    for doc in docs:
        project.codings.add(doc.id, codes[0].id, 42, 60)
    index = project.root / INDEX_NAME
    lines = [json.loads(line) for line in index.read_text().splitlines()]
    last = {entry["doc"]: entry for entry in lines}
    tampered = dict(last[docs[1].id], codes={"alice": {codes[0].id: 7}})  # right signature, wrong counts
    index.write_text(index.read_text() + json.dumps(tampered) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["-p", str(project.root), "check"])
    assert result.exit_code == 1
    assert "index" in result.output and "SU02" in result.output
    result = runner.invoke(cli, ["-p", str(project.root), "check", "--repair"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["-p", str(project.root), "check"]).exit_code == 0
    assert_exact(project)


def test_counts_inside_a_transaction_see_what_it_staged(study):
    project, docs, codes = study
    project.codings.add(docs[0].id, codes[0].id, 42, 60)
    with project.store.transaction("test"):
        project.codings.add(docs[0].id, codes[1].id, 0, 12)
        project.codings.add(docs[1].id, codes[1].id, 0, 12)
        inside = project.codings.counts()
    assert inside == {codes[0].id: (1, 1), codes[1].id: (2, 2)}
    assert_exact(project)


def test_the_log_is_compacted_by_a_reader_when_it_grows(study):
    project, docs, codes = study
    for start in range(0, 80):
        project.codings.add(docs[0].id, codes[start % 3].id, start, start + 5)
    index = project.root / INDEX_NAME
    assert len(index.read_bytes().splitlines()) > 80
    assert_exact(project)
    assert len(index.read_bytes().splitlines()) <= len(docs)


def test_the_document_switcher_numbers_come_from_the_index(study):
    project, docs, codes = study
    project.codings.add(docs[0].id, codes[0].id, 42, 60)
    project.codings.add(docs[0].id, codes[1].id, 50, 70, coder="bob")
    tally = Project.open(project.root).codings.tallies()[docs[0].id]
    assert tally.covered == {"alice": 18, "bob": 20}
    assert tally.covered_all == 28  # 42-70, the overlap counted once


OPS = st.lists(st.tuples(st.sampled_from(["add", "add_bob", "remove", "recode", "move", "external", "lose_index",
                                          "tear_index", "merge_codes"]),
                         st.integers(0, 1), st.integers(0, 2), st.integers(0, 80), st.integers(1, 10)),
               min_size=1, max_size=14)


@settings(max_examples=25)
@given(ops=OPS)
def test_index_counts_equal_a_full_recount_after_any_edit_sequence(tmp_path_factory, ops):
    root = tmp_path_factory.mktemp("prop") / "p"
    project = Project.init(root, name="prop", coder="alice")
    docs = [project.docs.add(Transcript(TEXT, TURNS, "txt"), name) for name in ("A", "B")]
    codes = [project.codes.create(name) for name in ("One", "Two", "Three")]
    for op, d, c, start, length in ops:
        doc_id, code = docs[d].id, codes[c]
        existing = project.codings.for_document(doc_id)
        if op in ("add", "add_bob"):
            project.codings.add(doc_id, code.id, start, start + length, coder="bob" if op == "add_bob" else None)
        elif op == "remove" and existing:
            project.codings.remove(doc_id, existing[start % len(existing)].id)
        elif op == "recode" and existing:
            project.codings.update(doc_id, existing[start % len(existing)].id, code=code.id)
        elif op == "move" and existing:
            project.codings.update(doc_id, existing[start % len(existing)].id, start=start, end=start + length)
        elif op == "external" and existing:  # a writer that knows nothing of the index drops a coding
            path = project.store.codings_path(doc_id)
            data = json.loads(path.read_bytes())
            data["codings"].pop(existing[0].id)
            atomic_write_bytes(path, json.dumps(data).encode())
        elif op == "lose_index":
            (root / INDEX_NAME).unlink(missing_ok=True)
        elif op == "tear_index" and (root / INDEX_NAME).exists():
            raw = (root / INDEX_NAME).read_bytes()
            (root / INDEX_NAME).write_bytes(raw[: len(raw) * start // 81])
        elif op == "merge_codes":
            codebook_ops.merge_codes(project, code.id, codes[(c + 1) % 3].id)
            codes[c] = project.codes.create(code.name)  # the merged code is gone: a new one takes its name
        assert_exact(project, warm=False)


WRITER = """
import sys
from qualtui.project import Project
project = Project.open(sys.argv[1], coder=sys.argv[2])
doc_id, code_id = sys.argv[3], sys.argv[4]
for start in range(0, 40):
    project.codings.add(doc_id, code_id, start, start + 10)
"""


def test_two_coders_writing_one_document_at_once_leave_the_index_exact_and_warm(study):
    import subprocess
    import sys

    project, docs, codes = study
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(project.root), coder, docs[0].id, codes[0].id],
                                env=env) for coder in ("alice", "bob")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    assert_exact(project)
    assert Project.open(project.root).codings.per_coder() == {"alice": 40, "bob": 40}
