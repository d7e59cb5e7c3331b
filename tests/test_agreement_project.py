"""Agreement over a project: scope, units, disagreements, and the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
import click
from click.testing import CliRunner

from qualtui.team.agreement import disagreements, load, report
from qualtui.team.agreement.compute import line_units, turn_units
from qualtui.cli import cli, main
from qualtui.errors import QualtuiError
from qualtui.importers.plain import read_plain
from qualtui.model import Transcript

TEXT = (
    "Interviewer: How was the ward?\n"          # line 1, chars 0-30
    "Sam: It was hard at first. The other patients helped me though.\n"
    "Interviewer: And the staff?\n"
    "Sam: Dr. Lee was kind. I felt safe."
)


@pytest.fixture
def team(project):
    doc = project.docs.add(read_plain(TEXT.encode(), "SU01.txt"), "SU01")
    other = project.docs.add(read_plain(b"Interviewer: Hello.\nJo: Fine thanks.\n", "ST01.txt"), "ST01")
    hard = project.codes.create("Hardship")
    help_ = project.codes.create("Help")
    unused = project.codes.create("Unused")

    def code(doc_id, code_id, phrase, coder, text=TEXT):
        start = text.index(phrase)
        return project.codings.add(doc_id, code_id, start, start + len(phrase), coder=coder)

    code(doc.id, hard.id, "It was hard at first.", "alice")
    code(doc.id, hard.id, "hard at first.", "bob")
    code(doc.id, help_.id, "The other patients helped me though.", "alice")
    code(doc.id, help_.id, "The other patients helped me though.", "bob")
    code(doc.id, help_.id, "Dr. Lee was kind.", "bob")
    code(other.id, hard.id, "Fine", "alice", "Interviewer: Hello.\nJo: Fine thanks.\n")   # bob never coded ST01
    return project, doc, {"Hardship": hard, "Help": help_, "Unused": unused}


def test_default_scope_is_documents_every_coder_coded_and_codes_they_used(team):
    project, doc, codes = team
    material = load(project, ["alice", "BOB"])
    assert [d.name for d in material.documents] == ["SU01"]
    assert [label for _, label in material.codes] == ["Hardship", "Help"]
    assert material.coders == ("alice", "BOB")


def test_char_statistics_by_hand(team):
    project, doc, codes = team
    result = report(load(project, ["alice", "bob"]))
    n = len(TEXT)
    hard, help_ = result.codes
    # Hardship: alice 21 chars, bob the last 14 of them.
    assert hard.tally.pair() == (14, 7, 0, n - 21)
    assert hard.stats.positive == pytest.approx(28 / 35)
    assert hard.stats.percent == pytest.approx((n - 7) / n)
    # Help: 36 chars both, 17 only bob.
    assert help_.tally.pair() == (36, 0, 17, n - 53)
    assert result.pooled.units == 2 * n
    assert result.pooled.positive == pytest.approx(2 * 50 / (2 * 50 + 7 + 17))
    assert result.mean.positive == pytest.approx((28 / 35 + 72 / 89) / 2)
    assert result.units == n and result.documents == ((doc.id, "SU01"),)


def test_turn_units_count_overlap_by_one_character(team):
    project, doc, codes = team
    result = report(load(project, ["alice", "bob"], unit="turn"))
    hard, help_ = result.codes
    assert result.units == 4
    assert hard.tally.pair() == (1, 0, 0, 3)
    assert help_.tally.pair() == (1, 0, 1, 2)
    assert hard.stats.kappa == 1.0 and hard.stats.positive == 1.0


def test_explicit_codes_and_documents(team):
    project, doc, codes = team
    material = load(project, ["alice", "bob"], codes=["Unused", "Help"], documents=["ST01", "SU01"])
    assert [d.name for d in material.documents] == ["ST01", "SU01"]
    result = report(material)
    unused = next(c for c in result.codes if c.code == "Unused")
    assert unused.stats.positive is None and unused.stats.kappa is None and unused.stats.alpha is None
    assert result.mean.positive_codes == 1


def test_uncoded_documents_do_not_change_positive_agreement(team):
    """QualCoder #667: a long uncoded transcript in scope must not make coders look more alike."""
    project, doc, codes = team
    long = project.docs.add(Transcript("Uncoded talk. " * 20000, (), "txt"), "Long")
    narrow = report(load(project, ["alice", "bob"], documents=["SU01"]))
    wide = report(load(project, ["alice", "bob"], documents=["SU01", long.id]))
    assert wide.pooled.positive == narrow.pooled.positive
    assert wide.codes[0].stats.positive == narrow.codes[0].stats.positive
    assert wide.pooled.percent > narrow.pooled.percent


def test_disagreements_with_lines_speakers_and_text(team):
    project, doc, codes = team
    found = disagreements(load(project, ["alice", "bob"]))
    assert [(d.code, d.text, d.lines, d.speakers, d.coded_by, d.not_coded_by) for d in found] == [
        ("Hardship", "It was ", "2", ("Sam",), ("alice",), ("bob",)),
        ("Help", "Dr. Lee was kind.", "4", ("Sam",), ("bob",), ("alice",)),
    ]
    assert disagreements(load(project, ["alice", "bob"]), min_length=8)[0].code == "Help"
    by_turn = disagreements(load(project, ["alice", "bob"], unit="turn"))
    assert [(d.code, d.first_line, d.text) for d in by_turn] == [("Help", 4, "Sam: Dr. Lee was kind. I felt safe.")]


