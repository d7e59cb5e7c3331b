"""SubRip (.srt) captions: numbered cues, ``00:00:01,000 --> 00:00:04,000``, optional ``Name:`` labels.

Formatting tags (``<i>``, ``<b>``, ``<font ...>``) and ASS overrides
(``{\\an8}``) are removed.  Consecutive cues of one speaker become one turn.
"""

from __future__ import annotations

import re

from qualtui.errors import ImportRejected
from qualtui.importers.cues import cue_blocks, label_segments, render
from qualtui.importers.plain import decode_text
from qualtui.model import Transcript

_TAG = re.compile(r"</?(?:i|b|u|s|font)\b[^>\n]*>|\{\\[^}\n]*\}", re.IGNORECASE)


def read_srt(data: bytes, name: str) -> Transcript:
    text, warnings = decode_text(data)
    blocks, skipped = cue_blocks(text)
    if not blocks:
        raise ImportRejected("no SRT cues found (no '00:00:01,000 --> 00:00:04,000' timing lines)")
    if skipped:
        warnings.append(f"{skipped} block(s) without a timing line skipped")
    cues = [(block, [(None, _TAG.sub("", "\n".join(block.lines)))]) for block in blocks]
    return render(label_segments(cues), "srt", warnings)
