"""The analysis commands: formats parse back, bars, errors on one line."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from qualtui.cli import cli, main
from test_analysis_project import built  # noqa: F401  (fixture)


def run(built, *args, charset="utf-8", ok=True):
    result = CliRunner(charset=charset).invoke(cli, [args[0], "-p", str(built.project.root), *args[1:]])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def as_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_retrieve_formats(built):
    rows = json.loads(run(built, "retrieve", "Difficulty", "--format", "json").stdout)
    assert [built.names[r["coding_id"]] for r in rows] == ["c6", "c11", "c1", "c5"]
    assert rows[1]["speakers"] == ["Jo"] and rows[1]["lines"] == "2-3"
    assert rows[1]["text"] == "It is hard to get time for it.\nHard, really."
    table = as_csv(run(built, "retrieve", "Support", "--children", "--attr", "group=staff", "--by", "alice",
                       "--format", "csv").stdout)
    assert [(r["document"], r["code"], r["coder"]) for r in table] == [("ST01", "Support/Staff support", "alice")]
    with_context = json.loads(run(built, "retrieve", "Difficulty", "--doc", "SU01", "--context", "1",
                                  "--format", "json").stdout)
    assert with_context[0]["before"] == "Interviewer: How was the ward?\nSam: "


def test_retrieve_markdown_quote_list(built):
    out = run(built, "retrieve", "Difficulty", "--format", "md").stdout
    assert out.startswith("# Difficulty\n\n4 segments from 3 documents\n")
    assert "> It is hard to get time for it.\n> Hard, really.\n\n\u2014 ST02, Jo, l. 2-3\n" in out
    assert "> It was hard at first.\n\n\u2014 SU01, Sam, l. 2\n" in out
    with_context = run(built, "retrieve", "Staff support", "--doc", "SU01", "--context", "1", "--format", "md").stdout
    assert "> Interviewer: And the staff?\n> Sam: **Dr. Lee was kind.** I felt safe, hardly scared." in with_context


def test_retrieve_table_and_reading_view(built):
    out = run(built, "retrieve", "Difficulty").stdout
    assert out.splitlines()[0].split() == ["document", "lines", "speakers", "code", "coder", "memo", "text"]
    assert len(out.splitlines()) == 5
    view = run(built, "retrieve", "Difficulty", "--doc", "ST02", "--context", "1").stdout
    assert view.splitlines()[:4] == ["ST02, Jo, l. 2-3  [Difficulty]  (tester)",
                                     "    Interviewer: Tell me about support.",
                                     "    Jo: Peer support is vital. ",
                                     "  > It is hard to get time for it."]


def test_freq_formats_and_bars(built):
    rows = json.loads(run(built, "freq", "--format", "json").stdout)
    assert {r["code"]: (r["segments"], r["documents"], r["speakers"], r["words"]) for r in rows}[
        "Support/Peer support"] == (4, 3, 3, 23)
    rolled = as_csv(run(built, "frequencies", "--rollup", "--used", "--sort", "segments", "--format", "csv").stdout)
    assert [(r["code"], r["segments"]) for r in rolled] == [
        ("Support", "6"), ("Difficulty", "4"), ("Support/Peer support", "4"), ("Safety", "2"),
        ("Support/Staff support", "2")]
    table = run(built, "freq").stdout.splitlines()
    peer = next(line for line in table if "Peer support" in line)
    assert peer.startswith("  Peer support") and peer.endswith("\u2588" * 24)
    assert next(line for line in table if line.startswith("Safety")).endswith("\u2588" * 12)
    assert "#" * 24 in run(built, "freq", "--ascii").stdout
    ascii_out = run(built, "freq", charset="ascii").stdout       # a terminal that cannot show blocks
    assert "#" * 24 in ascii_out and "\u2588" not in ascii_out


def test_matrix_formats(built):
    rows = as_csv(run(built, "matrix", "--attr", "group", "--format", "csv").stdout)
    assert list(rows[0]) == ["code", "service user", "staff", "total"]
    assert [(r["code"], r["service user"], r["staff"], r["total"]) for r in rows if r["total"] != "0"] == [
        ("Difficulty", "2", "2", "4"), ("Safety", "1", "1", "2"), ("Support/Peer support", "1", "3", "4"),
        ("Support/Staff support", "1", "1", "2"), ("TOTAL", "5", "7", "12")]
    data = json.loads(run(built, "matrix", "--attr", "group", "--count", "documents", "--format", "json").stdout)
    assert data["documents_per_value"] == {"service user": 1, "staff": 2}
    assert data["rows"][-1] == {"code_id": None, "code": "TOTAL", "cells": {"service user": 1, "staff": 2}, "total": 3}
    table = run(built, "matrix", "--attr", "group", "--used").stdout.splitlines()
    assert table[0].split() == ["code", "service", "user", "staff", "total"]
    assert table[-1].split() == ["TOTAL", "5", "7", "12"]


def test_cooccur_formats(built):
    rows = json.loads(run(built, "cooccur", "--unit", "turn", "--jaccard", "--format", "json").stdout)
    assert (rows[0]["code_a"], rows[0]["code_b"], rows[0]["count"], rows[0]["jaccard"]) == (
        "Difficulty", "Support/Peer support", 3, 0.75)
    rows = as_csv(run(built, "cooccur", "--code", "Safety", "--unit", "turn", "--format", "csv").stdout)
    assert [(r["code_a"], r["code_b"], r["count"]) for r in rows] == [("Safety", "Support/Staff support", "1")]
    assert "jaccard" not in rows[0]
    assert run(built, "cooccur", "--min", "2", "--format", "json").stdout.strip() == "[]"


def test_search_formats(built):
    rows = json.loads(run(built, "search", "hard", "--word", "--case-sensitive", "--format", "json").stdout)
    assert [(r["document"], r["lines"], r["speaker"]) for r in rows] == [
        ("ST01", "1", "Interviewer"), ("ST01", "2", "Alex"), ("ST02", "2", "Jo"), ("SU01", "2", "Sam")]
    rows = as_csv(run(built, "search", "hard", "--speaker", "Sam", "--format", "csv").stdout)
    assert [r["text"] for r in rows] == ["hard", "hard"]
    table = run(built, "search", "vital").stdout
    heading, hit = table.splitlines()[:2]
    assert heading.split() == ["document", "lines", "speaker", "before", "match", "after"]
    assert hit.split()[:3] == ["ST02", "2", "Jo"] and re.search(r"Jo: Peer support is +vital +\. It is hard", hit)
    assert "**" not in table
    limited = run(built, "search", "hard", "--limit", "2")
    assert "stopped after 2 hits" in limited.stderr


def test_search_code_units_and_all_or_nothing_limit(built):
    out = run(built, "search", "hard", "--word", "--code", "Difficulty", "--unit", "sentence")
    assert out.stdout.strip() == "added 1 coding of 'Difficulty' in 1 document; 4 skipped (already coded)"
    dry = run(built, "search", "hard", "--code", "New", "--create", "--unit", "turn", "--dry-run")
    assert dry.stdout.strip() == "would add 5 codings of 'New' in 3 documents; 0 skipped (already coded)"
    assert built.project.codes.find("New") is None
    refused = run(built, "search", "hard", "--code", "New", "--create", "--limit", "3", ok=False)
    assert refused.exit_code == 1 and "nothing coded" in str(refused.exception)
    assert built.project.codes.find("New") is None
    assert run(built, "search", "hard", "--unit", "turn", ok=False).exit_code != 0


def test_autocode_speaker(built):
    out = run(built, "autocode", "--speaker", "Interviewer", "--code", "interviewer", "--create").stdout
    assert out.strip() == "added 5 codings of 'interviewer' in 3 documents; 0 skipped (already coded)"
    again = run(built, "autocode", "--speaker", "interviewer", "--code", "Interviewer", "--attr", "site=A").stdout
    assert again.strip() == "added 0 codings of 'interviewer' in 0 documents; 4 skipped (already coded)"


@pytest.mark.parametrize("args, message", [
    (["search", "(", "--regex"], "qualtui: error: bad regular expression '(': missing ), unterminated subpattern"),
    (["retrieve", "Nope"], "qualtui: error: no code named 'Nope'"),
    (["matrix", "--attr", "role"], "qualtui: error: no document has the attribute 'role'"),
    (["matrix", "--attr", "group=staff"], "qualtui: error: matrix --attr takes an attribute name such as 'group'"),
    (["autocode", "--speaker", "Bob", "--code", "x", "--create"], "qualtui: error: no turns spoken by 'Bob'"),
    (["retrieve", "Difficulty", "--attr", "group"], "qualtui: error: attribute filter 'group' must look like"),
])
def test_user_errors_are_one_line(built, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main([args[0], "-p", str(built.project.root), *args[1:]])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_transcript_text_cannot_reach_the_terminal_with_escapes(project):
    from qualtui.model import Transcript, Turn

    text = "Sam: bad \x1b]0;pwned\x07 news"   # importers strip these; a damaged store must not matter either
    clean = text.replace("\x1b", "x").replace("\x07", "x")   # qualtui itself refuses to store such a text
    doc = project.docs.add(Transcript(text=clean, turns=(Turn(5, len(text), "Sam", 0),), source_format="txt"), "D1")
    project.store.text_path(doc.id).write_text(text, "utf-8")
    code = project.codes.create("Bad")
    project.codings.add(doc.id, code.id, 5, len(text))
    for args in (["retrieve", "Bad"], ["retrieve", "Bad", "--format", "md"], ["retrieve", "Bad", "--context", "1"],
                 ["search", "news"], ["search", "news", "--context", "1"]):
        out = CliRunner().invoke(cli, [args[0], "-p", str(project.root), *args[1:]]).stdout
        assert "\x1b" not in out and "\x07" not in out and "news" in out
