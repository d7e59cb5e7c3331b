"""Text: cleaning what comes in, lines, sentences and turns, and spans. Imports nothing above the model."""
