"""Merging a colleague's copy: matching, adding, conflicts, idempotence, dry runs, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualtui.cli import cli, main
from qualtui.errors import QualtuiError
from qualtui.team.merge import merge, plan
from qualtui.model import Transcript, Turn
from qualtui.project import Project

TEXT = "Interviewer: How was it?\nSam: Hard at first. Then better.\n"
TURNS = (Turn(13, 24, "Interviewer", 0), Turn(30, 56, "Sam", 25))


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def state(project: Project):
    """Everything a merge may change, without volatile fields."""
    docs = sorted((d.name, d.sha256, tuple(sorted(d.attributes.items()))) for d in project.docs.all())
    codes = sorted((project.codes.path(c), c.description) for c in project.codes.all())
    codings = sorted((c.document, c.code, c.start, c.end, c.coder, c.memo or "") for c in project.codings.iter_all())
    memos = sorted((m.kind, m.target or "", m.title, m.text) for m in project.memos.all())
    return docs, codes, codings, memos


@pytest.fixture
def pair(tmp_path):
    """Alice's project and Bob's copy of it, then each works on their own."""
    ours = Project.init(tmp_path / "alice", name="study", coder="alice")
    doc = ours.docs.add(Transcript(TEXT, TURNS, "txt"), "SU01", attributes={"group": "service user"})
    theme = ours.codes.create("Change")
    hard = ours.codes.create("Hardship", parent=theme.id)
    ours.codings.add(doc.id, hard.id, 30, 49)
    journal = ours.memos.add("project", "First thoughts.", title="Day 1")
    shutil.copytree(ours.root, tmp_path / "bob")
    theirs = Project.open(tmp_path / "bob", coder="bob")
    return ours, theirs, {"doc": doc, "theme": theme, "hard": hard, "journal": journal}


def test_new_work_is_added_and_merging_again_changes_nothing(pair):
    ours, theirs, ids = pair
    doc, hard = ids["doc"], ids["hard"]
    better = theirs.codes.create("Improvement", parent=ids["theme"].id, description="Things get better")
    sub = theirs.codes.create("Small wins", parent=better.id)
    theirs.codings.add(doc.id, better.id, 50, 56)
    theirs.codings.add(doc.id, sub.id, 50, 56, memo="a small win")
    theirs.codings.add(doc.id, hard.id, 30, 49)                         # same span and code, coder bob
    new_doc = theirs.docs.add(Transcript("Jo: Staffing is hard.\n", (Turn(4, 21, "Jo", 0),), "txt"), "ST01",
                              attributes={"group": "staff"})
    theirs.codings.add(new_doc.id, hard.id, 4, 21)
    theirs.memos.add("code", "Bob's view of improvement", target=better.id)
    theirs.memos.add("document", "Interviewed on the ward", target=new_doc.id)
    theirs.docs.set_attribute(doc.id, "site", "A")

    result = merge(ours, theirs)
    counts = result.counts()
    assert counts[("document", "added")] == 1 and counts[("document", "matched")] == 1
    assert counts[("code", "added")] == 2 and counts[("code", "matched")] == 2
    assert counts[("coding", "added")] == 4 and counts[("coding", "identical")] == 1
    assert counts[("memo", "added")] == 2 and counts[("memo", "identical")] == 1
    assert counts[("attribute", "added")] == 1
    assert state(ours) == state(theirs)
    added = ours.docs.get("ST01")
    assert added.id == new_doc.id and ours.docs.turns(added.id) == list(theirs.docs.turns(new_doc.id))
    assert ours.codes.path(ours.codes.get("Small wins")) == "Change/Improvement/Small wins"
    assert ours.codes.get("Improvement").description == "Things get better"

    before = files(ours.root)
    again = merge(ours, theirs)
    assert not again.changes
    assert {outcome for _, outcome in again.counts()} <= {"matched", "identical"}
    assert files(ours.root) == before


def test_dry_run_changes_no_byte(pair):
    ours, theirs, ids = pair
    theirs.codings.add(ids["doc"].id, ids["hard"].id, 50, 56)
    theirs.codes.create("Brand new")
    theirs.memos.update(ids["journal"].id, text="First thoughts, revised.")
    before = files(ours.root)
    result = merge(ours, theirs, dry_run=True)
    assert result.changes and result.counts()[("coding", "added")] == 1
    assert files(ours.root) == before
    runner = CliRunner().invoke(cli, ["merge", "-p", str(ours.root), str(theirs.root), "--dry-run"])
    assert runner.exit_code == 0, runner.output
    assert "would add" in runner.stdout and "Dry run: nothing was changed." in runner.stdout
    assert files(ours.root) == before


def test_different_coder_names_keep_every_coding(pair):
    """QualCoder #1115: a merge dropped all codings when coder names differed between projects."""
    ours, theirs, ids = pair
    doc, hard = ids["doc"], ids["hard"]
    for coder in ("Alice", "alice.smith", "bob"):
        theirs.codings.add(doc.id, hard.id, 30, 49, coder=coder)
        theirs.codings.add(doc.id, hard.id, 50, 56, coder=coder)
    merge(ours, theirs)
    coders = sorted(c.coder for c in ours.codings.for_document(doc.id))
    assert coders == sorted(["alice", "Alice", "Alice", "alice.smith", "alice.smith", "bob", "bob"])


