"""Non-UTF-8 bytes in arguments and file names: one line and nothing changed, never a traceback.

A path the system can open is used as it is; a name that would be stored must be valid text.  Names
qualtui derives from a path (a project named after its folder, a document after its file) keep
what can be read and show the rest as U+FFFD.  Run as real processes with bytes in argv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = b"\xff\xfe"


def _env(**extra: str | bytes) -> dict:
    env = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items()}
    env.update({b"PYTHONPATH": os.fsencode(str(ROOT)), b"QUALTUI_CODER": b"tester", b"LC_ALL": b"C.UTF-8"})
    env.pop(b"QUALTUI_PROJECT", None)
    env.update({os.fsencode(k): os.fsencode(v) for k, v in extra.items()})
    return env


def qualtui(*args: bytes | str | Path, cwd: Path, **env: str | bytes) -> subprocess.CompletedProcess:
    argv = [os.fsencode(sys.executable), b"-m", b"qualtui", *(os.fsencode(a) for a in args)]
    return subprocess.run(argv, capture_output=True, env=_env(**env), cwd=cwd, timeout=120)


def _snapshot(root: Path) -> dict[bytes, str]:
    found = {}
    for dirpath, _, files in os.walk(os.fsencode(root)):
        for name in files:
            path = os.path.join(dirpath, name)
            if not name.endswith(b".lock"):
                with open(path, "rb") as fh:
                    found[path] = hashlib.sha256(fh.read()).hexdigest()
    return found


def _refused(run: subprocess.CompletedProcess) -> str:
    assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualtui:"), lines
    assert "\udcff" not in lines[0]
    return lines[0]


@pytest.fixture
def proj(tmp_path):
    assert qualtui("init", "p", cwd=tmp_path).returncode == 0
    (tmp_path / "g.txt").write_text("Interviewer: hello there\nSam: a reply\n")
    assert qualtui("-p", "p", "add", "g.txt", cwd=tmp_path).returncode == 0
    assert qualtui("-p", "p", "codes", "new", "Known", cwd=tmp_path).returncode == 0
    return tmp_path


STORED_NAMES = [
    ["codes", "new", b"bad" + BAD + b"name"],
    ["--coder", b"c" + BAD, "codes", "new", "Good"],
    ["codes", "new", "Good", "--description", b"d" + BAD],
    ["codes", "rename", "Known", b"r" + BAD],
    ["memo", "add", b"memo " + BAD],
    ["memo", "add", "fine", "--title", b"t" + BAD],
    ["attr", "set", "g", b"k" + BAD + b"=v"],
    ["attr", "set", "g", b"k=v" + BAD],
    ["code", "g", b"new" + BAD, "--span", "0:5", "--create"],
    ["code", "g", "Known", "--span", "0:5", "--memo", b"m" + BAD],
    ["add", "g2.txt", "--name", b"n" + BAD],
    ["add", "g2.txt", "--attr", b"site=" + BAD],
]


@pytest.mark.parametrize("args", STORED_NAMES, ids=lambda a: " ".join(x if isinstance(x, str) else x.decode("ascii", "backslashreplace") for x in a[:3]))
def test_a_name_that_is_not_text_is_refused_and_nothing_changes(proj, args):
    (proj / "g2.txt").write_text("Interviewer: another one\n")
    before = _snapshot(proj / "p")
    message = _refused(qualtui("-p", "p", *args, cwd=proj))
    assert "not valid text" in message, message
    assert _snapshot(proj / "p") == before
    assert qualtui("-p", "p", "check", cwd=proj).returncode == 0


def test_a_coder_name_from_the_environment_is_checked_too(proj):
    before = _snapshot(proj / "p")
    message = _refused(qualtui("-p", "p", "codes", "new", "Good", cwd=proj, QUALTUI_CODER=b"env" + BAD))
    assert "not valid text" in message
    assert _snapshot(proj / "p") == before


def test_init_with_an_explicit_bad_name_creates_nothing(tmp_path):
    _refused(qualtui("init", "fresh", "--name", b"n" + BAD, cwd=tmp_path))
    assert not (tmp_path / "fresh").exists()
    _refused(qualtui("--coder", b"c" + BAD, "init", "fresh", cwd=tmp_path))
    assert not (tmp_path / "fresh").exists()


def test_init_in_a_folder_whose_name_is_not_text(tmp_path):
    folder = os.fsencode(tmp_path) + b"/proj" + BAD
    run = qualtui("init", folder, cwd=tmp_path)
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr
    assert "proj\ufffd" in run.stdout.decode()
    run = qualtui("-p", folder, "check", cwd=tmp_path)
    assert run.returncode == 0, run.stdout


def test_add_a_file_whose_name_is_not_text(proj):
    source = os.fsencode(proj) + b"/f" + BAD + b"x.txt"
    with open(source, "wb") as fh:
        fh.write(b"Interviewer: hi there\nSam: hello\n")
    run = qualtui("-p", "p", "add", source, cwd=proj)
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr
    assert "f\ufffd\ufffdx" in run.stdout.decode()
    assert qualtui("-p", "p", "check", cwd=proj).returncode == 0
    run = qualtui("-p", "p", "docs", "--format", "csv", cwd=proj)
    assert "f\ufffd\ufffdx" in run.stdout.decode()


def test_export_to_a_path_that_is_not_text_works(proj):
    for fmt in ("md", "qdpx"):
        target = os.fsencode(proj) + b"/out" + BAD + b"." + fmt.encode()
        run = qualtui("-p", "p", "export", fmt, "-o", target, cwd=proj)
        assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr
        assert os.path.isfile(target)
    assert qualtui("-p", "p", "check", cwd=proj).returncode == 0


@pytest.mark.parametrize("args", [["search", BAD], ["show", BAD], ["retrieve", BAD], ["codings", BAD],
                                  ["uncode", "g", BAD + BAD], ["memo", "show", BAD + BAD]])
def test_lookups_with_bad_bytes_give_one_line(proj, args):
    run = qualtui("-p", "p", *args, cwd=proj)
    assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    if run.returncode != 0:
        _refused(run)


def test_refi_files_whose_names_are_not_text_can_be_imported(proj):
    qdpx = os.fsencode(proj) + b"/study" + BAD + b".qdpx"
    qdc = os.fsencode(proj) + b"/book" + BAD + b".qdc"
    assert qualtui("-p", "p", "export", "qdpx", "-o", qdpx, cwd=proj).returncode == 0
    assert qualtui("-p", "p", "export", "qdc", "-o", qdc, cwd=proj).returncode == 0
    run = qualtui("import-qdpx", qdpx, "copy", cwd=proj)
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr
    run = qualtui("-p", "copy", "import-qdc", qdc, cwd=proj)
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr
    assert qualtui("-p", "copy", "check", cwd=proj).returncode == 0


def test_any_bytes_give_a_storable_name_or_a_clean_refusal():
    from hypothesis import given
    from hypothesis import strategies as st

    from qualtui.errors import QualtuiError
    from qualtui.text.normalise import clean_label, escape_undecodable, safe_for_terminal, text_from_path

    @given(st.binary(max_size=40))
    def check(raw: bytes) -> None:
        arg = os.fsdecode(raw)  # what Python hands qualtui for these argv bytes
        text_from_path(arg).encode("utf-8")
        escape_undecodable(arg).encode("utf-8")
        safe_for_terminal(arg).encode("utf-8")
        try:
            clean_label(arg).encode("utf-8")
        except QualtuiError as exc:
            assert "not valid text" in str(exc)
            str(exc).encode("utf-8")
            assert raw.decode("utf-8", "surrogateescape") == arg
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        if raw.decode("utf-8", "replace") == arg:  # valid UTF-8 is kept as it is
            assert text_from_path(arg) == arg

    check()
