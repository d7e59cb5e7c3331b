"""The researcher's markdown as Word paragraphs and runs (python-docx).

Headings become Word headings (shifted below the heading they sit under),
bold/italic/strikethrough/code become run formatting, bullet lists "List
Bullet" (2 and 3 when nested), numbered lists carry their number as text (Word
would otherwise continue numbering across the whole document), block quotes
"Quote", code blocks "macro" (Macro Text), tables Word tables.  Links and
images are text, as in the HTML report.
"""

from __future__ import annotations

from qualtui.reports.usermd import clean, link_suffix, parser

MONO = "Courier New"
# Blocks that a lead ("Memo (alice):") stands before, on a line of its own.
_OWN_LINE_LEAD = frozenset({"table_open", "bullet_list_open", "ordered_list_open", "blockquote_open",
                            "heading_open", "fence", "code_block"})


def _runs(paragraph, children, lead: tuple[str, bool, bool] | None = None) -> None:
    if lead:
        run = paragraph.add_run(lead[0])
        run.bold, run.italic = lead[1], lead[2]
    bold = italic = strike = 0
    links: list[tuple[str, int]] = []   # (href, index of first text token of the label)
    for i, child in enumerate(children):
        kind = child.type
        if kind in ("text", "code_inline"):
            if not child.content:
                continue
            run = paragraph.add_run(child.content)
            run.bold = bool(bold) or None
            run.italic = bool(italic) or None
            if strike:
                run.font.strike = True
            if kind == "code_inline":
                run.font.name = MONO
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "s_open":
            strike += 1
        elif kind == "s_close":
            strike -= 1
        elif kind == "softbreak":
            paragraph.add_run(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind == "link_open":
            links.append((child.attrGet("href") or "", i))
        elif kind == "link_close" and links:
            href, first = links.pop()
            label = "".join(c.content for c in children[first:i] if c.type in ("text", "code_inline"))
            suffix = link_suffix(href, label)
            if suffix:
                paragraph.add_run(suffix)
        elif kind == "image":
            alt = "".join(c.content for c in child.children or [] if c.type == "text")
            paragraph.add_run(f"[image: {alt}]" if alt else "[image]")


def _list_style(lists: list[list]) -> str:
    kind = lists[-1][0]
    depth = min(len(lists), 3)
    if kind == "bullet":
        return "List Bullet" if depth == 1 else f"List Bullet {depth}"
    return "List Continue" if depth == 1 else f"List Continue {depth}"


def add_markdown(document, text: str | None, *, heading_offset: int = 0,
                 lead: tuple[str, bool, bool] | None = None) -> int:
    """Append *text* (markdown) to *document*; *lead* = (text, bold, italic) starts the first paragraph.

    Returns the number of paragraphs and tables added.
    """
    tokens = parser().parse(clean(text))
    added = 0
    lists: list[list] = []          # [kind, next number] per open list
    quoted = 0
    item_fresh = False              # the next paragraph is the first of a list item
    table_rows: list[list] | None = None
    for index, token in enumerate(tokens):
        kind = token.type
        if lead and not added and kind in _OWN_LINE_LEAD:
            _runs(document.add_paragraph(), [], lead)
            added += 1
        if kind == "bullet_list_open":
            lists.append(["bullet", 0])
        elif kind == "ordered_list_open":
            lists.append(["ordered", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            item_fresh = True
        elif kind == "blockquote_open":
            quoted += 1
        elif kind == "blockquote_close":
            quoted -= 1
        elif kind == "table_open":
            table_rows = []
        elif kind == "tr_open" and table_rows is not None:
            table_rows.append([])
        elif kind == "inline" and table_rows is not None:
            table_rows[-1].append(token.children or [])
        elif kind == "table_close" and table_rows:
            width = max(len(r) for r in table_rows)
            table = document.add_table(rows=len(table_rows), cols=width)
            table.style = "Table Grid"
            for row, cells in zip(table.rows, table_rows):
                for cell, children in zip(row.cells, cells):
                    _runs(cell.paragraphs[0], children)
            table_rows = None
            added += 1
        elif kind == "heading_open":
            level = min(9, int(token.tag[1]) + heading_offset)
            if hasattr(document, "add_heading"):
                _runs(document.add_heading("", level=level), tokens[index + 1].children or [])
            else:   # a table cell has no headings: a bold paragraph
                paragraph = document.add_paragraph()
                _runs(paragraph, tokens[index + 1].children or [])
                for run in paragraph.runs:
                    run.bold = True
            added += 1
        elif kind == "paragraph_open":
            if lists and item_fresh:
                style = _list_style(lists)
            elif lists:
                style = "List Continue" if len(lists) == 1 else f"List Continue {min(len(lists), 3)}"
            else:
                style = "Quote" if quoted else None
            paragraph = document.add_paragraph(style=style)
            if lists and item_fresh and lists[-1][0] == "ordered":
                paragraph.add_run(f"{lists[-1][1]}. ")
                lists[-1][1] += 1
            item_fresh = False
            _runs(paragraph, tokens[index + 1].children or [], lead if not added else None)
            added += 1
        elif kind in ("fence", "code_block"):
            paragraph = document.add_paragraph(style="macro")
            for n, line in enumerate(token.content.rstrip("\n").split("\n")):
                if n:
                    paragraph.add_run().add_break()
                paragraph.add_run(line).font.name = MONO
            added += 1
    if lead and not added:
        _runs(document.add_paragraph(), [], lead)
        added += 1
    return added


def add_inline(paragraph, text: str | None) -> None:
    """*text* (markdown) squeezed into one paragraph, such as a table cell: inline formatting kept."""
    first = True
    for token in parser().parse(clean(text)):
        if token.type == "inline":
            if not first:
                paragraph.add_run(" ")
            _runs(paragraph, token.children or [])
            first = False
