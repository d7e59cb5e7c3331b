"""What each of a project's indexes keeps (see ``stores.file_index``): one bundle, given to every store opened."""

from __future__ import annotations

from qualtui.services.coding_columns import COLUMNS
from qualtui.services.coding_counts import COUNTS
from qualtui.services.turn_spans import SPANS
from stores.file_index import Summaries

INDEXES = Summaries(codings=COUNTS, turns=SPANS, columns=COLUMNS)
