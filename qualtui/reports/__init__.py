"""Reports for writing up: the codebook, themes with quotes, memos; and a codings table.

``build_report`` gathers everything into plain dataclasses; the renderers
(markdown, html, docx) only lay it out, so each format says the same thing.
"""
