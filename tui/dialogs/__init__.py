"""Modal dialogs: each a ``Dialog`` (``tui.dialogs.base``), which owns the look they share."""
