"""Analysis commands: freq, matrix, cooccur, search, autocode (retrieve is in ``cli.retrieve``).

The work is done by ``qualtui.analysis``; this module parses options and renders.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import click

from qualtui.cli.common import (emit, emit_each, format_option, json_text, long_running, not_a_filter, project_options,
                                safe, warn)
from qualtui.errors import QualtuiError
from qualtui.text.normalise import strip_controls


def read_options(fn: Callable) -> Callable:
    """--project, plus --attr/--doc/--by filters; passes ``project`` and ``scope_args``.

    --by filters by coder (whose codings count); --coder is only ever who you are.
    """

    @click.option("--project", "-p", "project_path", type=click.Path(file_okay=False), default=None,
                  help="Project folder (default: $QUALTUI_PROJECT, else the enclosing project).")
    @click.option("--by", "coders", multiple=True, metavar="CODER",
                  help="Only codings by this coder (repeatable: any of them).")
    @not_a_filter
    @click.option("--doc", "docs", multiple=True, metavar="DOC", help="Only this document (repeatable).")
    @functools.wraps(fn)
    def wrapper(*args: Any, project_path: str | None, coders: tuple[str, ...], docs: tuple[str, ...],
                **kwargs: Any) -> Any:
        from qualtui.project import Project, find_project_root

        parent = click.get_current_context().find_root().obj or {}
        project = Project.open(find_project_root(project_path or parent.get("project")), coder=parent.get("coder"))
        return fn(*args, project=project, docs=docs, coders=coders, **kwargs)

    return wrapper


def attr_filter_option(fn: Callable) -> Callable:
    return click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
                        help="Only documents with this attribute (repeatable: AND across keys, OR within a key).")(fn)


def ascii_option(fn: Callable) -> Callable:
    return click.option("--ascii", "ascii_bars", is_flag=True, help="Draw bars with '#' instead of blocks.")(fn)


NO_INTERVIEWER = click.option("--no-interviewer", is_flag=True,
                               help="Leave out turns of speakers with the role interviewer ('qualtui speaker').")


def corpus_for(project, attrs: Sequence[str] = (), docs: Sequence[str] = (), coders: Sequence[str] = (), *,
               streaming: bool = True):
    """The documents and codings in scope; *streaming*: each document forgotten once visited (one pass)."""
    from qualtui.analysis.corpus import Corpus, Scope

    return Corpus(project, Scope.build(project, attributes=attrs, documents=docs, coders=coders), streaming=streaming)


def _plain_bars(ascii_bars: bool) -> bool:
    from qualtui.analysis.bars import can_draw_blocks

    return ascii_bars or not can_draw_blocks(getattr(sys.stdout, "encoding", None))


def _out(text: str) -> None:
    sys.stdout.write(text)


def _clean(text: str) -> str:
    return strip_controls(text)


def _indented(name: str, depth: int) -> str:
    return "  " * depth + name


# reading view (search; retrieve --context) --------------------------------

def reading_blocks(items: Sequence[tuple[str, str, str, str]]) -> str:
    """Reading view: a heading line, then context before, the text marked with '> ', context after."""
    out = []
    for heading, before, text, after in items:
        out.append(safe(heading))
        before, after = _clean(before).removesuffix("\n"), _clean(after).removeprefix("\n")
        out.extend("    " + line for line in before.split("\n") if before)
        out.extend("  > " + line for line in _clean(text).split("\n"))
        out.extend("    " + line for line in after.split("\n") if after)
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


# freq, matrix, cooccur -----------------------------------------------------

@click.command()
@click.option("--rollup", is_flag=True, help="Count each code's sub-codes into its row.")
@click.option("--sort", "sort_by", type=click.Choice(["tree", "segments", "name"]), default="tree",
              show_default=True, help="Row order.")
@click.option("--used", is_flag=True, help="Only codes with at least one segment.")
@attr_filter_option
@ascii_option
@format_option()
@read_options
def freq(project, rollup: bool, sort_by: str, used: bool, attrs, docs, coders, ascii_bars: bool, fmt: str) -> None:
    """Code frequencies: segments, documents, distinct speakers and words coded per code."""
    from qualtui.analysis.bars import bar
    from qualtui.analysis.frequencies import frequencies

    rows = frequencies(corpus_for(project, attrs, docs, coders), rollup=rollup)
    if used:
        rows = [r for r in rows if r.segments]
    if sort_by == "segments":
        rows.sort(key=lambda r: (-r.segments, r.path.casefold()))
    elif sort_by == "name":
        rows.sort(key=lambda r: r.path.casefold())
    top = max((r.segments for r in rows), default=0)
    plain = _plain_bars(ascii_bars)
    out = [{"code": _indented(r.name, r.depth) if fmt == "table" and sort_by == "tree" else r.path,
            "code_id": r.code_id, "depth": r.depth, "codable": r.codable, "segments": r.segments,
            "documents": r.documents, "speakers": r.speakers, "words": r.words,
            "bar": bar(r.segments, top, 24, ascii=plain)} for r in rows]
    if fmt == "table":
        emit(out, ["code", "segments", "documents", "speakers", "words", "bar"], fmt,
             headers=["code", "segments", "docs", "speakers", "words", ""])
    else:
        emit(out, ["code_id", "code", "depth", "codable", "segments", "documents", "speakers", "words"], fmt)


@click.command()
@click.option("--attr", "attribute", required=True, metavar="KEY", help="Document attribute for the columns.")
@click.option("--count", type=click.Choice(["segments", "documents"]), default="segments", show_default=True,
              help="Count coded segments, or documents with the code.")
@click.option("--rollup", is_flag=True, help="Count each code's sub-codes into its row.")
@click.option("--used", is_flag=True, help="Only codes with at least one segment.")
@ascii_option
@format_option()
@read_options
def matrix(project, attribute: str, count: str, rollup: bool, used: bool, docs, coders, ascii_bars: bool,
           fmt: str) -> None:
    """Codes x values of a document attribute (e.g. --attr group), with totals.

    With --count documents the totals are distinct documents, not sums.
    """
    from qualtui.analysis.bars import bar
    from qualtui.analysis.frequencies import matrix as build

    if "=" in attribute:
        raise QualtuiError(f"matrix --attr takes an attribute name such as 'group', not {safe(attribute)!r}")
    table = build(corpus_for(project, (), docs, coders), attribute, count=count, rollup=rollup)
    rows = [r for r in table.rows if r.total or not used]
    headings = [_clean(v) for v in table.values]
    keys = [f"c{i}" for i in range(len(headings))]
    top = max((r.total for r in rows), default=0)
    plain = _plain_bars(ascii_bars)
    out = []
    for r in rows:
        row: dict[str, Any] = dict(zip(keys, r.cells))
        row.update(code=_indented(r.name, r.depth) if fmt == "table" else r.path, code_id=r.code_id,
                   total=r.total, bar=bar(r.total, top, 16, ascii=plain))
        out.append(row)
    out.append({**dict(zip(keys, table.totals)), "code": "TOTAL", "code_id": None, "total": table.grand_total})
    if fmt == "json":
        records = [{"code_id": row["code_id"], "code": row["code"], "cells": dict(zip(headings, (row[k] for k in keys))),
                    "total": row["total"]} for row in out]
        payload = {"attribute": table.attribute, "count": table.count, "values": headings,
                   "documents_per_value": dict(zip(headings, table.documents_per_value)), "rows": records}
        _out(json_text(payload) + "\n")
        return
    if fmt == "csv":
        _emit_renamed(out, ["code", *keys, "total"], ["code", *headings, "total"])
        return
    emit(out, ["code", *keys, "total", "bar"], fmt, headers=["code", *headings, "total", ""])
    sizes = ", ".join(f"{v} {n}" for v, n in zip(headings, table.documents_per_value))
    click.echo(f"{table.count} by {safe(attribute)}; documents per value: {safe(sizes)}", err=True)


def _emit_renamed(rows: list[dict], keys: list[str], headings: list[str]) -> None:
    """CSV whose header row uses user-data headings (attribute values) for generated keys."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe(h) for h in headings])
    for row in rows:
        writer.writerow([safe(row.get(k)) for k in keys])
    _out(buf.getvalue())


