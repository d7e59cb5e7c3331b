"""Team coding commands: inter-coder agreement and merging a colleague's copy of a project."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

import click

from qualtui.cli.common import emit, emit_each, format_option, json_text, long_running, project_options, safe, told
from qualtui.cli.stream import Table
from qualtui.errors import NotFoundError

AGREEMENT_HELP = """Inter-coder agreement between two or more coders, per code and overall.

\b
Units (--unit):
  char  every code point of every document in scope.
  turn  every speaker turn in scope, its speaker label included; a document
        without turns counts one unit per non-blank line.
A unit is 1 for coder X and code C if X has a coding of C that covers it
(char) or overlaps it by at least one character (turn), else 0.  Each code
counts only its own codings, not its sub-codes'.

\b
Per code, for n units, m coders, k = coders who coded a unit:
  percent   share of agreeing coder pairs over all units:
            sum k(k-1)+(m-k)(m-k-1) / (n m(m-1)); for two coders (a+d)/n.
  positive  positive (specific) agreement over units at least one coder
            coded: sum k(k-1) / sum k(m-1); for two coders 2a/(2a+b+c).
            Uncoded text cannot inflate it.
  kappa     Cohen's kappa, exactly two coders only.
  alpha     Krippendorff's alpha, nominal, every coder rating every unit.
Overall: "(pooled)" computes the same statistics over units x codes;
"(mean of codes)" averages the per-code values, leaving out codes where a
value is undefined.  A value that divides by zero (nothing coded, no
variation) is "undefined" (null in JSON, NA in CSV), never 0 or 1.

\b
Scope: --docs, else every document in which each coder has at least one
coding; --codes, else every code any of the coders applied there.  Coder
names match case-insensitively.

--disagreements lists, per code, the stretches (char) or turns where some but
not all coders coded, with document, lines, speakers and text.
"""


def _split(values: Sequence[str]) -> list[str]:
    """Values given as repeated options and/or comma-separated lists."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def _refs(values: Sequence[str], resolve) -> list[str]:
    """Names that may themselves contain commas: try each whole value first, then its parts."""
    out: list[str] = []
    for value in values:
        try:
            resolve(value)
            out.append(value)
        except NotFoundError:
            out.extend(_split([value]))
    return out


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "undefined"
    return f"{value * 100:.1f}%" if percent else f"{value:.3f}"


def _stats_fields(stats) -> dict:
    return {"units": stats.units, "coded_any": stats.coded_any, "coded_all": stats.coded_all,
            "percent": stats.percent, "positive": stats.positive, "kappa": stats.kappa, "alpha": stats.alpha}


def _mean_fields(mean) -> dict:
    return {name: getattr(mean, name) for name in
            ("percent", "positive", "kappa", "alpha", "percent_codes", "positive_codes", "kappa_codes", "alpha_codes")}


def _report_json(result) -> dict:
    two = len(result.coders) == 2
    codes = []
    for item in result.codes:
        row = {"code_id": item.code_id, "code": item.code, **_stats_fields(item.stats)}
        if two:
            row.update(zip(("a", "b", "c", "d"), item.tally.pair()))
        codes.append(row)
    return {"coders": list(result.coders), "unit": result.unit,
            "documents": [{"id": i, "name": n} for i, n in result.documents],
            "codes": codes, "pooled": _stats_fields(result.pooled), "mean": _mean_fields(result.mean)}


AGREEMENT_COLUMNS = ["code", "units", "coded_any", "coded_all", "percent", "positive", "kappa", "alpha"]


def _agreement_rows(result, fmt: str) -> list[dict]:
    def row(label: str, stats, code_id: str = "") -> dict:
        values = _stats_fields(stats)
        if fmt == "table":
            values.update({k: _number(values[k], k in ("percent", "positive"))
                           for k in ("percent", "positive", "kappa", "alpha")})
        else:
            values.update({k: "NA" if values[k] is None else repr(values[k])
                           for k in ("percent", "positive", "kappa", "alpha")})
        return {"code_id": code_id, "code": label, **values}

    rows = [row(item.code, item.stats, item.code_id) for item in result.codes]
    rows.append(row("(pooled)", result.pooled))
    mean = result.mean
    mean_row = {"code": "(mean of codes)"}
    for name in ("percent", "positive", "kappa", "alpha"):
        value = getattr(mean, name)
        if fmt == "table":
            mean_row[name] = _number(value, name in ("percent", "positive"))
        else:
            mean_row[name] = "NA" if value is None else repr(value)
    rows.append(mean_row)
    return rows


DISAGREEMENT_COLUMNS = ["document_id", "document", "code_id", "code", "start", "end", "lines", "first_line",
                        "last_line", "chars", "speakers", "coded_by", "not_coded_by", "text"]


def _disagreement_rows(found) -> Iterator[dict]:
    return ({"document_id": d.document_id, "document": d.document, "code_id": d.code_id, "code": d.code,
             "start": d.start, "end": d.end, "lines": d.lines, "first_line": d.first_line, "last_line": d.last_line,
             "chars": d.end - d.start, "speakers": list(d.speakers), "coded_by": list(d.coded_by),
             "not_coded_by": list(d.not_coded_by), "text": d.text} for d in found)


@click.command(help=AGREEMENT_HELP)
@click.option("--coders", "coders", required=True, multiple=True, metavar="A,B[,C]",
              help="The coders to compare (comma-separated or repeated; at least two).")
@click.option("--codes", "codes", multiple=True, metavar="CODE[,CODE]", help="Only these codes.")
@click.option("--docs", "--doc", "docs", multiple=True, metavar="DOC[,DOC]", help="Only these documents.")
@click.option("--unit", type=click.Choice(["char", "turn"]), default="char", show_default=True,
              help="What one unit of comparison is.")
