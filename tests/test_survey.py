"""Survey and tabular data: `add responses.csv --text-columns Q5,Q7 --id-column respondent`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.errors import ImportRejected
from qualtui.importers.survey import read_survey
from qualtui.project import Project

SEMICOLONS = ("\ufeffrespondent;age;group;Q5;Q7\r\n"
              'R01;34;staff;"The peer group.\r\nAnd the garden.";\r\n'
              'R02;51;"service user";Talking to Sam;"Nothing; thanks"\r\n'
              "R03;29;staff;;\r\n").encode("utf-8")


def spoken(response):
    text = response.transcript.text
    return [(t.speaker, text[t.label_start:t.start], text[t.start:t.end]) for t in response.transcript.turns]


def test_one_document_per_respondent_one_turn_per_answer_other_columns_as_attributes():
    responses = read_survey(SEMICOLONS, ["Q5", "q7"], "respondent")
    assert [r.key for r in responses] == ["R01", "R02"]  # R03 answered nothing
    assert spoken(responses[0]) == [("Q5", "Q5: ", "The peer group.\nAnd the garden.")]
    assert spoken(responses[1]) == [("Q5", "Q5: ", "Talking to Sam"), ("Q7", "Q7: ", "Nothing; thanks")]
    assert responses[1].transcript.text == "Q5: Talking to Sam\n\nQ7: Nothing; thanks"
    assert responses[1].attributes == {"respondent": "R02", "age": "51", "group": "service user"}
    assert "1 row(s) with no answers skipped" in responses[0].transcript.warnings
    assert responses[0].transcript.source_format == "csv"


def test_cp1252_commas_and_no_id_column():
    data = "id,Q1,comment\n1,Caf\xe9 was \u201cgood\u201d,x\n2,\"a, b\",y\n".encode("cp1252")
    responses = read_survey(data, ["Q1"])
    assert [r.key for r in responses] == ["1", "2"]
    assert spoken(responses[0]) == [("Q1", "Q1: ", "Caf\xe9 was \u201cgood\u201d")]
    assert spoken(responses[1])[0][2] == "a, b"
    assert responses[0].attributes == {"id": "1", "comment": "x"}
    assert any("cp1252" in w for w in responses[0].transcript.warnings)


@pytest.mark.parametrize("data, columns, id_column, reason", [
    (SEMICOLONS, ["Q9"], None, "no column 'Q9'"),
    (SEMICOLONS, [], None, "--text-columns"),
    (SEMICOLONS, ["Q5", "Q5"], None, "names a column twice"),
    (SEMICOLONS, ["Q5"], "Q5", "cannot also be a text column"),
    (b"id,Q1\n1,a\n1,b\n", ["Q1"], "id", "appears twice"),
    (b"id,Q1\n1,a,extra\n", ["Q1"], "id", "more cells than the heading row"),
    (b"id,Q1\n", ["Q1"], "id", "no rows below the heading"),
    (b"id,Q1\n1,\n", ["Q1"], "id", "no answers"),
    (b'id,Q1\n1,"never closed\n', ["Q1"], "id", "not a readable CSV"),
    (b"\x00\x01\x02\x03" * 100, ["Q1"], None, "binary"),
])
def test_refusals(data, columns, id_column, reason):
    with pytest.raises(ImportRejected, match=reason):
        read_survey(data, columns, id_column)


def _tree(root) -> dict[str, bytes]:
    return {os.path.relpath(os.path.join(folder, name), root): Path(folder, name).read_bytes()
            for folder, _dirs, files in os.walk(root) for name in files if name != "audit.jsonl"}


def test_add_a_survey_from_the_command_line_all_or_nothing(tmp_path):
    project = Project.init(tmp_path / "p", name="p", coder="ana")
    source = tmp_path / "responses.csv"
    source.write_bytes(SEMICOLONS)
    args = ["-p", str(project.root), "add", str(source), "--text-columns", "Q5,Q7", "--id-column", "respondent"]
    before = _tree(project.root)
    preview = CliRunner().invoke(cli, [*args, "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "responses.csv: 2 respondents -> documents responses-R01 ... responses-R02" in preview.output
    assert _tree(project.root) == before
    result = CliRunner().invoke(cli, [*args, "--attr", "wave=1"])
    assert result.exit_code == 0, result.output
    docs = {d.name: d for d in Project.open(project.root).docs.all()}
    assert sorted(docs) == ["responses-R01", "responses-R02"]
    assert docs["responses-R02"].attributes == {"respondent": "R02", "age": "51", "group": "service user", "wave": "1"}
    assert docs["responses-R02"].speakers == ["Q5", "Q7"]
    # a clash with one existing name refuses the whole file; the same answers again need --allow-duplicate
    after = _tree(project.root)
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "already exists" in again.output
    dup = CliRunner().invoke(cli, [*args, "--name", "wave2"])
    assert dup.exit_code == 1 and "--allow-duplicate" in dup.output
    assert _tree(project.root) == after
    assert CliRunner().invoke(cli, [*args, "--name", "wave2", "--allow-duplicate"]).exit_code == 0
    # text columns are for .csv files only, and a .csv needs them
    plain = tmp_path / "a.txt"
    plain.write_text("Sam: hi\nAnn: ho\n")
    wrong = CliRunner().invoke(cli, ["-p", str(project.root), "add", str(plain), "--text-columns", "Q5"])
    assert wrong.exit_code == 1 and "a survey is a .csv file" in wrong.output
    bare = CliRunner().invoke(cli, ["-p", str(project.root), "add", str(source)])
    assert bare.exit_code == 1 and "a survey is a .csv file" in bare.output


def test_a_failure_part_way_takes_back_the_respondents_already_added(tmp_path, monkeypatch):
    from qualtui.errors import QualtuiError
    from qualtui.services.documents import DocumentService

    project = Project.init(tmp_path / "p", name="p", coder="ana")
    source = tmp_path / "responses.csv"
    source.write_bytes(SEMICOLONS)
    real_add = DocumentService.add

    def add(self, transcript, name, **kwargs):
        if name.endswith("R02"):
            raise QualtuiError("disk full")
        return real_add(self, transcript, name, **kwargs)

    monkeypatch.setattr(DocumentService, "add", add)
    result = CliRunner().invoke(cli, ["-p", str(project.root), "add", str(source), "--text-columns", "Q5,Q7",
                                      "--id-column", "respondent"])
    assert result.exit_code == 1 and "disk full" in result.output
    assert Project.open(project.root).docs.all() == []


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(["\n", ";", ",", '"']),
                                       max_size=40),
                               st.sampled_from(["a", "b", "Zoë"])), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans())
def test_any_written_csv_reads_back_answer_for_answer(rows, delimiter, bom):
    import csv
    import io

    from qualtui.importers import turn_problem
    from qualtui.text.normalise import normalise_text

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["id", "group", "Q1"])
    for number, (answer, group) in enumerate(rows, start=1):
        writer.writerow([f"R{number}", group, answer])
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    expected = {f"R{n}": "\n".join(line.rstrip() for line in normalise_text(answer).strip().split("\n"))
                for n, (answer, _group) in enumerate(rows, start=1)}
    expected = {key: value for key, value in expected.items() if value.strip()}
    if not expected:
        with pytest.raises(ImportRejected):
            read_survey(data.encode("utf-8"), ["Q1"], "id")
        return
    responses = read_survey(data.encode("utf-8"), ["Q1"], "id")
    got = {}
    for response in responses:
        (turn,) = response.transcript.turns
        assert turn_problem(response.transcript) is None and turn.speaker == "Q1"
        got[response.key] = response.transcript.text[turn.start:turn.end]
        assert response.attributes["group"] in ("a", "b", "Zoë")
    assert got == expected


class _CountedName(str):
    """A column name that counts how often it is compared, to see the lookup's cost without a clock."""

    uses = 0

    def strip(self, *args):
        _CountedName.uses += 1
        return str(self).strip(*args)

    def casefold(self):
        _CountedName.uses += 1
        return str(self).casefold()


