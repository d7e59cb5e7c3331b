"""Memos from the command line: ``qualtui memos`` lists and searches, ``qualtui memo`` writes."""

from __future__ import annotations

import sys

import click

from qualtui.cli.common import confirm, emit, format_option, match_id, project_options, safe
from qualtui.errors import QualtuiError
from qualtui.model import Coding


def _target(project, document: str | None, code: str | None) -> tuple[str, str | None, str]:
    if document and code:
        raise QualtuiError("a memo is about one thing: give --doc or --code, not both")
    if document:
        doc = project.docs.get(document)
        return "document", doc.id, doc.name
    if code:
        found = project.codes.get(code)
        return "code", found.id, found.name
    return "project", None, "project journal"


def _text(text: str | None) -> str:
    if text is None or text == "-":
        if sys.stdin.isatty():
            raise QualtuiError("give the memo text as an argument, or pipe it in with '-'")
        text = sys.stdin.read()
    if not text.strip():
        raise QualtuiError("the memo is empty")
    return text


@click.group()
def memo() -> None:
    """Write, edit and delete memos (markdown)."""


@memo.command("add")
@click.argument("text", required=False)
@click.option("--doc", "document", help="A memo about this document.")
@click.option("--code", help="A memo about this code.")
@click.option("--title", default="", help="A title (e.g. for journal entries).")
@project_options
def memo_add(project, text: str | None, document: str | None, code: str | None, title: str) -> None:
    """Add a memo; without --doc/--code it is a dated entry in the project journal. TEXT '-' reads stdin."""
    kind, target, label = _target(project, document, code)
    created = project.memos.add(kind, _text(text), target=target, title=title)
    click.echo(f"memo {created.id[:8]} added to {safe(label)}")


def _find(project, ref: str):
    """A memo, or a coding with a memo: ``qualtui memos`` lists a coding's memo under the coding's id."""
    memos = {m.id: m for m in project.memos.all()}
    codings = {c.id: c for c in project.codings.iter_all() if c.memo}
    found = match_id([*memos, *codings], ref, "memo")
    return memos.get(found) or codings[found]


@memo.command("show")
@click.argument("memo_id")
@project_options(identity=False)
def memo_show(project, memo_id: str) -> None:
    """Print one memo."""
    found = _find(project, memo_id)
    if isinstance(found, Coding):
        click.echo(f"# coding memo  ({safe(found.coder)}, {found.created})")
        click.echo(safe_block(found.memo or ""))
        return
    click.echo(f"# {safe(found.title or found.kind + ' memo')}  ({safe(found.author)}, {found.modified})")
    click.echo(safe_block(found.text))


def safe_block(text: str) -> str:
    from qualtui.text.normalise import strip_controls

    return strip_controls(text)


@memo.command("edit")
@click.argument("memo_id")
@click.argument("text", required=False)
@click.option("--title", help="New title.")
@project_options
def memo_edit(project, memo_id: str, text: str | None, title: str | None) -> None:
    """Replace a memo's text (TEXT or stdin with '-')."""
    found = _find(project, memo_id)
    if isinstance(found, Coding):
        if title is not None:
            raise QualtuiError("a coding memo has no title: give only the text")
        project.codings.update(found.document, found.id, memo=_text(text))
    else:
        project.memos.update(found.id, text=_text(text) if text is not None or title is None else None, title=title)
    click.echo(f"memo {found.id[:8]} updated")


@memo.command("delete")
@click.argument("memo_id")
@click.option("--yes", is_flag=True, help="Do not ask (needed when there is no terminal to ask in).")
@project_options
def memo_delete(project, memo_id: str, yes: bool) -> None:
    """Delete a memo."""
    found = _find(project, memo_id)
    coding = isinstance(found, Coding)
    if not yes:
        confirm(f"Delete memo {found.id[:8]} ({len(found.memo or '' if coding else found.text)} characters)?")
    if coding:
        project.codings.update(found.document, found.id, memo=None)  # the coding itself stays
    else:
        project.memos.delete(found.id)
    click.echo(f"memo {found.id[:8]} deleted")


@click.command()
@click.option("--kind", type=click.Choice(["project", "document", "code", "coding"]), help="Only this kind.")
@click.option("--search", "needle", help="Only memos containing this text (case-insensitive).")
@format_option()
@project_options(identity=False)
def memos(project, kind: str | None, needle: str | None, fmt: str) -> None:
    """List memos (project journal, document, code and coding memos), optionally searched."""
    docs = {d.id: d.name for d in project.docs.all()}
    code_names = {c.id: c.name for c in project.codes.all()}
    rows = []
    for m in project.memos.all():
        about = {"project": "project", "document": docs.get(m.target or "", "?"),
                 "code": code_names.get(m.target or "", "?")}.get(m.kind, "?")
        rows.append({"id": m.id, "kind": m.kind, "about": about, "title": m.title, "author": m.author,
                     "modified": m.modified, "text": m.text})
    if kind in (None, "coding"):
        from qualtui.text.lines import line_starts, lines_label

        for doc_id, name in docs.items():
            starts: list[int] | None = None
            for c in project.codings.for_document(doc_id):
                if c.memo:
                    if starts is None:  # read the text only for documents with coding memos
                        starts = line_starts(project.docs.text(doc_id))
                    about = f"{name}, {lines_label(starts, c.start, c.end)}: {code_names.get(c.code, '?')}"
                    rows.append({"id": c.id, "kind": "coding", "about": about, "title": "", "author": c.coder,
                                 "modified": c.created, "text": c.memo})
            project.store.release_document(doc_id)   # one document's codings held at a time
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    if needle:
        rows = [r for r in rows if needle.casefold() in (r["text"] + " " + r["title"]).casefold()]
    if fmt == "table":
        for r in rows:
            r["id"] = r["id"][:8]
    emit(rows, ["id", "kind", "about", "title", "author", "modified", "text"], fmt)
