"""qualtui check / check --repair: each kind of damage is found, and repaired when safe."""

from __future__ import annotations

import json
import os
import tarfile

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.safety.integrity import check
from qualtui.safety.repair import repair


@pytest.fixture
def coded(project, doc):
    theme = project.codes.create("Theme")
    hope = project.codes.create("Hope", parent=theme.id)
    coding = project.codings.add(doc.id, hope.id, 0, 11, memo="first")
    project.memos.add("document", "about SU01", target=doc.id)
    project.memos.add("code", "about hope", target=hope.id)
    return project, doc, hope, coding


def kinds(root):
    return sorted({p.kind for p in check(root)})


def run(root, *args):
    return CliRunner().invoke(cli, ["-p", str(root), "check", *args])


def codings_file(project, doc):
    return project.root / "documents" / f"{doc.id}.json"


def test_clean_project_passes(coded):
    project = coded[0]
    assert check(project.root) == []
    result = run(project.root)
    assert result.exit_code == 0 and "no problems" in result.output


def test_invalid_codings_are_found_and_removed_with_a_copy(coded):
    project, doc, hope, coding = coded
    path = codings_file(project, doc)
    data = json.loads(path.read_bytes())
    good = data["codings"][coding.id]
    data["codings"]["bad-span"] = dict(good, id="bad-span", start=5, end=4000)
    data["codings"]["empty"] = dict(good, id="empty", start=7, end=7)
    data["codings"]["no-code"] = dict(good, id="no-code", code="gone")
    path.write_bytes(json.dumps(data).encode())
    result = run(project.root)
    assert result.exit_code == 1
    assert len([line for line in result.stdout.splitlines() if line.startswith("coding ")]) == 3
    fixed = run(project.root, "--repair")
    assert fixed.exit_code == 0, fixed.output
    assert [c.id for c in project.codings.for_document(doc.id)] == [coding.id]
    saved = list((project.root / "backups").glob("repair-*/codings-*.json"))
    assert len(saved) == 1 and set(json.loads(saved[0].read_bytes())) == {"bad-span", "empty", "no-code"}
    assert list((project.root / "backups").glob("before-repair-*.tar.gz"))
    assert check(project.root) == []
    assert any(json.loads(line)["action"] == "repair" for line in (project.root / "audit.jsonl").read_text().splitlines())


def test_codebook_parents_and_cycles(coded):
    project, doc, hope, coding = coded
    a = project.codes.create("A")
    b = project.codes.create("B", parent=a.id)
    data = json.loads((project.root / "qualtui.json").read_bytes())
    data["codes"][a.id]["parent"] = b.id  # A -> B -> A
    data["codes"][hope.id]["parent"] = "missing"
    (project.root / "qualtui.json").write_bytes(json.dumps(data).encode())
    assert kinds(project.root) == ["code-cycle", "code-parent"]
    report = repair(project.root)
    assert report.remaining == []
    assert project.codes.by_id(hope.id).parent is None
    assert {project.codes.by_id(a.id).parent, project.codes.by_id(b.id).parent} & {None}


def test_memo_whose_target_is_gone_becomes_a_project_memo(coded):
    project, doc, hope, coding = coded
    project.codes.delete_records([hope.id])  # leaves its memo and coding dangling
    assert kinds(project.root) == ["coding", "memo"]
    assert repair(project.root).remaining == []
    kept = [m for m in project.memos.all() if m.text == "about hope"]
    assert kept and kept[0].kind == "project" and "removed code" in kept[0].title


def test_torn_audit_line_is_reported_and_truncated(coded):
    project = coded[0]
    log = project.root / "audit.jsonl"
    before = log.read_bytes()
    with open(log, "ab") as fh:
        fh.write(b'{"time":"2025-01-01","act')
    problems = check(project.root)
    assert [p.kind for p in problems] == ["audit-torn"] and "torn" in problems[0].message
    assert repair(project.root).remaining == []
    assert log.read_bytes().startswith(before)
    assert log.read_bytes().endswith(b"\n")
    assert list((project.root / "backups").glob("repair-*/audit-torn-lines.txt"))[0].read_bytes().endswith(b'"act\n')


def test_an_entry_written_after_a_torn_one_stays_readable_and_repair_keeps_it(coded):
    project = coded[0]
    log = project.root / "audit.jsonl"
    with open(log, "ab") as fh:
        fh.write(b'{"time":"2025-01-01","act')  # a writer killed mid-line
    project.audit("after.the.crash", note="must stay readable")
    lines = log.read_bytes().split(b"\n")
    assert lines[-2].startswith(b'{"time"') and b"after.the.crash" in lines[-2]
    assert [p.kind for p in check(project.root)] == ["audit-torn"]
    assert repair(project.root).remaining == []
    assert check(project.root) == []
    assert b"after.the.crash" in log.read_bytes() and b'"act\n' not in log.read_bytes()


