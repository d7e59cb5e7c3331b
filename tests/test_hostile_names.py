"""Control characters and terminal escape sequences in names, values, memos and file names.

They are stored cleaned and no command ever writes them to the terminal: the
bytes of stdout and stderr never contain ESC, a C1 control (CSI 0x9b) or BEL.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from qualtui.cli import cli, main
from qualtui.cli.export import EXPORTERS

EVIL = "\x1b]0;owned\x07\x1b[2J\x1b[31mRed\x9b1m\x07\x08\r\x00Name\x1bP+q\x1b\\"
ARG = EVIL.replace("\x00", "")  # a command line cannot carry NUL
FORBIDDEN = re.compile(rb"\x1b|\xc2\x9b|\x07|\x00|\x08|\r")


def assert_clean(data: bytes, what) -> None:
    match = FORBIDDEN.search(data)
    assert match is None, f"{what} printed a control byte {match.group()!r}: {data[max(0, match.start() - 40):match.end() + 10]!r}"


@pytest.fixture
def hostile(tmp_path):
    root = tmp_path / "p"
    runner = CliRunner()
    source = tmp_path / f"{ARG}.txt"
    source.write_text("Interviewer: hello \x1b[31mthere\x1b]0;title\x07\nSam: a reply with \x1b[2J inside\n")
    steps = [
        ["init", str(root), "--name", ARG],
        ["-p", str(root), "add", str(source), "--attr", f"site={EVIL}", "--attr", f"{EVIL}=x"],
        ["-p", str(root), "attr", "set", "Red Name", f"note={EVIL}"],
        ["-p", str(root), "code", "Red Name", EVIL, "--span", "0:5", "--create", "--memo", EVIL],
        ["-p", str(root), "memo", "add", EVIL, "--title", EVIL],
    ]
    results = []
    for args in steps:
        result = runner.invoke(cli, args)
        results.append(result)
    return root, results


def test_labels_are_stored_cleaned(hostile):
    from qualtui.project import Project

    root, results = hostile
    for result in results:
        assert result.exit_code == 0, (result.output, result.exception)
        assert_clean(result.stdout_bytes, "setup")
    project = Project.open(root)
    (doc,) = project.docs.all()
    (code,) = project.codes.all()
    strings = [project.name, doc.name, doc.source, code.name, *doc.attributes, *doc.attributes.values(),
               *(m.text for m in project.memos.all()), *(m.title for m in project.memos.all()),
               *(c.memo or "" for c in project.codings.iter_all()), project.docs.text(doc.id)]
    for value in strings:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value), repr(value)
    assert "Name" in code.name and "Red" in code.name


def commands(root) -> list[list[str]]:
    base = ["-p", str(root)]
    out = [
        [*base, "docs"], [*base, "docs", "--format", "csv"], [*base, "docs", "--format", "json"],
        [*base, "show", "Red"], [*base, "codings"], [*base, "codings", "--format", "csv"],
        [*base, "codings", "--format", "json"], [*base, "attr", "list"], [*base, "codes"],
        [*base, "codes", "--tree"], [*base, "codes", "--format", "json"], [*base, "memos"],
        [*base, "memos", "--format", "csv"], [*base, "check"], [*base, "backup"],
        [*base, "freq"], [*base, "cooccur"], [*base, "retrieve", "Red Name"], [*base, "search", "reply"],
        [*base, "matrix", "site"],
    ]
    out += [[*base, "export", fmt] for fmt in sorted(EXPORTERS) if fmt in ("md", "csv", "html")]
    return out


def test_no_command_echoes_control_characters(hostile, capsysbinary):
    root, _ = hostile
    for args in commands(root):
        try:
            main(args)
        except SystemExit:
            pass
        out, err = capsysbinary.readouterr()
        assert_clean(out, args)
        assert_clean(err, args)


@pytest.mark.parametrize("args", [
    ["show", ARG], ["code", ARG, "x", "--span", "0:1"], ["uncode", "Red", ARG], ["attr", "set", ARG, "a=b"],
    ["codings", "--code", ARG], ["backup", "-o", f"/nonexistent/{ARG}.zip"], ["pseudonymise", "--map", f"/no/{ARG}"],
    ["add", f"/nonexistent/{ARG}.txt"], ["code", "Red", "x", "--span", ARG],
])
def test_errors_about_hostile_input_are_clean(hostile, capsysbinary, args):
    root, _ = hostile
    try:
        main(["-p", str(root), *args])
    except SystemExit as exc:
        assert exc.code != 0
    out, err = capsysbinary.readouterr()
    assert_clean(out, args)
    assert_clean(err, args)


def test_check_reports_hostile_file_names_safely(hostile, capsysbinary):
    root, _ = hostile
    (root / "documents" / f"{ARG}.txt").write_bytes(b"stray")
    with pytest.raises(SystemExit):
        main(["-p", str(root), "check"])
    out, err = capsysbinary.readouterr()
    assert b"belongs to no document" in out
    assert_clean(out, "check")
    assert_clean(err, "check")
