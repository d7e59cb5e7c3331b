"""What every modal dialog shares: centred, one bordered box, a bold title and a dim hint.

A dialog composes a ``Vertical`` holding its widgets, with ``classes="title"``
and ``classes="hint"`` on the first and last lines; its own ``DEFAULT_CSS``
only says what differs (a wider box, a taller list).  Textual matches the
``Dialog`` rules on every subclass, and a subclass's rules win over them.
"""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType


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
