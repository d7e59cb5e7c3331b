"""``qualtui retrieve``: every segment of a code, printed one document at a time.

A project of 500 interviews has tens of thousands of segments of one code: they are
written as each document is read (``cli.stream``), so memory stays that of one document.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing
from json.encoder import encode_basestring as _es
from typing import TYPE_CHECKING

import click

from qualtui.cli.analysis import NO_INTERVIEWER, attr_filter_option, corpus_for, read_options, reading_blocks
from qualtui.cli.common import format_option, safe
from qualtui.cli.stream import TABLE_CUT, JsonArray, distinct_safe, each_once, printable_json, safe_column, writer
from qualtui.cli.two_processes import in_order
from qualtui.text.normalise import strip_controls

if TYPE_CHECKING:
    from qualtui.analysis.corpus import DocumentView
    from qualtui.analysis.retrieval import SegmentColumns

_encode = json.JSONEncoder(ensure_ascii=False).encode
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    return strip_controls(text).translate(_MD_SPECIAL)


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.split("\n"))


def _md_heading(code_label: str, segments: int, docs: int) -> str:
    return (f"# {_md(code_label)}\n\n{segments} segment{'s' * (segments != 1)} "
            f"from {docs} document{'s' * (docs != 1)}\n")


def _md_quote(s, context: int) -> str:
    body = f"{_md(s.before)}**{_md(s.text).strip()}**{_md(s.after)}" if context else _md(s.text).strip()
    return f"{_quote(body.strip())}\n\n\u2014 {_md(s.citation())}\n"


def _row(s, timestamps: bool, context: int) -> dict:
    """A segment's fields in the order of ``_columns`` (csv and json)."""
    row = {"coding_id": s.coding_id, "document_id": s.document_id, "document": s.document, "code_id": s.code_id,
           "code": s.code, "start": s.start, "end": s.end, "first_line": s.first_line, "last_line": s.last_line,
           "lines": s.lines}
    if timestamps:
        row["time"] = s.time
    row.update(speakers=list(s.speakers), coder=s.coder, created=s.created, memo=s.memo, text=s.text)
    if context:
        row.update(before=s.before, after=s.after)
    return row


def _values(batch: SegmentColumns, name: str) -> list:
    """A column of one document's segments (the document's own fields repeated)."""
    if name in ("document", "document_id"):
        return [getattr(batch, name)] * len(batch)
    return getattr(batch, name)


def _json_lines(batch: SegmentColumns, timestamps: bool, context: int) -> list[str]:
    """One document's segments, each exactly ``json.dumps(_row(s), ensure_ascii=False)``, from a template.

    The values are encoded a column at a time (a document's few names once each), then put in the
    template: a whole project's segments in a fraction of the time the encoder takes over a dict per
    segment.  A batch with a value of an unexpected type (a hand-edited file) takes the encoder's way.
    """
    keys = _columns("json", timestamps, context)
    line = ("{{" + ", ".join(f"{_es(k)}: {{}}" for k in keys) + "}}").format

    def values(name: str) -> list:
        return _values(batch, name)

    try:
        offsets = [values(name) for name in ("start", "end", "first_line", "last_line")]
        if not {kind for column in offsets for kind in set(map(type, column))} <= {int}:
            raise TypeError("offsets")
        columns = [list(map(_es, values("coding_id"))),
                   *(each_once(_es, values(name)) for name in ("document_id", "document", "code_id", "code")),
                   *offsets, list(map(_es, values("lines")))]
        if timestamps:
            columns.append(each_once(_es, values("time")))
        columns += [each_once(_speakers_json, values("speakers")), each_once(_es, values("coder")),
                    each_once(_es, values("created")), ["null" if m is None else _es(m) for m in values("memo")],
                    list(map(_es, values("text")))]
        if context:
            columns += [list(map(_es, values("before"))), list(map(_es, values("after")))]
    except TypeError:   # not a str or int where one belongs: the encoder's way
        return [_encode(_row(s, timestamps, context)) for s in batch.segments()]
    return list(map(line, *columns))


def _speakers_json(speakers: tuple[str, ...]) -> str:
    return _encode(list(speakers))