def test_finding_the_text_columns_does_not_rescan_every_heading_for_each_name():
    # A survey export with thousands of columns and --text-columns naming many of them took minutes
    # (each name compared against every heading): the work per name must not grow with the width.
    width, asked = 3000, 300
    data = (",".join(["id", *(f"q{i}" for i in range(width))]) + "\n"
            + ",".join(["r1", *(f"answer {i}" for i in range(width))]) + "\n").encode()
    names = [_CountedName(f"Q{i}") for i in range(0, width, width // asked)]
    _CountedName.uses = 0
    [response] = read_survey(data, names, "id")
    assert [turn.speaker for turn in response.transcript.turns] == [str(n).lower() for n in names]
    assert len(response.attributes) == width - len(names) + 1
    assert _CountedName.uses <= 4 * len(names)


def test_a_whole_interview_in_one_cell_is_read_not_refused_by_the_csv_module_field_limit():
    # Some tools export one transcript per row: a two-hour interview is well over csv's default 131,072
    # characters per field, and the file is far under --max-size.
    answer = "We waited for the discharge letter. " * 6000
    data = f'id,transcript\nP01,"{answer}"\n'.encode()
    [response] = read_survey(data, ["transcript"], "id")
    assert [(turn.speaker, response.transcript.text[turn.start:turn.end]) for turn in response.transcript.turns] \
        == [("transcript", answer.strip())]
