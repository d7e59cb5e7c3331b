"""The thematic map screen: themes in boxes, their codes and sub-codes as a tree, with counts.

The drawing is ``qualtui.reports.thematic_map.map_lines`` (the same map as
``qualtui export map``); each line that names a code can be highlighted, and
Enter opens that code's retrieval (a theme's with its sub-codes).  ``l``
shows co-occurrence links (codes whose segments overlap N or more times),
``+`` / ``-`` change N.  A jump chosen in the retrieval is this screen's
result (``JumpTo``).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualtui.analysis.corpus import Corpus
from qualtui.reports.thematic_map import ThematicMap, build_map, map_lines
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.screens.screen_base import ProjectScreen

DEFAULT_THRESHOLD = 2

_b = binding_maker("map")


def fit(text: str, width: int) -> str:
    """One screen row: a longer line is cut with an ellipsis (the map never wraps)."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


class MapScreen(ProjectScreen):
    DEFAULT_CSS = """
    MapScreen #map-title { height: auto; max-height: 2; background: $panel; text-style: bold; padding: 0 1; }
    MapScreen #map-lines { height: 1fr; border: none; padding: 0 1; }
    MapScreen #map-lines > .option-list--option-disabled { color: $foreground; }
    MapScreen #map-hint { height: 1; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("j", "cursor(1)", "Next code on the map", "down"),
        _b("k", "cursor(-1)", "Previous code on the map", "up"),
        _b("enter", "retrieve", "Open the retrieval of the highlighted code (a theme: with its sub-codes)",
           "retrieve"),
        _b("l", "toggle_links", "Show / hide co-occurrence links between codes", "links"),
        _b("plus,equals_sign", "threshold(1)", "Links: require one more overlap", "more_overlap"),
        _b("minus", "threshold(-1)", "Links: require one overlap less", "less_overlap"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None) -> None:
        super().__init__(project, history, current_document=current_document)
        self.links = False
        self.threshold = DEFAULT_THRESHOLD
        self.themap: ThematicMap | None = None
        self.line_codes: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Static("Thematic map", id="map-title", markup=False)
        yield OptionList(id="map-lines")
        yield Static("Enter retrieve  j k move  l links  + - overlaps needed  esc back", id="map-hint",
                     markup=False)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#map-lines", OptionList)

    def on_mount(self) -> None:
        self.reload()
        self.option_list.focus()

    def reload(self) -> None:
        keep = self.highlighted_code
        try:
            self.themap = build_map(Corpus(self.project), cooccur=self.threshold if self.links else None,
                                    title=self.project.name)
        except Exception as exc:
            self.report("draw the map", exc)
            return
        lines = map_lines(self.themap)
        self.line_codes = [line.code_id for line in lines]
        bold = {n.code_id for n in self.themap.nodes if n.depth == 0}
        width = max(20, self.option_list.size.width - 2) if self.option_list.size.width else 200
        self._width = width
        options = [Option(Text(fit(line.text, width) or " ", style="bold" if line.code_id in bold else ""),
                          id=str(i), disabled=line.code_id is None)
                   for i, line in enumerate(lines)]
        option_list = self.option_list
        option_list.clear_options()
        option_list.add_options(options)
        target = next((i for i, c in enumerate(self.line_codes) if c is not None and c == keep), None)
        if target is None:
            target = next((i for i, c in enumerate(self.line_codes) if c is not None), None)
        if target is not None:
            option_list.highlighted = target
        self.show_title()

    def show_title(self) -> None:
        themap = self.themap
        themes = sum(1 for n in themap.nodes if n.depth == 0) if themap else 0
        codes = len(themap.nodes) - themes if themap else 0
        links = (f"links: codes overlapping {self.threshold}+ times ({len(themap.links)})"
                 if self.links and themap else "links hidden (l)")
        self.query_one("#map-title", Static).update(
            f"Thematic map: {themes} top-level code{'s' if themes != 1 else ''}, "
            f"{codes} code{'s' if codes != 1 else ''} beneath; {links}")

    def on_resize(self) -> None:
        if self.themap is not None and self.option_list.size.width - 2 != getattr(self, "_width", None):
            self.call_after_refresh(self.reload)

    @property
    def highlighted_code(self) -> str | None:
        index = self.option_list.highlighted if self.is_mounted else None
        if index is None or index >= len(self.line_codes):
            return None
        return self.line_codes[index]

    # actions ------------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.option_list.action_cursor_down()
        else:
            self.option_list.action_cursor_up()

    def action_toggle_links(self) -> None:
        self.links = not self.links
        self.reload()

    def action_threshold(self, step: int) -> None:
        self.threshold = max(1, self.threshold + step)
        if not self.links:
            self.links = True
        self.reload()

    def action_retrieve(self) -> None:
        from tui.screens.retrieval_screen import RetrievalScreen

        code_id = self.highlighted_code
        if code_id is None or self.themap is None:
            return
        node = self.themap.node(code_id)

        def done(result: JumpTo | None) -> None:
            if isinstance(result, JumpTo):
                self.dismiss(result)
            else:
                self.reload()

        self.app.push_screen(RetrievalScreen(self.project, self.history, current_document=self.current_document,
                                             code_id=code_id, children=node.grouping or node.depth == 0), done)

    @on(OptionList.OptionSelected)
    def option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_retrieve()
