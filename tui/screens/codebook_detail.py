"""What the codebook screen shows of one code: its row in the tree and its detail pane (markdown).

Pure functions of the code and the counts: no project access, no Textual.
"""

from __future__ import annotations

from rich.text import Text

from qualtui.model import Code, Memo
from qualtui.services.codebook import PALETTE, PALETTE_NAMES
from qualtui.text.normalise import clean_label, strip_controls
from tui.dialogs.pickers import SWATCH

COLOR_NAMES = dict(PALETTE_NAMES)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def code_label(code: Code, counts: tuple[int, int], rolled: int, no_color: bool) -> Text:
    """Swatch, name, "(group)", "12 seg / 3 doc" and, for a theme, the count with its sub-codes."""
    segments, documents = counts
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(SWATCH + " ", style="" if no_color else code.color)
    text.append(clean_label(code.name), style="bold" if not code.parent else "")
    if not code.codable:
        text.append(" (group)", style="italic")
    text.append(f"  {segments} seg / {documents} doc", style="dim")
    if rolled > segments:
        text.append(f" ({rolled} with sub-codes)", style="dim")
    return text


def colour_choices(current: str, no_color: bool) -> list[Text]:
    """The palette as choices: swatch, name and hex value; the code's colour marked "(current)"."""
    choices = []
    for hex_value in PALETTE:
        label = Text()
        label.append(SWATCH * 2 + " ", style="" if no_color else hex_value)
        label.append(f"{COLOR_NAMES[hex_value]} {hex_value}")
        if hex_value == current:
            label.append("  (current)", style="italic")
        choices.append(label)
    return choices


def detail_markdown(code: Code, path: str, counts: tuple[int, int], memos: list[Memo]) -> str:
    segments, documents = counts
    kind = "codable" if code.codable else "grouping (theme heading, cannot be applied)"
    colour = COLOR_NAMES.get(code.color, code.color)
    parts = [f"## {_md(path)}",
             f"{plural(segments, 'segment')} in {plural(documents, 'document')} · {kind} · colour {colour}"]
    for field, heading in (("description", "Definition"), ("inclusion", "Include when"),
                           ("exclusion", "Exclude when")):
        value = strip_controls(getattr(code, field)).strip()
        parts.append(f"### {heading}\n\n{value or '*(none yet: press e)*'}")
    example = strip_controls(code.example).strip()
    if example:
        parts.append("### Example\n\n" + "\n".join("> " + line for line in example.splitlines()))
    for memo in memos:
        title = f"Memo: {_md(memo.title)}" if memo.title else "Memo"
        parts.append(f"### {title}\n\n{strip_controls(memo.text).strip()}")
    if not memos:
        parts.append("### Memo\n\n*(none yet: press w)*")
    return "\n\n".join(parts)


def delete_question(code: Code, plan, parent: Code | None) -> str:
    """What deleting *code* takes with it (``plan``: ``codebook_ops.plan_delete``), as a yes/no question."""
    documents = len({c.document for c in plan.codings})
    where = clean_label(parent.name) if parent is not None else "the top level"
    lines = [f"Delete {clean_label(code.name)!r}?",
             f"Goes with it: {plural(len(plan.codings), 'coding')} in {plural(documents, 'document')}, "
             f"{plural(len(plan.memos), 'code memo')}."]
    if plan.children:
        lines.append(f"{plural(len(plan.children), 'sub-code')} "
                     f"({', '.join(clean_label(c.name, 40) for c in plan.children[:5])}"
                     f"{', ...' if len(plan.children) > 5 else ''}) move up to {where}.")
    lines.append("u undoes the deletion.")
    return "\n".join(lines)


def merge_question(code: Code, target: Code, plan) -> str:
    """What merging *code* into *target* moves (``plan``: ``codebook_ops.plan_delete``), as a yes/no question."""
    into = clean_label(target.name)
    return (f"Merge {clean_label(code.name)!r} into {into!r}?\n"
            f"{plural(len(plan.codings), 'coding')}, {plural(len(plan.children), 'sub-code')} and "
            f"{plural(len(plan.memos), 'memo')} move to {into!r}; its definition "
            f"and criteria are appended. Nothing is lost; u undoes.")


def _md(value: str) -> str:
    """A label safe inside a markdown heading: no markup characters acting as markup."""
    cleaned = clean_label(value)
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in cleaned)
