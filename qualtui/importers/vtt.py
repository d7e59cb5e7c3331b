"""WebVTT captions: Teams (``<v Jane Doe>text</v>`` voices) and Zoom (``Jane Doe: text``) transcripts.

Cue identifiers, NOTE/STYLE/REGION blocks and cue settings are ignored;
inline tags (``<c>``, ``<i>``, ``<b>``, ``<u>``, ``<lang>``, ``<ruby>``, karaoke
timestamps) are removed and character references (``&amp;``) decoded.
Consecutive cues of one speaker become one turn whose timestamps span them.
"""

from __future__ import annotations

import html
import re

from qualtui.errors import ImportRejected
from qualtui.importers.cues import Block, cue_blocks, label_segments, render
from qualtui.importers.plain import decode_text
from qualtui.model import Transcript

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+(?P<name>[^>\n]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z0-9][^>\n]*>|<\d[^>\n]*>")


def _untag(raw: str) -> str:
    return html.unescape(_TAG.sub("", raw))


def voice_parts(raw: str) -> list[tuple[str | None, str]]:
    """A cue's text split at ``<v Name>`` tags: [(speaker or None, text without tags)]."""
    parts: list[tuple[str | None, str]] = []
    pos, speaker = 0, None
    for match in _VOICE.finditer(raw):
        if match.start() > pos:
            parts.append((speaker, _untag(raw[pos:match.start()])))
        name = _untag(match.group("name") or "").strip()
        speaker = name or None
        pos = match.end()
    parts.append((speaker, _untag(raw[pos:])))
    return [(speaker, text) for speaker, text in parts if text.strip()]


def read_vtt(data: bytes, name: str) -> Transcript:
    text, warnings = decode_text(data)
    first_line = text.lstrip().split("\n", 1)[0]
    if not first_line.startswith("WEBVTT"):
        warnings.append("no WEBVTT header; read as WebVTT anyway")
    blocks, skipped = cue_blocks(text, skip=("WEBVTT", "NOTE", "STYLE", "REGION"))
    if not blocks:
        raise ImportRejected("no WebVTT cues found (no '00:00:01.000 --> 00:00:04.000' timing lines)")
    if skipped:
        warnings.append(f"{skipped} block(s) without a timing line skipped")
    cues: list[tuple[Block, list[tuple[str | None, str]]]] = [
        (block, voice_parts("\n".join(block.lines))) for block in blocks
    ]
    return render(label_segments(cues), "vtt", warnings)