def _cells(batch: SegmentColumns, fmt: str, timestamps: bool, context: int) -> list[list[str]]:
    """One document's segments as table or csv columns (lists of cells), in ``_columns`` order.

    Every cell is ``common.safe`` of its value, made column by column: the few distinct names of a
    column once each, the texts checked for controls all at once (``stream.safe_column``); a table's
    long cells are cut to what it can show first.
    """
    def values(name: str) -> list:
        return _values(batch, name)

    cut = TABLE_CUT if fmt == "table" else None
    if fmt == "table":
        columns = [distinct_safe(values("document")), values("lines")]
    else:
        columns = [safe_column(values("coding_id")), *map(distinct_safe, map(values, ("document_id", "document",
                   "code_id", "code"))), *(list(map(str, values(name))) for name in ("start", "end", "first_line",
                                                                                      "last_line")), values("lines")]
    if timestamps:
        columns.append(distinct_safe(values("time")))
    columns.append(distinct_safe(values("speakers")))
    if fmt == "table":
        columns += [distinct_safe(values("code")), distinct_safe(values("coder"))]
    else:
        columns += [distinct_safe(values("coder")), distinct_safe(values("created"))]
    columns += [safe_column(values("memo"), cut), safe_column(values("text"), cut)]
    if context and fmt != "table":
        columns += [safe_column(values("before")), safe_column(values("after"))]
    return columns


def _columns(fmt: str, timestamps: bool, context: int) -> list[str]:
    time = ["time"] if timestamps else []
    if fmt == "table":
        return ["document", "lines", *time, "speakers", "code", "coder", "memo", "text"]
    return ["coding_id", "document_id", "document", "code_id", "code", "start", "end", "first_line", "last_line",
            "lines", *time, "speakers", "coder", "created", "memo", "text", *(["before", "after"] if context else [])]


@click.command()
@click.argument("code_ref", metavar="CODE")
@click.option("--children", is_flag=True, help="Include the code's sub-codes (a theme and its codes).")
@click.option("--context", type=click.IntRange(min=0), default=0, show_default=True,
              help="Lines of context before and after each segment.")
@attr_filter_option
@click.option("--timestamps", is_flag=True, help="Cite the start time of each segment's turn (SU02, l. 118, 00:12:31).")
@NO_INTERVIEWER
@format_option(extra=("md",))
@read_options
def retrieve(project, code_ref: str, children: bool, context: int, timestamps: bool, no_interviewer: bool,
             attrs: tuple[str, ...], docs, coders, fmt: str) -> None:
    """Every segment coded with CODE, across the project, by document and position.

    --format md prints a quote list for writing up ("> text" then
    "— SU02, Sam, l. 118-120"); --format table with --context prints a reading
    view with the surrounding lines.  --format json prints an array with one
    segment per line.
    """
    from qualtui.analysis.retrieval import coded_documents, iter_segment_columns

    corpus = corpus_for(project, attrs, docs, coders)
    code_ids = corpus.code_ids_for(code_ref, children=children)
    label = corpus.path(code_ids[0]) + (" (with sub-codes)" if children and len(code_ids) > 1 else "")
    coded = coded_documents(corpus, code_ids)

    def batches(part: Sequence[tuple[DocumentView, int]]) -> Iterator[SegmentColumns]:
        return iter_segment_columns(corpus, code_ids, context=context, timestamps=timestamps,
                                    exclude_roles=("interviewer",) if no_interviewer else (),
                                    views=[view for view, _ in part])

    count = 0
    if fmt == "md":   # the heading counts segments and documents: the quotes are kept (as text) until then
        quotes: list[str] = []
        docs_quoted = 0
        for batch in batches(coded):
            docs_quoted += 1
            quotes.extend(_md_quote(s, context) for s in batch.segments())
        sys.stdout.write(_md_heading(label, len(quotes), docs_quoted))
        for start in range(0, len(quotes), 1000):
            sys.stdout.write("".join("\n" + quote for quote in quotes[start:start + 1000]))
        return
    if fmt == "table" and context:
        for batch in batches(coded):
            count += len(batch)
            sys.stdout.write(reading_blocks([(f"{s.citation()}  [{s.code}]  ({s.coder})"
                                              + (f"  memo: {s.memo}" if s.memo else ""), s.before, s.text, s.after)
                                             for s in batch.segments()]))
    elif fmt == "json":
        out = JsonArray()

        def json_of(part: Sequence[tuple[DocumentView, int]]) -> Iterator[bytes | str]:
            for batch in batches(part):
                yield printable_json(",\n".join(_json_lines(batch, timestamps, context)))

        with closing(in_order(coded, [n for _, n in coded], json_of)) as printable:
            for payload in printable:
                out.write_printable(payload)
        out.close()
    else:
        out = writer(fmt, _columns(fmt, timestamps, context))

        def cells_of(part: Sequence[tuple[DocumentView, int]]) -> Iterator[list[list[str]]]:
            for batch in batches(part):
                yield _cells(batch, fmt, timestamps, context)

        with closing(in_order(coded, [n for _, n in coded], cells_of)) as made:
            for cells in made:
                count += len(cells[0])
                out.write_columns(cells)
        out.close()
    if fmt == "table":
        click.echo(f"{count} segment{'s' * (count != 1)} of {safe(label)}", err=True)
