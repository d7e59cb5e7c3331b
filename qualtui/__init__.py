"""qualtui: qualitative analysis of interview transcripts in the terminal.

This package is the core (domain model, CLI, importers, exporters, analysis).
It never imports Textual; the TUI lives in the separate ``tui`` package.
"""

__version__ = "0.1.0"
