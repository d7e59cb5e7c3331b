"""Speakers as project data: canonical names and roles that never touch the transcript text or stored turns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from screens_harness import Harness, sync

from qualtui.cli import cli
from qualtui.errors import QualtuiError
from qualtui.editing.history import History
from qualtui.importers.plain import read_plain
from qualtui.project import Project
from qualtui.editing.pseudonymise import NameMap, pseudonymise_project
from tui.dialogs.simple import ChooseDialog
from tui.screens.search_screen import SearchScreen

A = "Interviewer: How was the ward?\nSam: The ward was calm.\nInterviewer: And the staff?\nSam: Kind staff.\n"
B = "INTERVIEWER: Tell me about the garden.\nJO: The garden kept me going.\nINTERVIEWER: Why?\nJO: Quiet.\n"
C = "Rebecca Hall: What helped?\nMia: The group helped.\nRebecca Hall: How?\nMia: We talked.\n"


def build(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "p", name="p", coder="ana")
    for name, text in (("A", A), ("B", B), ("C", C)):
        project.docs.add(read_plain(text.encode(), f"{name}.txt"), name)
    return project


def turn_files(project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project.root / "documents").iterdir())}


def test_canonical_names_leave_text_and_turns_untouched(tmp_path):
    project = build(tmp_path)
    before = turn_files(project)
    project.speakers.set(["Interviewer", "INTERVIEWER", "Rebecca Hall"], "Interviewer", "Interviewer")
    assert turn_files(project) == before  # text and stored turns unchanged
    doc = project.docs.get("C")
    assert [t.speaker for t in project.docs.turns(doc.id)] == ["Interviewer", "Mia", "Interviewer", "Mia"]
    assert [t.speaker for t in project.docs.turns(doc.id, raw=True)][0] == "Rebecca Hall"
    assert project.speakers.role("rebecca hall") == project.speakers.role("Interviewer") == "interviewer"
    assert project.speakers.role("Mia") == ""
    with pytest.raises(QualtuiError):
        project.speakers.set(["x"], "  ")
    assert project.speakers.reset(["INTERVIEWER"]) == ["interviewer"]
    assert [t.speaker for t in project.docs.turns(project.docs.get("B").id)][0] == "INTERVIEWER"


def test_the_command_line_uses_canonical_names_everywhere(tmp_path):
    project = build(tmp_path)
    base = ["-p", str(project.root)]
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, [*base, *args])
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result.output

    out = run("speaker", "Interviewer", "INTERVIEWER", "Rebecca Hall", "--as", "Interviewer", "--role", "interviewer")
    assert out.strip() == "Interviewer, INTERVIEWER, Rebecca Hall -> Interviewer (role interviewer)"
    rows = json.loads(run("speakers", "--format", "json"))
    assert rows[0] == {"speaker": "Interviewer", "role": "interviewer", "labels": ["Interviewer", "INTERVIEWER",
                       "Rebecca Hall"], "turns": 6, "words": 16, "documents": 3}
    assert [r["speaker"] for r in rows] == ["Interviewer", "JO", "Mia", "Sam"]
    # search: by a label or the canonical name; --no-interviewer leaves every interviewer turn out
    hits = json.loads(run("search", "the", "--speaker", "rebecca hall", "--format", "json"))
    assert {h["speaker"] for h in hits} == {"Interviewer"} and {h["document"] for h in hits} == {"A", "B"}
    hits = json.loads(run("search", "the", "--no-interviewer", "--format", "json"))
    assert {h["speaker"] for h in hits} == {"Sam", "JO", "Mia"} and len(hits) == 3
    # autocode --speaker codes every turn of the canonical speaker, whatever label is given
    run("autocode", "--speaker", "INTERVIEWER", "--code", "Asked", "--create")
    asked = [c for d in project.docs.all() for c in project.codings.for_document(d.id)]
    assert len(asked) == 6
    run("code", "C", "Asked", "--lines", "2")  # Mia's turn, coded with the same code
    segments = json.loads(run("retrieve", "Asked", "--format", "json"))
    assert len(segments) == 7 and {tuple(s["speakers"]) for s in segments} == {("Interviewer",), ("Mia",)}
    kept = json.loads(run("retrieve", "Asked", "--no-interviewer", "--format", "json"))
    assert [s["speakers"] for s in kept] == [["Mia"]]
    assert "reset 1 label" in run("speaker", "Rebecca Hall", "JO", "--reset")
    bad = runner.invoke(cli, [*base, "speaker", "a", "b"])
    assert bad.exit_code == 1 and "need --as" in str(bad.exception)


def test_pseudonymise_replaces_real_names_in_the_speaker_table(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Rebecca Hall"], "Rebecca Hall", "interviewer")
    project.speakers.set(["Mia"], "Mia Stone")
    pseudonymise_project(project, NameMap([("Rebecca Hall", "RH"), ("Mia Stone", "P7"), ("Mia", "P7")]))
    again = Project.open(project.root)
    raw = (project.root / "qualtui.json").read_text(encoding="utf-8")
    assert "Rebecca" not in raw and "Mia" not in raw
    assert {(m.label, m.name, m.role) for m in again.speakers.all()} == {("RH", "RH", "interviewer"),
                                                                         ("P7", "P7", "")}
    assert [t.speaker for t in again.docs.turns(again.docs.get("C").id)] == ["RH", "P7", "RH", "P7"]


@sync
async def test_the_auto_code_dialog_lists_canonical_speakers_once(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Interviewer", "INTERVIEWER", "Rebecca Hall"], "Interviewer", "interviewer")
    app = Harness(lambda: SearchScreen(project, History()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#ss-results").focus()
        await pilot.press("s")
        assert isinstance(app.screen, ChooseDialog)
        assert [choice.split(" ")[0] for choice in app.screen.choices] == ["Interviewer", "JO", "Mia", "Sam"]


def test_docs_lists_canonical_speakers(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Rebecca Hall"], "Interviewer", "interviewer")
    rows = json.loads(CliRunner().invoke(cli, ["-p", str(project.root), "docs", "--format", "json"]).output)
    assert {r["name"]: r["speakers"] for r in rows}["C"] == ["Interviewer", "Mia"]


def test_agreement_and_reports_name_the_canonical_speaker(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Rebecca Hall"], "Interviewer", "interviewer")
    doc = project.docs.get("C")
    start = C.index("What helped?")
    code = project.codes.create("Asking")
    project.codings.add(doc.id, code.id, start, start + len("What helped?"), coder="ana")
    other = C.index("How?")
    project.codings.add(doc.id, code.id, other, other + len("How?"), coder="bob")
    base = ["-p", str(project.root)]
    runner = CliRunner()
    result = runner.invoke(cli, [*base, "agreement", "--coders", "ana,bob", "--disagreements", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all("Rebecca" not in json.dumps(row) for row in rows)
    assert any("Interviewer" in json.dumps(row) for row in rows)
    report = tmp_path / "report.md"
    result = runner.invoke(cli, [*base, "export", "md", "-o", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    assert "C, Interviewer, l. 1" in text and "Rebecca" not in text


def test_a_damaged_speaker_record_is_ignored(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Rebecca Hall"], "Interviewer")
    path = project.root / "qualtui.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["speakers"]["junk"] = "not a record"
    data["speakers"]["half"] = {"id": "half", "label": "Mia"}  # no name: not a mapping
    path.write_text(json.dumps(data), encoding="utf-8")
    again = Project.open(project.root)
    assert [t.speaker for t in again.docs.turns(again.docs.get("C").id)] == ["Interviewer", "Mia", "Interviewer", "Mia"]


@sync
async def test_the_search_screen_can_leave_out_interviewers(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Interviewer", "INTERVIEWER", "Rebecca Hall"], "Interviewer", "interviewer")
    app = Harness(lambda: SearchScreen(project, History()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#ss-pattern").value = "the"
        screen.run_search()
        await pilot.pause()
        assert "Interviewer" in {h.speaker for h in screen.result.hits}
        screen.query_one("#ss-no-interviewer").value = True
        screen.run_search()
        await pilot.pause()
        assert {h.speaker for h in screen.result.hits} == {"Sam", "JO", "Mia"}


@sync
async def test_the_retrieval_screen_can_leave_out_interviewers_like_the_cli(tmp_path):
    from tui.screens.retrieval_screen import RetrievalScreen

    project = build(tmp_path)
    project.speakers.set(["Interviewer", "INTERVIEWER", "Rebecca Hall"], "Interviewer", "interviewer")
    runner = CliRunner()
    base = ["-p", str(project.root)]
    assert runner.invoke(cli, [*base, "autocode", "--speaker", "Interviewer", "--code", "Asked",
                               "--create"]).exit_code == 0
    assert runner.invoke(cli, [*base, "code", "C", "Asked", "--lines", "2"]).exit_code == 0   # Mia
    assert runner.invoke(cli, [*base, "code", "A", "Asked", "--lines", "1-2"]).exit_code == 0  # Interviewer and Sam
    cli_kept = json.loads(runner.invoke(cli, [*base, "retrieve", "Asked", "--no-interviewer", "--format",
                                              "json"]).output)
    assert sorted(tuple(s["speakers"]) for s in cli_kept) == [("Interviewer", "Sam"), ("Mia",)]
    code = project.codes.find("Asked")
    app = Harness(lambda: RetrievalScreen(project, History(), code_id=code.id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.table.row_count == 8
        await pilot.press("i")
        await pilot.pause()
        assert sorted(s.speakers for s in screen.segments) == [("Interviewer", "Sam"), ("Mia",)]
        assert screen.table.row_count == 2 and "no interviewers" in str(screen.query_one("#rv-title").render())
        assert sorted(s.coding_id for s in screen.segments) == sorted(s["coding_id"] for s in cli_kept)
        await pilot.press("i")
        await pilot.pause()
        assert screen.table.row_count == 8
        await pilot.press("i", "x")  # clearing the filters brings the interviewers back too
        await pilot.pause()
        assert screen.table.row_count == 8 and "no interviewers" not in str(screen.query_one("#rv-title").render())


def test_check_reports_a_damaged_speaker_record_and_repair_removes_it(tmp_path):
    project = build(tmp_path)
    project.speakers.set(["Rebecca Hall"], "Interviewer", "interviewer")
    path = project.root / "qualtui.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["speakers"]["junk"] = "not a record"
    data["speakers"]["mia"] = {"id": "mia", "label": "Mia", "name": 7, "role": ""}
    data["speakers"]["jo"] = {"id": "jo", "label": "JO", "name": "Jo", "role": ["interviewer"]}
    path.write_text(json.dumps(data), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(cli, ["-p", str(project.root), "check"])
    assert checked.exit_code == 1
    assert sorted(line for line in checked.stdout.splitlines() if line.startswith("speaker ")) == [
        "speaker jo: damaged record (its role is not text); it is ignored when reading",
        "speaker junk: damaged record (not an object); it is ignored when reading",
        "speaker mia: damaged record (its name is not text); it is ignored when reading"]
    again = Project.open(project.root)
    assert [t.speaker for t in again.docs.turns(again.docs.get("B").id)] == ["INTERVIEWER", "JO", "INTERVIEWER", "JO"]
    repaired = runner.invoke(cli, ["-p", str(project.root), "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "fixed speaker: removed the damaged speaker record junk" in repaired.output
    kept = list((project.root / "backups").glob("repair-*/speakers-removed.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8"))["mia"]["name"] == 7
    assert runner.invoke(cli, ["-p", str(project.root), "check"]).exit_code == 0
    assert set(json.loads(path.read_text(encoding="utf-8"))["speakers"]) == {"rebecca hall"}
    assert Project.open(project.root).speakers.role("Rebecca Hall") == "interviewer"
