"""The fuzzy code picker: type to filter, Enter applies; Enter on a new name creates it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets.option_list import Option

from qualtui.model import Code
from qualtui.text.normalise import clean_label
from tui.dialogs.filter_list import FilterListModal

NEW = "\x00new"
SLASH_REFUSED = ("A new code name cannot contain '/' (it separates parent and child); "
                 "make sub-codes in the codebook (K).")


@dataclass(frozen=True)
class Picked:
    """The picker's answer: an existing code id, or a new name to create."""

    code_id: str | None = None
    new_name: str | None = None


SUBSTRING_SCORE = 3_000  # fuzzy_score gives at least this when the query is a substring of the candidate


def fuzzy_score(query: str, candidate: str) -> int | None:
    """Higher is better; None if *query*'s characters do not appear in order in *candidate*."""
    query, candidate = query.casefold().strip(), candidate.casefold()
    if not query:
        return 0
    if candidate == query:
        return 10_000
    found = candidate.find(query)
    if found >= 0:  # a substring: prefer word starts and earlier positions
        at_word = found == 0 or not candidate[found - 1].isalnum()
        return 5_000 + (1_000 if at_word else 0) - found - len(candidate)
    score, position, previous = 0, 0, -2
    for ch in query:
        position = candidate.find(ch, position)
        if position < 0:
            return None
        score += 10 if position == previous + 1 else 0
        score += 5 if position == 0 or not candidate[position - 1].isalnum() else 0
        previous = position
        position += 1
    return score - len(candidate)


class CodePicker(FilterListModal):
    DEFAULT_CSS = """
    CodePicker OptionList { max-height: 16; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next match", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous match", show=False, id="picker.up"),
        Binding("ctrl+n", "create", "Create a new code with the typed name (even if similar codes exist)",
                show=False, id="picker.create"),
    ]

    placeholder = "type to filter, or a new code name"
    hint = "Enter applies the highlighted line; up/down choose; ctrl+n creates the typed name; escape cancels"

    def __init__(self, codes: list[Code], paths: dict[str, str], title: str, no_color: bool = False, *,
                 allow_new: bool = True) -> None:
        super().__init__(title)
        self.codes = [c for c in codes if c.codable]
        self.paths = paths
        self.no_color = no_color
        self.allow_new = allow_new

    def options_for(self, query: str) -> list[Option]:
        scored = []
        for code in self.codes:
            path = self.paths.get(code.id, code.name)
            scores = (fuzzy_score(query, path), fuzzy_score(query, code.name))
            best = max((s for s in scores if s is not None), default=None)
            if best is not None:
                scored.append((-best, path.casefold(), code))
        scored.sort(key=lambda item: (item[0], item[1]))
        options = [Option(self._prompt(code), id=code.id) for _, _, code in scored]
        name = clean_label(query, 100)
        exact = any(c.name.casefold() == name.casefold() for c in self.codes)
        if not self.allow_new:
            return options
        if name and not exact and "/" in name:
            # say why instead of silently offering nothing (the CLI says the same)
            options.append(Option(Text(SLASH_REFUSED, style="italic"), disabled=True))
        elif name and not exact:
            label = Text()
            label.append("+ new code ", style="bold")
            label.append(repr(name))
            # A name that only loosely matches (letters scattered through another code's name) is most
            # likely a new code: offer creating it first, so Enter on a new name creates it.
            close = bool(scored) and -scored[0][0] >= SUBSTRING_SCORE
            options.insert(len(options) if close else 0, Option(label, id=NEW))
        return options

    def action_create(self) -> None:
        name = clean_label(self.query_one(Input).value, 100)
        if not self.allow_new:
            return
        if "/" in name:
            self.notify(SLASH_REFUSED, severity="warning")
        elif name:
            self.choose(NEW)

    def _prompt(self, code: Code) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("\u25a0 ", style="" if self.no_color else code.color)
        text.append(clean_label(self.paths.get(code.id, code.name)))
        return text

    def choose(self, option_id: str | None) -> None:
        if option_id == NEW:
            self.dismiss(Picked(new_name=clean_label(self.query_one(Input).value, 100)))
        elif option_id:
            self.dismiss(Picked(code_id=option_id))
