"""Text: cleaning what comes in, lines, sentences and turns, spans, and pseudonymisation (which re-anchors codings)."""