def test_documents_match_by_text_not_by_name(tmp_path):
    ours = Project.init(tmp_path / "a", coder="alice")
    theirs = Project.init(tmp_path / "b", coder="bob")
    mine = ours.docs.add(Transcript(TEXT, TURNS, "txt"), "SU01")
    ours.docs.add(Transcript("Something else entirely.", (), "txt"), "ST01")
    same_text = theirs.docs.add(Transcript(TEXT, TURNS, "txt"), "Interview 1")
    other_text = theirs.docs.add(Transcript("Jo: A different interview.", (), "txt"), "ST01")
    code = theirs.codes.create("Hardship")
    theirs.codings.add(same_text.id, code.id, 30, 49)
    theirs.codings.add(other_text.id, code.id, 0, 2)
    result = merge(ours, theirs)
    documents = [(i.outcome, i.name, i.detail) for i in result.items if i.kind == "document"]
    assert ("matched", "Interview 1", "same text as SU01 here") in documents
    renamed = next(d for d in documents if d[0] == "added")
    assert renamed[1] == "ST01 (from b)" and "the name is taken" in renamed[2]
    assert [c.coder for c in ours.codings.for_document(mine.id)] == ["bob"]
    assert len(ours.docs.all()) == 3


def test_codes_match_by_name_case_insensitively_and_are_reported(tmp_path):
    ours = Project.init(tmp_path / "a", coder="alice")
    theirs = Project.init(tmp_path / "b", coder="bob")
    ours.docs.add(Transcript(TEXT, TURNS, "txt"), "SU01")
    doc = theirs.docs.add(Transcript(TEXT, TURNS, "txt"), "SU01")
    mine = ours.codes.create("Coping", description="How people cope")
    theirs_code = theirs.codes.create("coping", description="Different words", inclusion="Any strategy")
    theirs.codings.add(doc.id, theirs_code.id, 30, 49)
    result = merge(ours, theirs)
    item = next(i for i in result.items if i.kind == "code")
    assert (item.outcome, item.detail) == ("matched", "by name (different ids); named Coping here")
    conflicts = [i for i in result.items if i.outcome == "conflict"]
    assert [(i.kind, i.name) for i in conflicts] == [("definition", "coping: description")]
    assert "Different words" in conflicts[0].detail
    code = ours.codes.by_id(mine.id)
    assert code.description == "How people cope" and code.inclusion == "Any strategy"
    assert [c.code for c in ours.codings.iter_all()] == [mine.id]