def test_three_coders_disagreement_runs_split_where_the_coders_change(project):
    doc = project.docs.add(Transcript("abcdefghijklmnopqrstuvwxyz", (), "txt"), "D")
    code = project.codes.create("C")
    for coder, (s, e) in {"a": (0, 10), "b": (5, 15), "c": (5, 10)}.items():
        project.codings.add(doc.id, code.id, s, e, coder=coder)
    found = disagreements(load(project, ["a", "b", "c"]))
    assert [(d.start, d.end, d.coded_by) for d in found] == [(0, 5, ("a",)), (10, 15, ("b",))]
    stats = report(load(project, ["a", "b", "c"])).codes[0].stats
    assert stats.kappa is None and stats.alpha is not None


def test_units_without_turns_are_non_blank_lines():
    assert line_units("one\n\n  \ntwo\nthree") == ((0, 3), (8, 11), (12, 17))
    assert turn_units("one\n\ntwo", ()) == ((0, 3), (5, 8))


@pytest.mark.parametrize("coders, message", [
    (["alice"], "at least two"),
    (["alice", "ALICE"], "at least two"),
    (["alice", "zoe"], "no codings by zoe"),
])
def test_bad_coders(team, coders, message):
    project, _, _ = team
    with pytest.raises(QualtuiError, match=message):
        load(project, coders)


def test_no_common_document(team):
    project, _, codes = team
    st01 = project.docs.get("ST01")
    project.codings.add(st01.id, codes["Help"].id, 0, 5, coder="carol")
    with pytest.raises(QualtuiError, match="no document has codings by all of bob, carol"):
        load(project, ["bob", "carol"])


# command line -----------------------------------------------------------------

def run(project, *args, ok=True):
    result = CliRunner().invoke(cli, ["agreement", "-p", str(project.root), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_cli_table_marks_undefined(team):
    project, _, _ = team
    out = run(project, "--coders", "alice,bob", "--codes", "Hardship,Unused").stdout
    assert "unit: char" in out and "SU01" in out
    unused = next(line for line in out.splitlines() if line.startswith("Unused"))
    assert unused.split()[-3:] == ["undefined", "undefined", "undefined"]
    assert "(pooled)" in out and "(mean of codes)" in out
    assert "80.0%" in out    # Hardship positive agreement 28/35


def test_cli_json_and_csv(team):
    project, _, _ = team
    data = json.loads(run(project, "--coders", "alice", "--coders", "bob", "--codes", "Unused,Hardship",
                          "--format", "json").stdout)
    assert data["coders"] == ["alice", "bob"] and data["unit"] == "char"
    assert data["codes"][0]["code"] == "Unused" and data["codes"][0]["kappa"] is None
    assert data["codes"][1]["b"] == 7 and data["codes"][1]["positive"] == pytest.approx(0.8)
    assert set(data["mean"]) >= {"percent", "positive", "kappa", "alpha", "kappa_codes"}
    rows = list(csv.DictReader(io.StringIO(run(project, "--coders", "alice,bob", "--codes", "Unused",
                                               "--format", "csv").stdout)))
    assert rows[0]["kappa"] == "NA" and rows[0]["percent"] == "1.0"
    assert [r["code"] for r in rows] == ["Unused", "(pooled)", "(mean of codes)"]


def test_cli_disagreements(team):
    project, _, _ = team
    out = run(project, "--coders", "alice,bob", "--disagreements").stdout
    assert "Dr. Lee was kind." in out and "2 disagreements" in out
    rows = json.loads(run(project, "--coders", "alice,bob", "--disagreements", "--unit", "turn",
                          "--format", "json").stdout)
    assert rows[0]["first_line"] == 4 and rows[0]["coded_by"] == ["bob"] and rows[0]["speakers"] == ["Sam"]


def test_cli_errors_are_one_line(team, capsys):
    project, _, _ = team
    with pytest.raises(SystemExit) as exit_info:
        main(["agreement", "-p", str(project.root), "--coders", "alice,nobody"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("qualtui: error: no codings by nobody") and err.count("\n") == 1


def test_cli_does_not_echo_control_characters(project):
    doc = project.docs.add(Transcript("plain text here", (), "txt"), "D")
    code = project.codes.create("C")
    project.codings.add(doc.id, code.id, 0, 5, coder="a\x1b[31mx")
    project.codings.add(doc.id, code.id, 0, 9, coder="b")
    out = run(project, "--coders", "a\x1b[31mx,b", "--disagreements").stdout
    assert "\x1b" not in out


@pytest.mark.parametrize("fmt,unit", [("table", "char"), ("table", "turn"), ("csv", "char"), ("json", "turn")])
def test_cli_disagreements_are_printed_as_found_with_the_text_of_the_whole_list(team, fmt, unit):
    """Streamed a document at a time, the output is what ``emit`` prints for the whole list at once."""
    from qualtui.cli.common import emit
    from qualtui.cli.team import DISAGREEMENT_COLUMNS, _disagreement_rows

    project, doc, codes = team
    long = project.docs.add(Transcript("Ana: " + "a long stretch of talk, " * 8 + "é😀 end\nBo: a second line\n",
                                       (), "txt"), "LONG")
    for coder, end in (("alice", 220), ("bob", 60)):
        project.codings.add(long.id, codes["Help"].id, 5, end, coder=coder)
    found = disagreements(load(project, ["alice", "bob"], unit=unit))
    assert {d.document for d in found} == {"SU01", "LONG"}
    rows = list(_disagreement_rows(found))
    columns = DISAGREEMENT_COLUMNS
    if fmt == "table":
        rows = [dict(r, text=r["text"].strip()) for r in rows]
        columns = ["document", "lines", "speakers", "code", "coded_by", "not_coded_by", "text"]

    def whole() -> None:
        emit(rows, columns, fmt)
        if fmt == "table":
            click.echo(f"{len(rows)} disagreements")

    expected = CliRunner().invoke(click.command()(whole)).output
    assert run(project, "--coders", "alice,bob", "--disagreements", "--unit", unit, "--format", fmt).stdout == expected
