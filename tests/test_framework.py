"""The Framework matrix: cells, summaries, CLI, exports, and summaries travelling with the project."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from qualtui.cli import cli, main
from qualtui.analysis.framework import build_framework
from qualtui.importers.plain import read_plain
from qualtui.services.framework import attr_case, doc_case

ST01 = "Interviewer: And the ward?\nJo: Staff lean on peers. Patients help each other.\n"


def setup(project, doc):
    theme = project.codes.create("Belonging", codable=False)
    peer = project.codes.create("Peer help", parent=theme.id)
    staff = project.codes.create("Staff")
    other = project.docs.add(read_plain(ST01.encode(), "ST01.txt"), "ST01", attributes={"group": "staff"})
    text = project.docs.text(doc.id)
    start = text.index("The other patients")
    project.codings.add(doc.id, peer.id, start, start + 18)
    project.codings.add(other.id, staff.id, 27, 48)
    project.codings.add(other.id, peer.id, 49, 74)
    return theme, peer, staff, other


def test_matrix_cells_roll_up_sub_codes_and_show_their_state(project, doc):
    theme, peer, staff, other = setup(project, doc)
    matrix = build_framework(project)
    assert [c.label for c in matrix.cases] == ["ST01", "SU01"]
    assert [c.label for c in matrix.columns] == ["1 Belonging", "2 Staff"]
    su01, st01 = matrix.cases[1], matrix.cases[0]
    belonging, staff_col = matrix.columns
    assert len(matrix.cell(su01, belonging).codings) == 1 and matrix.cell(su01, belonging).state == "open"
    assert matrix.cell(su01, staff_col).state == "empty"
    project.framework.set(doc_case(doc.id), theme.id, "Peers **help**.")
    assert build_framework(project).cell(su01, belonging).state == "done"
    by_group = build_framework(project, by_attr="GROUP")
    assert [c.label for c in by_group.cases] == ["service user", "staff"]
    assert len(by_group.cell(by_group.cases[1], by_group.columns[0]).codings) == 1
    chosen = build_framework(project, codes=["Peer help", "Staff"])
    assert [c.label for c in chosen.columns] == ["1.1 Peer help", "2 Staff"]


def test_set_updates_in_place_and_empty_text_clears(project, doc):
    theme, *_ = setup(project, doc)
    first = project.framework.set(doc_case(doc.id), theme.id, "one")
    second = project.framework.set(doc_case(doc.id), theme.id, "two")
    assert first.id == second.id and len(project.framework.all()) == 1 and second.text == "two"
    assert project.framework.set(doc_case(doc.id), theme.id, "  ") is None and project.framework.all() == []


def test_cli_summarise_show_and_errors(project, doc, capsys):
    setup(project, doc)
    runner = CliRunner()
    root = str(project.root)
    r = runner.invoke(cli, ["-p", root, "framework", "summarise", "SU01", "Belonging", "Peers carry *hope*."])
    assert r.exit_code == 0 and "summary saved: SU01 x Belonging" in r.output
    r = runner.invoke(cli, ["-p", root, "framework", "summarise", "staff", "Staff", "-", "--by-attr", "group"],
                      input="Staff *lean* on peers.\n")
    assert r.exit_code == 0, r.output
    table = runner.invoke(cli, ["-p", root, "framework"]).output
    assert "1 Peers carry *hope*." in table and "-" in table
    rows = json.loads(runner.invoke(cli, ["-p", root, "framework", "--format", "json"]).output)
    assert {(r["case"], r["code"], r["state"]) for r in rows} >= {("SU01", "1 Belonging", "done"),
                                                                   ("SU01", "2 Staff", "empty"),
                                                                   ("ST01", "1 Belonging", "open")}
    by_group = json.loads(runner.invoke(cli, ["-p", root, "framework", "--by-attr", "group", "--format",
                                              "json"]).output)
    assert any(r["case"] == "staff" and r["summary"] == "Staff *lean* on peers." for r in by_group)
    for args in (["framework", "summarise", "NOPE", "Staff", "x"], ["framework", "--by-attr", "nope"],
                 ["framework", "summarise", "SU01", "Nope", "x"]):
        with pytest.raises(SystemExit) as exit_:
            main(["-p", root, *args])
        assert exit_.value.code != 0 and capsys.readouterr().err.count("\n") == 1


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_exports_carry_summaries_and_quotes(project, doc, tmp_path):
    from docx import Document

    theme, *_ = setup(project, doc)
    project.framework.set(doc_case(doc.id), theme.id, "# Note\n\nPeers **help** [see](https://example.org).")
    runner = CliRunner()
    outs = {fmt: tmp_path / f"fw.{fmt}" for fmt in ("csv", "md", "html", "docx")}
    for out in outs.values():
        r = runner.invoke(cli, ["-p", str(project.root), "export", "framework", "-o", str(out), "--quotes"])
        assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(outs["csv"].read_text())))
    cell = next(r for r in rows if r["case"] == "SU01" and r["code"] == "1 Belonging")
    assert cell["summary"].startswith("# Note") and "The other patients \u2014 SU01, Sam, l. 5" in cell["quotes"]
    md = outs["md"].read_text()
    assert "| SU01 | # Note Peers **help** [see](https://example.org). |" in md and "> \u2014 *SU01, Sam, l. 5*" in md
    page = _Text()
    page.feed(outs["html"].read_text())
    assert ("strong", {}) in page.tags and not any("href" in a or "src" in a for _, a in page.tags)
    assert "**" not in "".join(page.text) and "\u2014 SU01, Sam, l. 5" in "".join(page.text)
    table = Document(str(outs["docx"])).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Case", "1 Belonging", "2 Staff"]
    su01 = next(r for r in table.rows if r.cells[0].text == "SU01")
    runs = [r for p in su01.cells[1].paragraphs for r in p.runs]
    assert any(r.bold and r.text == "help" for r in runs) and any(r.bold and r.text == "Note" for r in runs)
    r = runner.invoke(cli, ["-p", str(project.root), "export", "framework", "-o", str(tmp_path / "fw.txt")])
    assert r.exit_code != 0


def test_summaries_merge_keep_both_on_conflict(tmp_path, project, doc):
    import shutil

    from qualtui.team.merge import merge
    from qualtui.project import Project

    theme, peer, staff, other = setup(project, doc)
    project.framework.set(doc_case(doc.id), theme.id, "ours")
    copy_root = tmp_path / "copy"
    shutil.copytree(project.root, copy_root)
    theirs = Project.open(copy_root, coder="bob")
    theirs.framework.set(doc_case(doc.id), theme.id, "theirs")
    theirs.framework.set(doc_case(other.id), staff.id, "only there")
    theirs.framework.set(attr_case("group", "staff"), staff.id, "by group")
    result = merge(project, theirs)
    cells = project.framework.cells()
    assert cells[(doc_case(other.id), staff.id)].text == "only there"
    assert cells[(attr_case("group", "staff"), staff.id)].text == "by group"
    both = cells[(doc_case(doc.id), theme.id)].text
    assert both.startswith("ours") and both.endswith("theirs") and "Merged from" in both
    assert result.counts()[("framework cell", "conflict")] == 1
    again = merge(project, theirs)
    assert not again.summaries


def test_summaries_are_pseudonymised_checked_and_exported_to_refi(project, doc, tmp_path):
    from qualtui.safety.integrity import check
    from qualtui.editing.pseudonymise import NameMap, pseudonymise_project

    theme, peer, staff, other = setup(project, doc)
    project.framework.set(doc_case(doc.id), theme.id, "Sam says peers help.")
    pseudonymise_project(project, NameMap([("Sam", "Pat")]))
    assert project.framework.all()[0].text == "Pat says peers help."

    out = tmp_path / "p.qdpx"
    r = CliRunner().invoke(cli, ["-p", str(project.root), "export", "qdpx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    root = ET.fromstring(zipfile.ZipFile(out).read("project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    note = next(n for n in root.iter(f"{ns}Note") if n.get("name") == "Framework: SU01 x Belonging")
    refs = {e.get("targetGUID") for e in root.iter(f"{ns}NoteRef")}
    assert note.get("guid") in refs and note.find(f"{ns}PlainTextContent").text == "Pat says peers help."
    attached = [el.get("name") for el in root.iter() if any(r.get("targetGUID") == note.get("guid")
                                                             for r in el.findall(f"{ns}NoteRef"))]
    assert sorted(attached) == ["Belonging", "SU01"]

    assert check(project.root) == []
    project.store.project.put("framework", {"id": "x", "case": "doc:gone", "code": theme.id, "text": "t"})
    problems = check(project.root)
    assert [(p.kind, p.message) for p in problems] == [("framework", "the document of its row no longer exists")]


def test_deleting_or_merging_a_code_takes_its_summaries_along(project, doc):
    from qualtui.editing.codebook_ops import delete_code, merge_codes

    theme, peer, staff, other = setup(project, doc)
    project.framework.set(doc_case(doc.id), staff.id, "staff cell")
    project.framework.set(doc_case(doc.id), theme.id, "theme cell")
    _, change = merge_codes(project, staff.id, theme.id)
    assert project.framework.cells()[(doc_case(doc.id), theme.id)].text.endswith("staff cell")
    assert len(project.framework.all()) == 1
    change.undo()
    assert {s.text for s in project.framework.all()} == {"staff cell", "theme cell"}
    _, change = delete_code(project, staff.id)
    assert [s.text for s in project.framework.all()] == ["theme cell"]
    change.undo()
    assert len(project.framework.all()) == 2
    project.docs.delete(doc.id)
    assert project.framework.all() == []


def test_backups_include_the_summaries(project, doc):
    import tarfile

    from qualtui.safety.backup import write_backup

    theme, *_ = setup(project, doc)
    project.framework.set(doc_case(doc.id), theme.id, "kept in the backup")
    archive = write_backup(project.root)
    with tarfile.open(archive) as tar:
        marker = next(m for m in tar.getmembers() if m.name.endswith("/qualtui.json"))
        data = json.loads(tar.extractfile(marker).read())
    assert [r["text"] for r in data["framework"].values()] == ["kept in the backup"]


def test_documents_without_the_attribute_form_the_none_row(project, doc):
    from qualtui.analysis.framework import find_case

    theme, *_ = setup(project, doc)
    project.docs.add(read_plain(ST01.encode(), "X.txt"), "X")
    matrix = build_framework(project, by_attr="group")
    assert [c.label for c in matrix.cases] == ["service user", "staff", "(none)"]
    assert find_case(matrix, project, "(None)").documents == (project.docs.get("X").id,)
    r = CliRunner().invoke(cli, ["-p", str(project.root), "framework", "summarise", "(none)", "Belonging", "x",
                                 "--by-attr", "group"])
    assert r.exit_code == 0 and "summary saved: (none) x Belonging" in r.output


def test_repair_keeps_an_orphan_summary_as_a_project_memo(project, doc):
    from qualtui.safety.integrity import check
    from qualtui.safety.repair import repair

    theme, *_ = setup(project, doc)
    project.store.project.put("framework", {"id": "x", "case": doc_case(doc.id), "code": "gone", "text": "keep me"})
    problems = check(project.root)
    assert [(p.kind, p.message, p.repairable) for p in problems] == [
        ("framework", "the code of its column no longer exists", True)]
    repair(project.root)
    assert check(project.root) == [] and project.framework.all() == []
    memo = project.memos.all(kind="project")[-1]
    assert memo.text == "keep me" and memo.title.startswith("Framework summary")