def test_memo_conflicts_keep_both_versions(pair):
    ours, theirs, ids = pair
    doc, hard = ids["doc"], ids["hard"]
    ours.memos.update(ids["journal"].id, text="Alice's revision.")
    theirs.memos.update(ids["journal"].id, text="Bob's revision.")
    coding = ours.codings.for_document(doc.id)[0]
    ours.codings.update(doc.id, coding.id, memo="Alice's note")
    theirs.codings.update(doc.id, coding.id, memo="Bob's note")
    result = merge(ours, theirs)
    conflicts = {(i.kind, i.outcome) for i in result.items if i.outcome == "conflict"}
    assert conflicts == {("memo", "conflict"), ("coding memo", "conflict")}
    texts = sorted(m.text for m in ours.memos.all(kind="project"))
    assert texts == ["Alice's revision.", "Bob's revision."]
    copy = next(m for m in ours.memos.all(kind="project") if m.text == "Bob's revision.")
    assert copy.id != ids["journal"].id and copy.title == "Day 1 (merged from study)"
    memo = ours.codings.get(doc.id, coding.id).memo
    assert memo.startswith("Alice's note") and "[merged from study]" in memo and memo.endswith("Bob's note")

    before = files(ours.root)
    again = merge(ours, theirs)
    assert not again.changes and files(ours.root) == before


def test_a_memo_only_they_wrote_fills_an_empty_coding_memo(pair):
    ours, theirs, ids = pair
    doc = ids["doc"]
    coding = ours.codings.for_document(doc.id)[0]
    theirs.codings.update(doc.id, coding.id, memo="Bob's note")
    result = merge(ours, theirs)
    assert result.counts()[("coding memo", "added")] == 1
    assert ours.codings.get(doc.id, coding.id).memo == "Bob's note"


def test_matched_document_attribute_conflict_keeps_ours(pair):
    ours, theirs, ids = pair
    theirs.docs.set_attribute(ids["doc"].id, "group", "staff")
    result = merge(ours, theirs)
    item = next(i for i in result.items if i.kind == "attribute")
    assert item.outcome == "conflict" and "kept 'service user'" in item.detail
    assert ours.docs.by_id(ids["doc"].id).attributes["group"] == "service user"


def test_merge_is_audited(pair):
    ours, theirs, ids = pair
    theirs.codings.add(ids["doc"].id, ids["hard"].id, 50, 56)
    merge(ours, theirs)
    audit = ours.store.audit_path.read_text()
    assert '"merge"' in audit and '"coding.put"' in audit


def test_cannot_merge_into_itself(pair):
    ours, _, _ = pair
    with pytest.raises(QualtuiError, match="into itself"):
        plan(ours, Project.open(ours.root))


# command line -----------------------------------------------------------------

