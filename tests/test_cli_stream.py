"""Large results are printed while they are produced: same fields and values, one document held at a time."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from qualtui.analysis.corpus import Corpus
from qualtui.analysis.retrieval import Segment, SegmentColumns, iter_segments, retrieve
from qualtui.cli import cli
from qualtui.cli.common import emit
from qualtui.cli.retrieve import _cells, _columns, _json_lines, _row
from qualtui.cli.stream import CsvRows, JsonArray, Table, writer
from qualtui.project import Project
from test_analysis_project import built  # noqa: F401  (fixture)


def run(built, *args):
    result = CliRunner().invoke(cli, [args[0], "-p", str(built.project.root), *args[1:]])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_retrieve_json_is_one_segment_per_line_with_every_field(built):
    out = run(built, "retrieve", "Difficulty", "--format", "json", "--timestamps", "--context", "1")
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4 + 2
    rows = json.loads(out)
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == rows
    segments = retrieve(Corpus(built.project), [built.project.codes.get("Difficulty").id], context=1,
                        timestamps=True)
    assert rows == [_row(s, True, 1) for s in segments]
    assert list(rows[0]) == _columns("json", True, 1)
    assert "time" in rows[0] and rows[0]["before"] is not None


def test_retrieve_json_of_nothing_is_an_empty_array(built):
    assert run(built, "retrieve", "Difficulty", "--doc", "ST01", "--by", "nobody", "--format", "json") == "[]\n"


def _segment(text: str, memo: str | None, speakers: tuple[str, ...], start: int = 3) -> Segment:
    return Segment(coding_id="c-1", document_id="d\"1", document="SU\\01 \u00e9", code_id="k", code="A/B",
                   start=start, end=start + len(text), first_line=1, last_line=2, text=text, speakers=speakers,
                   coder="ana", created="2026-01-01T00:00:00Z", memo=memo, before="x\ty", after="\n", time="00:01")


_FIELDS = ("coding_id", "code_id", "code", "start", "end", "first_line", "last_line", "text", "speakers", "coder",
           "created", "memo", "before", "after", "time")


def _batch(segments: list[Segment]) -> SegmentColumns:
    """One document's segments as the columns retrieval yields."""
    columns = SegmentColumns(segments[0].document_id, segments[0].document,
                             *([getattr(s, name) for s in segments] for name in _FIELDS))
    assert columns.segments() == segments and columns.lines == [s.lines for s in segments]
    return columns


@settings(max_examples=200, deadline=None)
@given(text=st.text(), memo=st.none() | st.text(), speakers=st.lists(st.text(max_size=5), max_size=3),
       timestamps=st.booleans(), context=st.integers(0, 1))
def test_the_json_template_writes_what_json_dumps_writes(text, memo, speakers, timestamps, context):
    segment = _segment(text, memo, tuple(speakers))
    [line] = _json_lines(_batch([segment]), timestamps, context)
    assert line == json.dumps(_row(segment, timestamps, context), ensure_ascii=False)


def test_an_offset_of_an_odd_type_still_makes_valid_json():
    segment = _segment("text", None, ("Sam",), start=True)  # a hand-edited file: not an int
    [line] = _json_lines(_batch([segment]), False, 0)
    assert line == json.dumps(_row(segment, False, 0), ensure_ascii=False)


def test_json_array_escapes_c1_controls_for_the_terminal(capsys):
    out = JsonArray()
    out.write([{"text": "a\x9bb\x7f"}])
    out.write([])
    out.write_lines(['{"n": 2}'])
    out.close()
    printed = capsys.readouterr().out
    assert printed == '[\n{"text": "a\\u009bb\\u007f"},\n{"n": 2}\n]\n'
    assert json.loads(printed) == [{"text": "a\x9bb\x7f"}, {"n": 2}]


ROWS = [{"a": "short", "b": "x" * 59, "c": None, "d": ["p", "q"]},
        {"a": "\u00e9" * 70, "b": "y" * 60, "c": 3, "d": []},
        {"a": "line\nbreak \x1b[31mred", "b": "z" * 61, "c": "", "d": {"k": "v"}}]


def test_the_streamed_table_and_csv_are_the_tables_emit_prints(capsys):
    columns = ["a", "b", "c", "d"]
    emit(ROWS, columns, "table", headers=["A", "B", "C", "D"])
    emit(ROWS, columns, "csv")
    expected = capsys.readouterr().out
    table = Table(columns, ["A", "B", "C", "D"])
    for row in ROWS:      # one row per batch, as documents come
        table.write([row])
    table.close()
    csv_rows = CsvRows(columns)
    csv_rows.write(ROWS[:1])
    csv_rows.write(ROWS[1:])
    csv_rows.close()
    assert capsys.readouterr().out == expected


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text() | st.sampled_from(["plain words\nand a second line", "tab\there " * 9,
                                                   "\x1b[31mred\x1b[0m", "caf\u00e9 \u202eevil", "x" * 70]),
                      min_size=1, max_size=4),
       memo=st.none() | st.text(max_size=80) | st.integers(), speakers=st.lists(st.text(max_size=5), max_size=3),
       fmt=st.sampled_from(["table", "csv"]), timestamps=st.booleans(), context=st.integers(0, 1))
