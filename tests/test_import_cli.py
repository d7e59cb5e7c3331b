"""`qualtui add` with a mix of good and hostile files: the good ones are added, each bad one is one line."""

from __future__ import annotations

import io
import os
import zipfile

import docx
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualtui.cli import cli
from qualtui.errors import ImportRejected
from qualtui.importers import read_bytes, turn_problem
from qualtui.text.normalise import normalise_text


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _zip(entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buf.getvalue()


def _tree(root) -> set[str]:
    return {os.path.relpath(os.path.join(folder, name), root)
            for folder, _dirs, files in os.walk(root) for name in files}


def test_add_mix_of_good_and_bad_files(project, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = {
        "SU01.txt": "Interviewer: How was it?\nSam: Fine.\nInterviewer: Thanks.\n".encode(),
        "SU02.docx": _docx("Interviewer: Hello", "Alex: Hi there", "Interviewer: Bye"),
        "ST01.vtt": b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Nurse>Hello</v>\n",
        "ST02.srt": b"1\n00:00:01,000 --> 00:00:02,000\nOT: Hi\n\n2\n00:00:02,000 --> 00:00:03,000\nOT: again\n",
    }
    xxe = _docx("x")
    with zipfile.ZipFile(io.BytesIO(xxe)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"?>", b'?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)
    bad = {
        "empty.txt": b"",
        "junk.docx": os.urandom(2000),
        "binary.txt": bytes(range(256)) * 8,
        "truncated.docx": _docx("Interviewer: hi")[:3000],
        "traversal.docx": _zip([("[Content_Types].xml", b"<a/>"), ("../../evil.txt", b"evil")]),
        "xxe.docx": _zip(parts.items()),
        "bomb.odt": _zip([("content.xml", b" " * 20_000_000)]),
        "esc\x1b[31mname.txt": b"\x00\x01\x02\x03\x04\x05\x06\x0e\x0f" * 100,
        "notes.pdf": b"%PDF-1.4",
    }
    for name, data in {**good, **bad}.items():
        (incoming / name).write_bytes(data)
    before_outside = _tree(tmp_path) - {p for p in _tree(tmp_path) if p.startswith("proj")}

    result = CliRunner().invoke(cli, ["-p", str(project.root), "add",
                                      *sorted(str(incoming / n) for n in {**good, **bad})])

    assert result.exit_code == 1, result.output
    rejections = [line for line in result.stderr.splitlines() if line.startswith("qualtui: rejected ")]
    assert len(rejections) == len(bad), result.stderr
    assert "\x1b" not in result.stderr and "\x1b" not in result.stdout
    assert f"{len(good)} added, {len(bad)} rejected" in result.stdout
    reopened = type(project).open(project.root)
    assert sorted(d.name for d in reopened.docs.all()) == sorted(n.rsplit(".", 1)[0] for n in good)
    assert {d.name: d.speakers for d in reopened.docs.all()}["SU02"] == ["Alex", "Interviewer"]
    after_outside = _tree(tmp_path) - {p for p in _tree(tmp_path) if p.startswith("proj")}
    assert after_outside == before_outside
    stored = {p for p in _tree(project.root) if p.startswith("documents")}
    assert len([p for p in stored if p.endswith(".txt")]) == len(good)


_DOCUMENT_BYTES = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda s: s.encode("utf-8")),
    st.lists(st.sampled_from([
        "WEBVTT", "", "NOTE x", "00:01.000 --> 00:02.000", "1", "00:00:01,000 --> 00:00:02,000", "<v Ann>hi</v>",
        "Ann: hello", "- Bob: yes", "<i>x</i>", "&amp;", "\x1b[31m", "[00:01] Ann: x", "Speaker 1  0:03",
    ]), max_size=30).map(lambda lines: "\n".join(lines).encode()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_DOCUMENT_BYTES, ext=st.sampled_from([".txt", ".md", ".vtt", ".srt", ".docx", ".odt"]))
def test_fuzz_importers_either_reject_cleanly_or_return_consistent_turns(data, ext):
    try:
        transcript = read_bytes(data, "fuzz" + ext)
    except ImportRejected as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    text = transcript.text
    assert text.strip() and normalise_text(text) == text
    assert turn_problem(transcript) is None
    for turn in transcript.turns:
        assert turn.speaker is None or (turn.speaker and normalise_text(turn.speaker) == turn.speaker
                                        and "\n" not in turn.speaker)


def test_a_folder_among_the_files_is_rejected_with_one_line_and_the_files_are_added(tmp_path):
    # `qualtui add interviews/*` where interviews/ holds an old/ subfolder: the files must still be added
    # (each file whole or not at all, a summary, exit 1), not the whole command refused with a usage error.
    root = tmp_path / "p"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    folder = tmp_path / "interviews"
    (folder / "old").mkdir(parents=True)
    (folder / "a.txt").write_text("Ann: one\nBob: two\nAnn: three\n")
    result = CliRunner().invoke(cli, ["-p", str(root), "add", str(folder / "a.txt"), str(folder / "old")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["qualtui: rejected old: is a folder, not a file (add the files inside it)"]
    assert result.stdout.splitlines()[-1] == "1 added, 1 rejected"
