"""The terminal user interface (everything that imports Textual)."""