def test_cli_merge_reports_and_backs_up(pair):
    ours, theirs, ids = pair
    theirs.codes.create("Brand new")
    theirs.codings.add(ids["doc"].id, ids["hard"].id, 50, 56)
    ours.memos.update(ids["journal"].id, text="Alice's revision.")
    theirs.memos.update(ids["journal"].id, text="Bob's revision.")
    result = CliRunner().invoke(cli, ["merge", "-p", str(ours.root), str(theirs.root)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Brand new" in out and "codings: 1 added, 1 identical" in out
    assert "1 conflict: see the list above; nothing was dropped." in out
    assert list((ours.root / "backups").glob("pre-merge-*"))
    again = CliRunner().invoke(cli, ["merge", "-p", str(ours.root), str(theirs.root), "--format", "json"])
    rows = json.loads(again.stdout)
    assert {r["outcome"] for r in rows} <= {"matched", "identical"}


def test_cli_merge_errors_are_one_line(pair, tmp_path, capsys):
    ours, _, _ = pair
    (tmp_path / "empty").mkdir()
    for other in (tmp_path / "empty", ours.root):
        with pytest.raises(SystemExit) as exit_info:
            main(["merge", "-p", str(ours.root), str(other)])
        assert exit_info.value.code == 1
        err = capsys.readouterr().err
        assert err.startswith("qualtui: error: ") and err.count("\n") == 1


def test_two_of_their_documents_with_one_text_add_each_coding_once(tmp_path):
    ours = Project.init(tmp_path / "a", coder="alice")
    theirs = Project.init(tmp_path / "b", coder="bob")
    ours.docs.add(Transcript(TEXT, TURNS, "txt"), "SU01")
    code = theirs.codes.create("Hardship")
    for name in ("SU01", "SU01 copy"):
        doc = theirs.docs.add(Transcript(TEXT, TURNS, "txt"), name)
        theirs.codings.add(doc.id, code.id, 30, 49)
    result = merge(ours, theirs)
    assert result.counts()[("coding", "added")] == 1 and result.counts()[("coding", "identical")] == 1
    assert len(list(ours.codings.iter_all())) == 1


def test_merge_carries_the_speaker_table(pair):
    ours, theirs, _ = pair
    runner = CliRunner()

    def run(project, *args):
        result = runner.invoke(cli, ["-p", str(project.root), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run(ours, "speaker", "Interviewer", "--as", "Interviewer", "--role", "interviewer")
    run(ours, "speaker", "Sam", "--as", "Sam Okoro")
    run(theirs, "speaker", "Interviewer", "I", "--as", "Interviewer", "--role", "interviewer")  # I: new
    run(theirs, "speaker", "Sam", "--as", "Samuel")                                            # differs
    run(theirs, "speaker", "Jo", "--as", "Jo", "--role", "participant")                        # new
    rows = json.loads(run(ours, "merge", str(theirs.root), "--dry-run", "--format", "json"))
    assert {(r["item"], r["outcome"]) for r in rows if r["kind"] == "speaker"} == {
        ("Interviewer", "identical"), ("I", "added"), ("Sam", "conflict"), ("Jo", "added")}
    assert len(Project.open(ours.root).speakers.all()) == 2              # a dry run writes nothing
    table = run(ours, "merge", str(theirs.root))
    assert "read as Samuel there; kept as Sam Okoro here" in table and "speakers: 2 added" in table
    assert "Jo (participant)" in table  # added speakers are listed, like attributes
    merged = {(m.label, m.name, m.role) for m in Project.open(ours.root).speakers.all()}
    assert merged == {("Interviewer", "Interviewer", "interviewer"), ("I", "Interviewer", "interviewer"),
                      ("Sam", "Sam Okoro", ""), ("Jo", "Jo", "participant")}
    again = json.loads(run(ours, "merge", str(theirs.root), "--dry-run", "--format", "json"))
    assert {r["outcome"] for r in again if r["kind"] == "speaker"} == {"identical", "conflict"}


def test_a_merged_label_takes_the_role_its_canonical_name_has_here(pair):
    ours, theirs, _ = pair
    ours.speakers.set(["Interviewer"], "Interviewer", "interviewer")
    theirs.speakers.set(["Int"], "Interviewer", "facilitator")
    first = [(i.name, i.outcome, i.detail) for i in merge(ours, theirs).items if i.kind == "speaker"]
    assert first == [("Int", "conflict", "added as Interviewer with the role interviewer it has here "
                                         "(facilitator there)")]
    again = Project.open(ours.root)
    assert {(m.label, m.role) for m in again.speakers.all()} == {("Interviewer", "interviewer"),
                                                               ("Int", "interviewer")}
    assert again.speakers.role("Int") == "interviewer"
    items = [i for i in plan(ours, theirs).items if i.kind == "speaker"]
    assert [(i.name, i.outcome, i.detail) for i in items] == [
        ("Int", "conflict", "read as Interviewer (facilitator) there; kept as Interviewer (interviewer) here")]
