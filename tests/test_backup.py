"""qualtui backup and the rotating automatic backup; a restored backup is the same project."""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from stores.layout import CACHES
from qualtui.safety.backup import automatic_backup, backups, write_backup
from qualtui.cli import cli
from qualtui.safety.integrity import check
from qualtui.project import Project
from qualtui.safety.repair import repair


@pytest.fixture
def coded(project, doc):
    code = project.codes.create("Hope")
    project.codings.add(doc.id, code.id, 0, 11, memo="a memo")
    project.memos.add("project", "journal entry")
    return project


def project_files(root: Path) -> dict[str, bytes]:
    """Every file of the project's data (the codings index is a cache: backups leave it out)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith("backups") and not path.name.endswith(".lock") \
                and rel not in CACHES:
            out[rel] = path.read_bytes()
    return out


def extract(archive: Path, into: Path) -> Path:
    into.mkdir()
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(into)
    else:
        with tarfile.open(archive) as t:
            t.extractall(into)
    (top,) = into.iterdir()
    return top


@pytest.mark.parametrize("as_zip", [False, True])
def test_backup_restores_to_an_equal_project_that_passes_check(coded, tmp_path, as_zip):
    codes = {code.id for code in coded.codes.all()}
    for doc in coded.docs.all():
        coded.docs.turn_spans(doc.id)   # the turns and coding-columns indexes are written by their first reader
        coded.codings.columns_of(doc.id, codes)
    args = ["-p", str(coded.root), "backup"] + (["--zip"] if as_zip else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (archive,) = backups(coded.root)
    assert archive.name.startswith("backup-") and archive.name.endswith(".zip" if as_zip else ".tar.gz")
    assert os.stat(archive).st_mode & 0o777 == 0o600
    restored = extract(archive, tmp_path / "restored")
    assert project_files(restored) == project_files(coded.root)
    for cache in CACHES:
        assert (coded.root / cache).exists() and not (restored / cache).exists()
    assert Project.open(restored).codings.counts() == coded.codings.counts()  # rebuilt on first use
    if as_zip:  # Python's zipfile does not restore file modes (unzip does); repair sets them
        assert {p.kind for p in check(restored)} == {"permissions"}
        repair(restored)
    assert check(restored) == []
    reopened = Project.open(restored)
    assert [c.memo for c in reopened.codings.iter_all()] == ["a memo"]


def test_backup_leaves_out_backups_locks_and_temp_files(coded, tmp_path):
    (coded.root / "documents" / ".x.json.424242.tmp").write_bytes(b"partial")
    first = write_backup(coded.root)
    second = write_backup(coded.root)
    with tarfile.open(second) as archive:
        names = archive.getnames()
    assert not any("backups" in n or n.endswith((".lock", ".tmp")) for n in names)
    assert first != second


def test_backup_output_options(coded, tmp_path):
    runner = CliRunner()
    target = tmp_path / "copy.zip"
    assert runner.invoke(cli, ["-p", str(coded.root), "backup", "-o", str(target)]).exit_code == 0
    assert zipfile.is_zipfile(target) and os.stat(target).st_mode & 0o777 == 0o600
    again = runner.invoke(cli, ["-p", str(coded.root), "backup", "-o", str(target)])
    assert again.exit_code == 1 and "already exists" in str(again.exception)
    bad = runner.invoke(cli, ["-p", str(coded.root), "backup", "-o", str(tmp_path / "copy.rar")])
    assert bad.exit_code == 1 and ".tar.gz" in str(bad.exception)
    inside = runner.invoke(cli, ["-p", str(coded.root), "backup", "-o", str(coded.root / "documents" / "b.zip")])
    assert inside.exit_code == 1
    folder = runner.invoke(cli, ["-p", str(coded.root), "backup", "-o", str(tmp_path)])
    assert folder.exit_code == 0 and list(tmp_path.glob("backup-*.tar.gz"))


def test_automatic_backup_skips_when_unchanged_and_rotates(coded):
    first = automatic_backup(coded, keep=2)
    assert first is not None and first.name.startswith("auto-")
    assert automatic_backup(coded, keep=2) is None  # nothing changed
    made = [first]
    for name in ("A", "B", "C"):
        coded.codes.create(name)
        made.append(automatic_backup(coded, keep=2))
    assert all(made)
    assert backups(coded.root, "auto-") == made[-2:]
    write_backup(coded.root)
    coded.codes.create("D")
    automatic_backup(coded, keep=2)
    assert len(backups(coded.root, "backup-")) == 1  # manual backups are never rotated away
    assert check(coded.root) == []


def test_a_zip_backup_has_an_entry_for_the_project_folder_itself_with_its_mode(coded):
    """unzip restores each folder's mode from its entry: without one for the project folder, a restored zip
    came back 0755 and 'qualtui check' reported it (the .tar.gz has one)."""
    assert CliRunner().invoke(cli, ["-p", str(coded.root), "backup", "--zip"]).exit_code == 0
    (archive,) = backups(coded.root)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        folders = {i.filename: i.external_attr >> 16 for i in z.infolist() if i.is_dir()}
    top = names[-1].split("/", 1)[0]
    assert f"{top}/" in folders and f"{top}/documents/" in folders
    assert set(folders.values()) == {0o40700}
