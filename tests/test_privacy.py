"""Privacy: private modes whatever the umask, the opt-in group mode, and no network at all."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.cli.export import EXPORTERS

TRANSCRIPT = "Interviewer: How was the ward?\nSam: Hard at first. The others helped.\n"


@pytest.fixture
def umask():
    previous = os.umask(0o022)
    yield lambda value: os.umask(value)
    os.umask(previous)


def full_session(tmp_path: Path, *extra_init: str) -> tuple[Path, Path]:
    """init, add, code, memo, every export, check, backup (manual and automatic)."""
    from qualtui.safety.backup import automatic_backup

    root, out = tmp_path / "project", tmp_path / "exports"
    out.mkdir()
    source = tmp_path / "SU01.txt"
    source.write_text(TRANSCRIPT)
    runner = CliRunner()

    def ok(*args: str) -> None:
        result = runner.invoke(cli, list(args))
        assert result.exit_code == 0, (args, result.output, result.exception)

    ok("init", str(root), *extra_init)
    ok("-p", str(root), "add", str(source))
    ok("-p", str(root), "code", "SU01", "Support", "--lines", "2", "--create", "--memo", "helped")
    ok("-p", str(root), "memo", "add", "first impressions")
    for fmt in sorted(EXPORTERS):   # the framework export takes its format from the file's suffix
        ok("-p", str(root), "export", fmt, "-o", str(out / (f"export.{fmt}" + (".csv" if fmt == "framework" else ""))))
    ok("-p", str(root), "check")
    ok("-p", str(root), "backup")
    ok("-p", str(root), "backup", "-o", str(out / "copy.zip"))
    assert automatic_backup(root) is not None
    return root, out


def modes(root: Path) -> dict[str, tuple[str, int]]:
    found = {".": ("dir", stat.S_IMODE(os.stat(root).st_mode))}
    for path in root.rglob("*"):
        st = os.lstat(path)
        found[str(path.relative_to(root))] = ("dir" if stat.S_ISDIR(st.st_mode) else "file", stat.S_IMODE(st.st_mode))
    return found


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o002])
def test_everything_created_is_private_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    root, out = full_session(tmp_path)
    found = modes(root)
    assert any(k.endswith(".lock") for k in found) and any(k.startswith("backups/") for k in found)
    wrong = {k: oct(m) for k, (kind, m) in found.items() if m != (0o700 if kind == "dir" else 0o600)}
    assert wrong == {}
    exported = {p.name: oct(stat.S_IMODE(os.stat(p).st_mode)) for p in out.iterdir()}
    assert len(exported) == len(EXPORTERS) + 1
    assert {m for m in exported.values()} == {oct(0o600)}, exported


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_shared_group_mode_is_opt_in_and_exact(tmp_path, umask, mask):
    umask(mask)
    root, out = full_session(tmp_path, "--shared-group")
    wrong = {k: oct(m) for k, (kind, m) in modes(root).items() if m != (0o2770 if kind == "dir" else 0o660)}
    assert wrong == {}
    from qualtui.safety.integrity import check

    assert check(root) == []


class NetworkUsed(AssertionError):
    pass


def test_a_whole_session_never_touches_the_network_or_runs_programs(tmp_path, monkeypatch):
    attempts: list[str] = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(name)
            raise NetworkUsed(f"{name} called")

        return blocked

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair", "fromfd"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"), raising=False)
    monkeypatch.setattr(subprocess, "Popen", refuse("subprocess.Popen"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    monkeypatch.setattr(os, "execv", refuse("os.execv"))
    full_session(tmp_path)
    assert attempts == []
    with pytest.raises(NetworkUsed):  # the guard itself works
        socket.create_connection(("example.org", 80))