def test_cells_made_a_column_at_a_time_are_what_safe_makes_of_each(texts, memo, speakers, fmt, timestamps, context):
    batch = [_segment(text, memo if i % 2 else None, tuple(speakers)) for i, text in enumerate(texts)]
    columns = _columns(fmt, timestamps, context)
    if fmt == "table":
        rows = [{"document": s.document, "lines": s.lines, "time": s.time, "speakers": list(s.speakers),
                 "code": s.code, "coder": s.coder, "memo": s.memo, "text": s.text} for s in batch]
    else:
        rows = [_row(s, timestamps, context) for s in batch]
    with redirect_stdout(io.StringIO()) as expected:
        emit(rows, columns, fmt)
    with redirect_stdout(io.StringIO()) as printed:
        out = writer(fmt, columns)
        out.write_columns(_cells(_batch(batch[:1]), fmt, timestamps, context))
        if batch[1:]:
            out.write_columns(_cells(_batch(batch[1:]), fmt, timestamps, context))
        out.close()
    assert printed.getvalue() == expected.getvalue()


def test_the_retrieve_table_is_unchanged(built):
    out = run(built, "retrieve", "Difficulty")
    segments = retrieve(Corpus(built.project), [built.project.codes.get("Difficulty").id])
    rows = [{"document": s.document, "lines": s.lines, "speakers": list(s.speakers), "code": s.code,
             "coder": s.coder, "memo": s.memo, "text": s.text} for s in segments]
    runner = CliRunner()
    with runner.isolation() as (captured, _err, *_):
        emit(rows, ["document", "lines", "speakers", "code", "coder", "memo", "text"], "table")
        expected = captured.getvalue().decode()
    assert out == expected


def test_a_streaming_pass_holds_one_document_at_a_time(built):
    project = Project.open(built.project.root)
    code = project.codes.get("Difficulty").id
    corpus = Corpus(project, streaming=True)
    held = []
    for batch in iter_segments(corpus, [code]):
        held.append((len(project.store._document_files), len(project.store._text_cache)))
    assert held and {texts for _, texts in held} == {1} and max(files for files, _ in held) <= 1
    assert len(project.store._document_files) == len(project.store._text_cache) == 0
    kept = Corpus(project)   # a screen's corpus keeps what it read, for its next analysis
    assert [s for b in iter_segments(kept, [code]) for s in b] == retrieve(Corpus(project), [code])
    assert len(project.store._text_cache) > 1


def test_codings_json_is_one_coding_per_line_with_every_field(built):
    out = run(built, "codings", "--format", "json")
    lines = out.splitlines()
    rows = json.loads(out)
    assert len(lines) == len(rows) + 2 and len(rows) == sum(
        len(built.project.codings.for_document(d.id)) for d in built.project.docs.all())
    assert [list(r) for r in rows] == [["id", "document", "code", "lines", "start", "end", "coder", "created",
                                         "memo", "text"]] * len(rows)
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == rows


def test_the_retrieve_csv_is_the_csv_emit_prints(built):
    code = built.project.codes.get("Difficulty").id
    for extra, timestamps, context in (([], False, 0), (["--timestamps", "--context", "1"], True, 1)):
        out = run(built, "retrieve", "Difficulty", "--format", "csv", *extra)
        segments = retrieve(Corpus(built.project), [code], context=context, timestamps=timestamps)
        with CliRunner().isolation() as (captured, _err, *_):
            emit([_row(s, timestamps, context) for s in segments], _columns("csv", timestamps, context), "csv")
            expected = captured.getvalue().decode()
        assert out == expected


def test_an_export_written_in_parts_replaces_the_file_only_when_complete(tmp_path, project):
    import os

    import pytest

    from qualtui.safeio.output_paths import write_export_parts

    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def parts():
        yield b"a,b\n"
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_export_parts(target, parts(), project_root=project.root)
    assert target.read_bytes() == b"old" and sorted(os.listdir(tmp_path)) == sorted(["out.csv", "proj"])
    assert write_export_parts(target, iter([b"a,b\n", b"1,2\n"]), project_root=project.root) == 8
    assert target.read_bytes() == b"a,b\n1,2\n" and target.stat().st_mode & 0o777 == 0o600


def test_json_is_written_as_utf8_bytes_once_or_through_the_text_layer(monkeypatch):
    """Bytes straight to a UTF-8 stdout's buffer, escaped text otherwise: the same characters either way."""
    from qualtui.cli.stream import _write_printable, printable_json

    text = '[\n{"text": "caf\u00e9 \u2014 fine"},\n{"text": "a\x9bb\x7f"}'
    for stream in (io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="latin-1",
                                                                                         errors="backslashreplace"),
                   io.StringIO()):
        monkeypatch.setattr("sys.stdout", stream)
        _write_printable(printable_json(text[:33]))        # nothing to escape
        _write_printable(printable_json(text[33:]))        # DEL and C1: escaped
        stream.flush()
        printed = stream.getvalue() if isinstance(stream, io.StringIO) else \
            stream.buffer.getvalue().decode(stream.encoding, "backslashreplace")
        expected = text[:33] + text[33:].replace("\x9b", "\\u009b").replace("\x7f", "\\u007f")
        if stream.encoding == "latin-1":
            expected = expected.replace("\u2014", "\\u2014")
        assert printed == expected
