"""Changing a project: undoable edits and their history, live editing of typed text, codebook restructuring,
and pseudonymisation (which changes transcript text and re-anchors every coding)."""
