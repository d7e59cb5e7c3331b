"""Undoable edits: what the TUI and CLI change, the undo history, live editing of typed text, codebook restructuring."""
