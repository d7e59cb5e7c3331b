"""The turns index: what it says equals the turns files, and it is never trusted when stale or damaged."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.model import Transcript, Turn
from qualtui.project import Project
from qualtui.text.units import turn_extent
from stores import StoreError
from stores.layout import TURNS_INDEX

TEXT = "Interviewer: How was it on the ward?\nSam: Hard at first. Then the others helped me through it.\n"
TURNS = (Turn(13, 36, "Interviewer", 0), Turn(42, 94, "Sam", 37, begin_ms=5000))


def truth(project: Project, doc_id: str) -> tuple[list, ...]:
    """The columns as the turns themselves give them (every record read, cleaned and named)."""
    rows = [(*turn_extent(t), t.speaker, t.begin_ms) for t in sorted(project.docs.turns(doc_id), key=turn_extent)]
    return tuple(map(list, zip(*rows))) if rows else ([], [], [], [])


def assert_exact(project: Project) -> None:
    for reader in (project, Project.open(project.root)):   # this process's index, and a fresh one's
        for doc in reader.docs.all():
            assert reader.docs.turn_spans(doc.id) == truth(reader, doc.id)


@pytest.fixture
def study(tmp_path):
    project = Project.init(tmp_path / "study", name="study", coder="alice")
    docs = [project.docs.add(Transcript(TEXT, TURNS, "txt"), name) for name in ("SU01", "SU02", "SU03")]
    return project, docs


def test_spans_are_the_turns_and_a_reader_leaves_them_indexed(study):
    project, docs = study
    index = project.root / TURNS_INDEX
    assert not index.exists()
    assert_exact(project)
    entries = [json.loads(line) for line in index.read_text().splitlines()]
    assert {e["doc"] for e in entries} == {d.id for d in docs}
    assert entries[0]["names"] == ["Interviewer", "Sam"] and entries[0]["begin"] == [None, 5000]


def test_canonical_names_apply_without_the_turns_files_changing(study):
    project, docs = study
    assert_exact(project)
    project.speakers.set(["Sam"], "Samira", "participant")
    for reader in (project, Project.open(project.root)):   # a long-lived process's names are read again too
        assert reader.docs.turn_spans(docs[0].id)[2] == ["Interviewer", "Samira"]
    Project.open(project.root).speakers.set(["Sam"], "Sam", "participant")   # another process renames back
    assert project.docs.turn_spans(docs[0].id)[2] == ["Interviewer", "Sam"]
    assert_exact(project)


def test_pseudonymised_turns_are_read_again(study, tmp_path):
    project, docs = study
    assert_exact(project)
    before = project.docs.turn_spans(docs[0].id)
    mapping = tmp_path / "names.csv"
    mapping.write_text("Sam,Alexandra\n")
    result = CliRunner().invoke(cli, ["-p", str(project.root), "pseudonymise", "--map", str(mapping)])
    assert result.exit_code == 0, result.output
    after = Project.open(project.root).docs.turn_spans(docs[0].id)
    assert after != before and "Alexandra" in after[2]
    assert_exact(project)


@pytest.mark.parametrize("damage", [
    lambda p: p.unlink(),
    lambda p: p.write_bytes(b""),
    lambda p: p.write_bytes(b"\x00" * 300),
    lambda p: p.write_bytes(p.read_bytes()[:-40]),                      # a torn last line
    lambda p: p.write_bytes(p.read_bytes().replace(b'"speaker":[0,1]', b'"speaker":[0,7]')),   # no such name
    lambda p: p.write_bytes(p.read_bytes().replace(b'"end":[36,94]', b'"end":[94,36]')),       # out of order
    lambda p: p.write_bytes(p.read_bytes().replace(b'"start":[0,37]', b'"start":[0,"37"]')),
])
def test_a_damaged_index_is_never_used(study, damage):
    project, docs = study
    assert_exact(project)
    damage(project.root / TURNS_INDEX)
    assert_exact(project)


def test_a_turns_file_written_behind_the_index_is_read_again(study):
    project, docs = study
    assert_exact(project)
    path = project.store.turns_path(docs[1].id)
    records = json.loads(path.read_bytes())
    records[1]["speaker"] = "Pat"
    path.write_text(json.dumps(records))          # a hand edit: a new signature
    assert Project.open(project.root).docs.turn_spans(docs[1].id)[2] == ["Interviewer", "Pat"]
    assert_exact(project)


def test_an_odd_turns_file_goes_through_the_checked_reader(study):
    project, docs = study
    path = project.store.turns_path(docs[2].id)
    records = json.loads(path.read_bytes())
    del records[0]["label_start"], records[1]["begin_ms"]   # as an older or hand-made file may be
    records[1]["speaker"] = "Sam\x1b[31m"                     # a label to clean
    path.write_text(json.dumps(records))
    assert Project.open(project.root).docs.turn_spans(docs[2].id)[2] == ["Interviewer", "Sam"]
    assert_exact(project)
    path.write_text(json.dumps([{"start": "13", "end": 36}]))
    with pytest.raises(StoreError, match="damaged"):
        Project.open(project.root).docs.turn_spans(docs[2].id)


def test_check_reports_an_index_that_disagrees_and_repair_rebuilds_it(study):
    project, docs = study
    assert_exact(project)
    index = project.root / TURNS_INDEX
    last = {entry["doc"]: entry for entry in map(json.loads, index.read_text().splitlines())}
    tampered = dict(last[docs[1].id], names=["Interviewer", "Somebody else"])   # right signature, wrong names
    index.write_text(index.read_text() + json.dumps(tampered) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["-p", str(project.root), "check"])
    assert result.exit_code == 1
    assert f"{TURNS_INDEX}: disagrees with the speaker turns of 'SU02'" in result.output
    result = runner.invoke(cli, ["-p", str(project.root), "check", "--repair"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["-p", str(project.root), "check"]).exit_code == 0
    assert_exact(project)


def test_inside_a_transaction_the_staged_turns_are_read(study):
    project, docs = study
    assert_exact(project)
    staged = [Turn(0, 36, "Alone").to_record()]
    with project.store.transaction("test"):
        project.store.write_json(project.store.turns_path(docs[0].id), staged)
        assert project.docs.turn_spans(docs[0].id) == ([0], [36], ["Alone"], [None])
    assert_exact(project)
