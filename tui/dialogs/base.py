"""What every modal dialog shares: centred, one bordered box, a bold title and a dim hint.

A dialog composes a ``Vertical`` holding its widgets, with ``classes="title"``
and ``classes="hint"`` on the first and last lines; its own ``DEFAULT_CSS``
only says what differs (a wider box, a taller list).  Textual matches the
``Dialog`` rules on every subclass, and a subclass's rules win over them.
"""

from __future__ import annotations

from textual import on
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import TextArea

from tui.autosave import Autosave


class Dialog(ModalScreen[ScreenResultType]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    Dialog .title { text-style: bold; height: auto; }
    Dialog .hint { color: $foreground 60%; height: auto; }
    Dialog OptionList { height: auto; max-height: 20; border: none; }
    """


class TypingDialog(Dialog[ScreenResultType]):
    """A dialog whose text areas are saved as they are typed: each subclass makes ``self.autosave`` on mount."""

    autosave: Autosave | None = None

    @on(TextArea.Changed)
    def text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.autosave is not None:
            self.autosave.changed()

    def save_open_memo(self) -> bool:
        """For the app before quitting: save what is not saved yet; False if that failed."""
        return self.autosave is None or self.autosave.flush()