@click.option("--disagreements", is_flag=True, help="List where the coders differ instead of the statistics.")
@click.option("--min-length", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --disagreements and --unit char: leave out stretches shorter than this many characters.")
@format_option()
@project_options(identity=False)
def agreement(project, coders, codes, docs, unit: str, disagreements: bool, min_length: int, fmt: str) -> None:
    from qualtui.team.agreement import iter_disagreements, load, report

    material = load(project, _split(coders),
                    codes=_refs(codes, project.codes.get) or None,
                    documents=_refs(docs, project.docs.get) or None, unit=unit)
    if disagreements:   # tens of thousands at scale: printed as found (a table holds its cells, cut)
        rows = _disagreement_rows(iter_disagreements(material, min_length=min_length))
        if fmt == "table":
            table = Table(["document", "lines", "speakers", "code", "coded_by", "not_coded_by", "text"])
            found = 0
            for batch in iter(lambda: list(islice(rows, 1000)), []):
                table.write(dict(r, text=r["text"].strip()) for r in batch)
                found += len(batch)
            table.close()
            click.echo(f"{found} disagreement{'s' * (found != 1)}")
        else:
            emit_each(rows, DISAGREEMENT_COLUMNS, fmt)
        return
    result = report(material)
    if fmt == "json":
        click.echo(json_text(_report_json(result)))
        return
    rows = _agreement_rows(result, fmt)
    if fmt == "csv":
        emit(rows, ["code_id", *AGREEMENT_COLUMNS], fmt)
        return
    what = "characters" if unit == "char" else "turns"
    names = ", ".join(safe(n) for _, n in result.documents)
    click.echo(f"Agreement between {safe(', '.join(result.coders))}; unit: {unit} "
               f"({result.units} {what} per code in {len(result.documents)} document"
               f"{'s' * (len(result.documents) != 1)}: {names})")
    emit(rows, AGREEMENT_COLUMNS, fmt,
         headers=["code", "units", "coded", "by all", "percent", "positive", "kappa", "alpha"])
    if not result.codes:
        click.echo("No codes to compare.")


MERGE_HELP = """Merge OTHER, a colleague's copy of the project, into this project.

\b
Documents match by the SHA-256 of their text (never by name); others are
  added with text, turns and attributes (keeping their id when free); one
  whose text holds control characters (a hand-made copy) is a conflict.
Speaker names ('qualtui speaker') match by label: missing ones are added,
  differing ones are kept as they are here and reported.
Codes match by id, then by name (case-insensitive); new codes are added with
  their parents.  Missing definitions are filled in; differing ones are kept
  as they are here and reported.
Codings match by (document, code, start, end, coder); coders are kept as they
  are, so codings by differently named coders are all kept.
Memos match by id.  A memo changed on both sides is a conflict: theirs is
  added as a new memo "(merged from NAME)".  A coding whose memo differs keeps
  both texts, theirs appended under "[merged from NAME]".

Identical items are skipped, so merging twice changes nothing.  Nothing is
dropped silently: every conflict is listed.  A backup is taken (backups/)
before anything is written.  --dry-run lists what would happen and writes
nothing.
"""


@click.command(help=MERGE_HELP)
@click.argument("other", type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be added, matched and in conflict; change nothing.")
@click.option("--all", "show_all", is_flag=True,
              help="Table: list every item (by default: documents, new or renamed codes, attributes, speakers, "
                   "definitions and conflicts, then counts).")
@format_option()
@project_options
@long_running
def merge(project, other: str, dry_run: bool, show_all: bool, fmt: str) -> None:
    from qualtui.safety.backup import write_backup
    from qualtui.team.merge import merge as run_merge
    from qualtui.project import Project

    theirs = told(Project.open(other))
    backups: list = []
    merge_plan = run_merge(project, theirs, dry_run=dry_run,
                           before_writing=lambda: backups.append(write_backup(project.root, prefix="pre-merge-")))
    backup = backups[0] if backups else None
    if fmt != "table":   # an item per coding of theirs: written as they are made into rows
        emit_each(({"kind": i.kind, "outcome": i.outcome, "item": i.name, "detail": i.detail,
                    "other_id": i.other_id, "our_id": i.our_id} for i in merge_plan.items),
                  ["kind", "outcome", "item", "detail", "other_id", "our_id"], fmt)
        return
    verb = {"added": "would add" if dry_run else "added"}
    shown = [{"kind": i.kind, "outcome": verb.get(i.outcome, i.outcome), "item": i.name, "detail": i.detail}
             for i in merge_plan.items if show_all or i.outcome == "conflict"
             or (i.kind in ("document", "code", "attribute", "speaker", "definition") and i.outcome != "identical"
                 and (i.kind, i.detail) != ("code", "by id"))]
    if shown:
        emit(shown, ["kind", "outcome", "item", "detail"], fmt)
        click.echo("")
    counts = merge_plan.counts()
    kinds = list(dict.fromkeys(i.kind for i in merge_plan.items))
    for kind in kinds:
        parts = [f"{counts[(kind, o)]} {verb.get(o, o)}" for o in ("added", "matched", "identical", "conflict")
                 if counts[(kind, o)]]
        click.echo(f"{kind}s: {', '.join(parts)}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
    elif not merge_plan.changes:
        click.echo("Nothing to merge: this project already has everything in "
                   f"{safe(merge_plan.other_name)}.")
    else:
        click.echo(f"Merged {safe(merge_plan.other_name)}; a backup from before the merge is in {safe(backup)}.")
    conflicts = sum(n for (_, outcome), n in counts.items() if outcome == "conflict")
    if conflicts:
        click.echo(f"{conflicts} conflict{'s' * (conflicts != 1)}: see the list above; nothing was dropped.")


