"""A checkbox whose label says its state ("regex: on"), so it never relies on colour alone."""

from __future__ import annotations

from textual import on
from textual.widgets import Checkbox


class OnOff(Checkbox):
    def __init__(self, name: str, value: bool = False, **kwargs) -> None:
        self.base_label = name
        super().__init__(self.text_for(value), value, **kwargs)

    def text_for(self, value: bool) -> str:
        return f"{self.base_label}: {'on' if value else 'off'}"

    @on(Checkbox.Changed)
    def checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.label = self.text_for(event.value)  # the event bubbles on to the screen