def test_damaged_audit_line_in_the_middle_is_not_repairable(coded):
    project = coded[0]
    log = project.root / "audit.jsonl"
    lines = log.read_bytes().split(b"\n")
    lines[1] = b"garbage"
    log.write_bytes(b"\n".join(lines))
    problems = check(project.root)
    assert [(p.kind, p.repairable) for p in problems] == [("audit", False)]
    assert "line 2" in problems[0].where


def test_temp_files_orphans_and_permissions(coded):
    project, doc, *_ = coded
    docs = project.root / "documents"
    (docs / f".{doc.id}.json.999999999.tmp").write_bytes(b"{")
    (docs / ".live.json.1.tmp").write_bytes(b"{")  # pid 1 is alive: an in-flight write, not a problem
    (docs / "0000-orphan.txt").write_bytes(b"left by a crashed import")
    os.chmod(docs / f"{doc.id}.txt", 0o644)
    os.chmod(docs, 0o755)
    assert kinds(project.root) == ["orphan-file", "permissions", "temp-file"]
    report = repair(project.root)
    assert report.remaining == []
    assert not (docs / f".{doc.id}.json.999999999.tmp").exists() and (docs / ".live.json.1.tmp").exists()
    assert (report.saved / "0000-orphan.txt").read_bytes() == b"left by a crashed import"
    assert oct(os.stat(docs).st_mode & 0o7777) == oct(0o700)


def test_missing_codings_and_turns_files_are_recreated(coded):
    project, doc, *_ = coded
    turns_before = project.docs.turns(doc.id)
    (project.root / "documents" / f"{doc.id}.turns.json").unlink()
    codings_file(project, doc).write_bytes(b"{not json")
    assert kinds(project.root) == ["codings-file", "turns"]
    report = repair(project.root)
    assert report.remaining == []
    assert project.docs.turns(doc.id) == turns_before  # rebuilt from the unchanged text
    assert (report.saved / f"{doc.id}.json").read_bytes() == b"{not json"


def test_changed_text_is_reported_and_never_touched(coded):
    project, doc, *_ = coded
    path = project.root / "documents" / f"{doc.id}.txt"
    path.write_bytes(path.read_bytes().replace(b"Sam", b"Bob"))
    damaged = path.read_bytes()
    problems = check(project.root)
    assert [(p.kind, p.repairable) for p in problems] == [("text", False)]
    report = repair(project.root)
    assert [p.kind for p in report.remaining] == ["text"] and report.backup is None
    assert path.read_bytes() == damaged
    assert run(project.root, "--repair").exit_code == 1


def test_missing_text_and_damaged_project_file(coded):
    project, doc, *_ = coded
    (project.root / "documents" / f"{doc.id}.txt").unlink()
    assert kinds(project.root) == ["text"]
    (project.root / "qualtui.json").write_bytes(b'{"meta": {"project": ')
    result = run(project.root)
    assert result.exit_code == 1 and "damaged" in result.output
    assert run(project.root, "--repair").exit_code == 1


def test_schema_newer_and_unreadable_records(coded):
    project = coded[0]
    data = json.loads((project.root / "qualtui.json").read_bytes())
    data["meta"]["project"]["schema"] = 99
    data["codes"]["x"] = {"id": "x", "name": 5}
    data["documents"]["y"] = {"id": "other"}
    (project.root / "qualtui.json").write_bytes(json.dumps(data).encode())
    problems = check(project.root)
    assert sorted(p.kind for p in problems) == ["meta", "record", "record"]
    assert all(not p.repairable for p in problems)


def test_symlink_in_project_is_reported(coded, tmp_path):
    project = coded[0]
    (tmp_path / "elsewhere").write_text("x")
    os.symlink(tmp_path / "elsewhere", project.root / "documents" / "link.txt")
    assert kinds(project.root) == ["symlink"]


def test_shared_group_modes_are_accepted(tmp_path):
    from qualtui.project import Project

    project = Project.init(tmp_path / "team", shared_group=True)
    code = project.codes.create("A")
    assert check(project.root) == []
    os.chmod(project.root / "qualtui.json", 0o600)
    assert kinds(project.root) == ["permissions"]
    repair(project.root)
    assert oct(os.stat(project.root / "qualtui.json").st_mode & 0o777) == oct(0o660)
    assert project.codes.by_id(code.id)


def test_check_output_is_one_line_per_problem_and_repair_backup_restores(coded, tmp_path):
    project, doc, hope, coding = coded
    data = json.loads(codings_file(project, doc).read_bytes())
    data["codings"][coding.id]["end"] = 10**6
    codings_file(project, doc).write_bytes(json.dumps(data).encode())
    result = run(project.root)
    assert result.stdout.count("\n") == 1
    report = repair(project.root)
    with tarfile.open(report.backup) as archive:
        archive.extractall(tmp_path / "restored")
    (restored,) = (tmp_path / "restored").iterdir()
    assert json.loads((restored / "documents" / f"{doc.id}.json").read_bytes())["codings"][coding.id]["end"] == 10**6