@click.command()
@click.option("--unit", type=click.Choice(["span", "turn"]), default="span", show_default=True,
              help="Overlapping characters (span) or the same speaker turn (turn).")
@click.option("--jaccard", is_flag=True, help="Show the Jaccard index (shared / either).")
@click.option("--code", "code_refs", multiple=True, metavar="CODE", help="Only pairs involving this code (repeatable).")
@click.option("--min", "minimum", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only pairs co-occurring at least this often.")
@attr_filter_option
@ascii_option
@format_option()
@read_options
def cooccur(project, unit: str, jaccard: bool, code_refs, minimum: int, attrs, docs, coders, ascii_bars: bool,
            fmt: str) -> None:
    """Pairs of codes that overlap in the same span or occur in the same turn.

    span: count = overlapping pairs of codings, Jaccard over characters.
    turn: count = turns with both codes, Jaccard over turns.
    """
    from qualtui.analysis.bars import bar
    from qualtui.analysis.cooccurrence import cooccurrence

    corpus = corpus_for(project, attrs, docs, coders)
    wanted = [project.codes.get(ref).id for ref in code_refs] or None
    pairs = [p for p in cooccurrence(corpus, unit=unit, codes=wanted) if p.count >= minimum]
    top = max((p.count for p in pairs), default=0)
    plain = _plain_bars(ascii_bars)
    rows = [{"code_a_id": p.code_a_id, "code_a": p.code_a, "code_b_id": p.code_b_id, "code_b": p.code_b,
             "count": p.count, "documents": p.documents,
             "jaccard": round(p.jaccard, 3) if fmt != "table" else f"{p.jaccard:.2f}",
             "bar": bar(p.count, top, 20, ascii=plain)} for p in pairs]
    if fmt == "table":
        columns = ["code_a", "code_b", "count", "documents"] + (["jaccard"] if jaccard else []) + ["bar"]
        if not pairs:  # a message, not an empty table's header
            click.echo("no co-occurring codes" + (f" (at least {minimum} times)" if minimum > 1 else ""))
            return
        emit(rows, columns, fmt, headers=[c if c != "bar" else "" for c in columns])
    else:
        columns = ["code_a_id", "code_a", "code_b_id", "code_b", "count", "documents"] + (["jaccard"] if jaccard else [])
        emit(rows, columns, fmt)


# search and auto-coding ----------------------------------------------------

def _summary(added: int, documents: int, skipped: int, code: str, dry_run: bool) -> str:
    verb = "would add" if dry_run else "added"
    return (f"{verb} {added} coding{'s' * (added != 1)} of {safe(code)!r} in {documents} "
            f"document{'s' * (documents != 1)}; {skipped} skipped (already coded)")


def _apply(project, code_name: str, spans: dict, create: bool, dry_run: bool) -> None:
    from qualtui.analysis.autocode import autocode, plan

    if not spans:
        click.echo("nothing to code", err=True)
        return
    if dry_run:
        existing = project.codes.find(code_name) if create else project.codes.get(code_name)
        todo, skipped = plan(project, existing.id, spans) if existing else (spans, 0)
        click.echo(_summary(sum(map(len, todo.values())), len(todo), skipped,
                            existing.name if existing else code_name, True))
        return
    result, _change = autocode(project, code_name, spans, create=create)
    click.echo(_summary(len(result.added), result.documents, result.skipped, result.code, False))


@click.command()
@click.argument("pattern")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (Python syntax).")
@click.option("--case-sensitive", is_flag=True, help="Match case exactly (default: ignore case).")
@click.option("--word", is_flag=True, help="Whole words only.")
@click.option("--speaker", "speakers", multiple=True, metavar="NAME", help="Only in turns of this speaker (repeatable).")
@NO_INTERVIEWER
@attr_filter_option
@click.option("--doc", "docs", multiple=True, metavar="DOC", help="Only this document (repeatable).")
@click.option("--context", type=click.IntRange(min=0), default=0, show_default=True,
              help="Lines of context (default: a snippet of the hit's line).")
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Stop after this many hits.")
@click.option("--code", "code_name", metavar="NAME", help="Code every hit with NAME (see --unit).")
@click.option("--unit", type=click.Choice(["match", "sentence", "turn"]), default=None,
              help="With --code: code the match, its sentence, or its speaker turn  [default: match]")
@click.option("--create", is_flag=True, help="With --code: create the code if it does not exist.")
@click.option("--dry-run", is_flag=True, help="With --code: only report what would be coded.")
@format_option()
@project_options
@long_running
def search(project, pattern: str, regex: bool, case_sensitive: bool, word: bool, speakers, no_interviewer: bool,
           attrs, docs, context: int, limit: int, code_name: str | None, unit: str | None, create: bool,
           dry_run: bool, fmt: str) -> None:
    """Search all transcripts for PATTERN; with --code, code every hit.

    Hits are listed by document and line with a snippet of context. Coding
    all hits is one step, all or nothing: if --limit cuts the hits short,
    nothing is coded.
    """
    from qualtui.analysis.search import Search, SearchQuery, search as run

    if (unit or create or dry_run) and not code_name:
        raise QualtuiError("--unit, --create and --dry-run need --code NAME")
    corpus = corpus_for(project, attrs, docs)
    query = SearchQuery(pattern, regex=regex, case_sensitive=case_sensitive, whole_word=word,
                        speakers=tuple(speakers), limit=limit, exclude_roles=("interviewer",) if no_interviewer else ())
    if not code_name and not (fmt == "table" and context):
        _print_hits(Search(corpus, query, context=context), fmt, len(corpus.documents), project.root)
        return
    result = run(corpus, query, context=context)
    if code_name:
        from qualtui.analysis.autocode import spans_for_hits

        if result.truncated:
            raise QualtuiError(f"more than {limit} hits; nothing coded (raise --limit to code them all)")
        spans = spans_for_hits(corpus, result.hits, unit or "match")
        click.echo(f"{len(result.hits)} hit{'s' * (len(result.hits) != 1)}", err=True)
        _apply(project, code_name, spans, create, dry_run)
        return
    _out(reading_blocks([(f"{h.document}:{h.lines}" + (f"  {h.speaker}" if h.speaker else ""), h.before, h.text,
                   h.after) for h in result.hits]))
    _hits_footer(result.truncated, limit, len(result.hits), result.documents, fmt)


def _print_hits(found, fmt: str, documents: int, spill: Path) -> None:
    """Hits as rows, printed as they are found (csv, json) or held cut to the table's widths, on disk (in the
    folder *spill*) past a few megabytes (every hit of a common word)."""
    from qualtui.cli.spilled_table import SpilledTable

    count = 0

    def rows():
        nonlocal count
        for h in found:
            count += 1
            yield {"document": h.document, "document_id": h.document_id, "start": h.start, "end": h.end,
                   "lines": h.lines, "first_line": h.first_line, "last_line": h.last_line, "speaker": h.speaker,
                   "text": h.text, "before": h.before, "after": h.after,
                   # a plain table has no bold: the match gets its own column between its context
                   "left": ("\u2026" if len(h.before) > 24 else "") + h.before[-24:], "right": h.after[:30]}

    if fmt == "table":
        table = SpilledTable(["document", "lines", "speaker", "left", "text", "right"],
                             headers=["document", "lines", "speaker", "before", "match", "after"], folder=spill,
                             # a project folder this user cannot write to (a colleague's): held in memory, never /tmp
                             spill_bytes=None if os.access(spill, os.W_OK) else sys.maxsize)
        batches = rows()
        for batch in iter(lambda: list(islice(batches, 1000)), []):
            table.write(batch)
        table.close()
    else:
        emit_each(rows(), ["document", "document_id", "start", "end", "first_line", "last_line", "lines", "speaker",
                           "text", "before", "after"], fmt)
    _hits_footer(found.truncated, found.query.limit, count, documents, fmt)


def _hits_footer(truncated: bool, limit: int, hits: int, documents: int, fmt: str) -> None:
    if truncated:
        warn(f"stopped after {limit} hits; use --limit to see more")
    elif fmt == "table":
        click.echo(f"{hits} hit{'s' * (hits != 1)} in {documents} "
                   f"document{'s' * (documents != 1)} searched", err=True)


@click.command()
@click.option("--speaker", "speakers", multiple=True, required=True, metavar="NAME",
              help="Code the turns of this speaker (repeatable).")
@click.option("--code", "code_name", required=True, metavar="NAME", help="The code to apply.")
@click.option("--create", is_flag=True, help="Create the code if it does not exist.")
@click.option("--dry-run", is_flag=True, help="Only report what would be coded.")
@attr_filter_option
@click.option("--doc", "docs", multiple=True, metavar="DOC", help="Only this document (repeatable).")
@project_options
@long_running
def autocode(project, speakers, code_name: str, create: bool, dry_run: bool, attrs, docs) -> None:
    """Code every turn of a speaker (what they said, not the label), e.g. all Interviewer turns."""
    from qualtui.analysis.autocode import spans_for_speakers

    spans = spans_for_speakers(corpus_for(project, attrs, docs), speakers)
    _apply(project, code_name, spans, create, dry_run)

