"""Draw one row of the transcript view as a Strip: line-number gutter, text, code-label gutter.

Meaning never rests on colour alone: coded text is also underlined when codes
overlap, other coders' codings are italic and marked "~" in the label gutter, and
with NO_COLOR every highlight falls back to underline/bold/reverse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.transcript_layout import Layout, Painted, contrast_text, fit_labels, text_cells

if TYPE_CHECKING:
    from textual.widget import Widget

MIN_TEXT_WIDTH = 20
OTHER_MARK = "~"
MIN_LABEL = 4  # below this a label says too little: show "+N" instead
TIME_WIDTH = 9  # "hh:mm:ss " after the line number when turn times are shown
_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"})


def _cut(text: str, width: int) -> str:
    while text and text_cells(text) > width:
        text = text[:-1]
    return text.rstrip()


def abbreviate(name: str, width: int) -> str:
    """*name* in at most *width* cells, shortened word by word: "Friendship and loneliness" ->
    "Friendsh lonelin", not "Friend"."""
    if text_cells(name) <= width:
        return name
    words = name.split()
    kept = [w for w in words if w.casefold() not in _SMALL_WORDS] or words
    if len(kept) > 1 and text_cells(" ".join(kept)) <= width:
        return " ".join(kept)
    for size in range(max(len(w) for w in kept), 2, -1):
        sizes = [min(len(w), size) for w in kept]
        if text_cells(" ".join(w[:n] for w, n in zip(kept, sizes))) > width:
            continue
        for i, word in enumerate(kept):  # give what is left over to the first words
            while sizes[i] < len(word) and text_cells(" ".join(w[:n] for w, n in zip(kept, sizes))) < width:
                sizes[i] += 1
            if text_cells(" ".join(w[:n] for w, n in zip(kept, sizes))) > width:
                sizes[i] -= 1
        return " ".join(w[:n] for w, n in zip(kept, sizes))
    return _cut(" ".join(kept), width) or _cut(name, width)


def fit_names(names: list[str], room: int) -> list[str]:
    """Abbreviate *names* so that as many as possible share *room* (joined by spaces)."""
    if text_cells(" ".join(names)) <= room:
        return names
    for count in range(len(names), 0, -1):
        reserve = len(f" +{len(names) - count}") if count < len(names) else 0
        share = (room - reserve - (count - 1)) // count
        if share >= MIN_LABEL or count == 1:
            return [abbreviate(n, max(share, 1)) for n in names[:count]] + names[count:]
    return names

_CURSOR = Style(reverse=True)
_CURSOR_IN_SELECTION = Style(reverse=True, bold=True, underline=True)
_SELECTED = Style(reverse=True)
_OVERLAP = Style(underline=True)
_OVERLAP_NO_COLOR = Style(underline=True, bold=True)
_OTHER = Style(italic=True)
# Stored text holds no controls (importers strip them), but a hand-made file might, and Textual
# passes ESC and C1 to the terminal.  C0 controls take no cell in the layout (dropped), DEL and C1
# take one (shown as U+FFFD), so every column stays where the layout put it.
_SHOWN = {c: None for c in range(0x20)} | {c: 0xFFFD for c in (0x7F, *range(0x80, 0xA0))}


class RowPainter:
    """Paints rows for one widget width and one set of component styles."""

    def __init__(self, widget: "Widget", width: int, line_count: int, gutter_width: int,
                 no_color: bool, *, times: bool = False) -> None:
        self.width = width
        self.no_color = no_color
        self.digits = max(3, len(str(line_count)))
        self.times = times
        self.number_width = self.digits + 1 + (TIME_WIDTH if times else 0)  # the whole left gutter
        # a narrow transcript gives the label gutter a quarter of its width, so the text keeps most of it
        right = min(max(gutter_width, 0), max(10, (width - self.number_width) // 4))
        if width - self.number_width - right - 1 < MIN_TEXT_WIDTH:
            right = 0  # too narrow: the status bar still names the codes at the cursor
        self.right_width = right
        self.text_width = max(1, width - self.number_width - right - 1)
        self.base = widget.rich_style

        def component(name: str) -> Style:
            return widget.get_component_rich_style(name)  # full style: alpha colours blended

        self.gutter = component("transcript-view--gutter")
        speaker = component("transcript-view--speaker")
        # colour and weight only, so a coded speaker label keeps the code's background
        self.speaker = Style(color=speaker.color, bold=speaker.bold, italic=speaker.italic)
        self.search = component("transcript-view--search")
        if no_color:
            self.search = Style(bold=True, italic=True)
        self.labels = component("transcript-view--labels")
        self._styles: dict[tuple, Style] = {}

    # styles ----------------------------------------------------------------------
    def _coding_style(self, color: str, own: bool, overlap: bool) -> Style:
        if self.no_color:
            style = _OVERLAP_NO_COLOR if overlap else Style(underline=True)
        else:
            style = Style(color=contrast_text(color), bgcolor=color)
            if overlap:
                style += _OVERLAP
        if not own:
            style += _OTHER
        return style

    def _style(self, key: tuple) -> Style:
        style = self._styles.get(key)
        if style is None:
            coding, speaker, hit, selected, cursor = key
            style = self.base
            if speaker:
                style += self.speaker
            if coding is not None:
                style += self._coding_style(*coding)
            if hit:
                style += self.search
            if selected:
                style += _SELECTED
            if cursor:
                style += _CURSOR_IN_SELECTION if selected else _CURSOR
            self._styles[key] = style
        return style

    def _label_style(self, painted: Painted) -> Style:
        key = ("label", painted.color, painted.own)
        style = self._styles.get(key)
        if style is None:
            if self.no_color:
                style = self.labels + (Style() if painted.own else _OTHER)
            else:
                style = self.base + self._coding_style(painted.color, painted.own, False)
            self._styles[key] = style
        return style

    # rows ------------------------------------------------------------------------
    def paint(self, layout: Layout, row: int, state: dict[str, Any]) -> Strip:
        line = layout.row_lines[row]
        if layout.is_first_row(row):
            number = f"{line:>{self.digits}} "
        else:
            number = " " * (self.digits + 1)
        if self.times:
            number += f"{state['time']:<{TIME_WIDTH - 1}} "
        parts = [Strip([Segment(number, self.gutter)]).crop_extend(0, self.number_width, self.gutter)]
        parts.append(self._paint_text(layout, row, state))
        if self.right_width:
            parts.append(self._paint_labels(state["painted"]))
        return Strip.join(parts)

    def _paint_text(self, layout: Layout, row: int, state: dict[str, Any]) -> Strip:
        start, end = layout.row_span(row)
        first, last = layout.row_offsets(row)
        chars = layout.text[start:end].replace("\t", " ")
        if last == end:
            chars += " "  # the newline (or end of text) is a cursor position too
        stop = first + len(chars)
        painted: list[Painted] = state["painted"]
        selection = state["selection"]
        cursor = state["cursor"]
        hits = state["hits"]
        speakers = state["speakers"]

        cuts = {first, stop}
        for p in painted:
            cuts.add(p.coding.start)
            cuts.add(p.coding.end)
        for a, b in hits:
            cuts.add(a)
            cuts.add(b)
        for a, b in speakers:
            cuts.add(a)
            cuts.add(b)
        if selection is not None:
            cuts.update(selection)
        if cursor is not None:
            cuts.add(cursor)
            cuts.add(cursor + 1)
        bounds = sorted(c for c in cuts if first <= c <= stop)

        segments: list[Segment] = []
        for a, b in zip(bounds, bounds[1:]):
            key = (
                self._coding_key(painted, a),
                any(s <= a < e for s, e in speakers),
                any(s <= a < e for s, e in hits),
                selection is not None and selection[0] <= a < selection[1],
                cursor == a,
            )
            segments.append(Segment(chars[a - first:b - first].translate(_SHOWN), self._style(key)))
        strip = Strip(segments)
        return strip.crop_extend(0, self.text_width + 1, self.base)

    @staticmethod
    def _coding_key(painted: list[Painted], offset: int) -> tuple[str, bool, bool] | None:
        """Colour of the innermost coding at *offset* (shortest span, then latest start)."""
        best: Painted | None = None
        count = 0
        for p in painted:
            c = p.coding
            if c.start <= offset < c.end:
                count += 1
                if best is None:
                    best = p
                else:
                    b = best.coding
                    if (c.end - c.start, -c.start) < (b.end - b.start, -b.start):
                        best = p
        if best is None:
            return None
        return (best.color, best.own, count > 1)

    def _paint_labels(self, painted: list[Painted]) -> Strip:
        entries: list[Painted] = []
        seen: set[tuple[str, bool]] = set()
        for p in painted:
            if (p.label, p.own) not in seen:
                seen.add((p.label, p.own))
                entries.append(p)
        room = self.right_width - 1
        texts = fit_names([(p.label if p.own else OTHER_MARK + p.label) for p in entries], room)
        shown, more = fit_labels(texts, room)
        segments = [Segment(" ", self.labels)]
        for i in range(shown):
            if i:
                segments.append(Segment(" ", self.labels))
            segments.append(Segment(texts[i], self._label_style(entries[i])))
        if more:
            segments.append(Segment((" " if shown else "") + more, self.labels))
        return Strip(segments).crop_extend(0, self.right_width, self.labels)
