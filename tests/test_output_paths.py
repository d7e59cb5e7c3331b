"""No command writes a file the user names inside the project folder (except backups into backups/).

``export md -o qualtui.json`` used to replace the project file; the same held for the audit
log and transcripts, and for paths that reach the project through ``..`` or a symbolic link.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester")
    env.pop("QUALTUI_PROJECT", None)
    return env


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualtui", *args], capture_output=True, env=_env(),
                          cwd=cwd, timeout=120)


def _digest(root: Path) -> dict[str, str]:
    """Every file in the project (backups/ aside) and its content hash."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith("backups/") and not path.name.endswith(".lock"):
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def coded(project, doc):
    code = project.codes.create("Support")
    project.codings.add(doc.id, code.id, 0, 11)
    return project, doc


EXPORTS = [["md"], ["html"], ["csv"], ["docx"], ["qdpx"], ["qdc"]]


def _targets(root: Path, doc_id: str, outside: Path) -> list[str]:
    link = outside / "sneaky-link"
    if not link.is_symlink():
        link.symlink_to(root / "qualtui.json")
    folder_link = outside / "project-alias"
    if not folder_link.is_symlink():
        folder_link.symlink_to(root)
    return [
        str(root / "qualtui.json"),
        str(root / "audit.jsonl"),
        str(root / "documents" / f"{doc_id}.txt"),
        str(root / "documents" / f"{doc_id}.json"),
        str(root / "documents" / ".." / "qualtui.json"),
        str(root / "report.out"),  # a new file inside the project is refused too
        str(root / "backups" / "report.out"),  # backups/ is only for backups
        str(link),
        str(folder_link / "audit.jsonl"),
    ]


@pytest.mark.parametrize("fmt", EXPORTS, ids=lambda f: f[0])
def test_exports_refuse_every_target_inside_the_project(coded, tmp_path, fmt):
    project, doc = coded
    root = project.root
    outside = tmp_path / "outside"
    outside.mkdir()
    before = _digest(root)
    for target in _targets(root, doc.id, outside):
        run = _run("-p", str(root), "export", *fmt, "-o", target)
        assert run.returncode == 1, (target, run.stdout, run.stderr)
        lines = run.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and "inside the project folder" in lines[0], (target, lines)
        assert _digest(root) == before, target
    assert (outside / "sneaky-link").is_symlink()


def test_exports_still_write_outside_the_project(coded, tmp_path):
    project, _ = coded
    target = tmp_path / "report.md"
    run = _run("-p", str(project.root), "export", "md", "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert target.read_text().startswith("#")


def test_export_to_a_relative_path_from_inside_the_project_is_refused(coded):
    project, _ = coded
    run = _run("export", "csv", "-o", "qualtui.json", cwd=project.root / "documents")
    assert run.returncode == 1 and b"inside the project folder" in run.stderr  # documents/qualtui.json
    run = _run("export", "csv", "-o", "../qualtui.json", cwd=project.root / "documents")
    assert run.returncode == 1 and b"inside the project folder" in run.stderr
    assert project.codes.find("Support") is not None


def test_backup_refuses_project_files_but_writes_into_backups(coded, tmp_path):
    project, doc = coded
    root = project.root
    before = _digest(root)
    for target in [root / "qualtui.tar.gz", root / "documents" / "x.tar.gz",
                   root / "backups" / ".." / "audit.tar.gz"]:
        run = _run("-p", str(root), "backup", "-o", str(target))
        assert run.returncode == 1, (target, run.stderr)
        assert b"inside the project folder" in run.stderr or b"outside the project folder" in run.stderr
        assert not target.exists()
    assert _digest(root) == before
    assert _run("-p", str(root), "backup").returncode == 0  # creates backups/
    run = _run("-p", str(root), "backup", "-o", str(root / "backups" / "mine.tar.gz"))
    assert run.returncode == 0, run.stderr
    assert (root / "backups" / "mine.tar.gz").is_file()


def test_new_projects_are_not_created_inside_a_project(coded, tmp_path):
    project, _ = coded
    root = project.root
    before = _digest(root)
    for args in (["init", str(root / "documents")], ["init", str(root / "nested")],
                 ["demo", str(root / "backups" / "demo"), "--no-open"]):
        run = _run(*args)
        assert run.returncode == 1, (args, run.stdout, run.stderr)
        assert b"inside the project folder" in run.stderr, run.stderr
    assert _digest(root) == before
    assert not (root / "nested").exists() and not (root / "backups" / "demo").exists()


def test_the_helper_resolves_links_and_dotdot(tmp_path):
    from qualtui.errors import QualtuiError
    from qualtui.safeio.output_paths import refuse_inside_project

    root = tmp_path / "p"
    (root / "backups").mkdir(parents=True)
    (tmp_path / "alias").symlink_to(root)
    for target in [root / "x", tmp_path / "alias" / "x", root / "backups" / ".." / "x", root]:
        with pytest.raises(QualtuiError, match="inside the project folder"):
            refuse_inside_project(target, root)
    refuse_inside_project(root / "backups" / "b.tar.gz", root, allow="backups")
    with pytest.raises(QualtuiError):
        refuse_inside_project(root / "backups" / ".." / "b.tar.gz", root, allow="backups")
    refuse_inside_project(tmp_path / "p2" / "x", root)  # a sibling whose name starts the same is outside
