"""Transcript importers: file -> normalised ``Transcript`` (text + speaker turns).

Each format lives in its own module and registers a reader here.  Readers
receive raw bytes (already size-checked) and raise ``ImportRejected`` with a
one-line reason for anything they cannot read.  Nothing here touches a project.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qualtui.errors import ImportRejected
from qualtui.model import Transcript

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

Reader = Callable[[bytes, str], Transcript]


def _readers() -> dict[str, Reader]:
    # Imported lazily so `qualtui --help` stays fast.
    from qualtui.importers import plain

    readers: dict[str, Reader] = {".txt": plain.read_plain, ".md": plain.read_plain, ".text": plain.read_plain}
    for module_name, extensions, attr in (
        ("qualtui.importers.docx_reader", (".docx",), "read_docx"),
        ("qualtui.importers.vtt", (".vtt",), "read_vtt"),
        ("qualtui.importers.srt", (".srt",), "read_srt"),
        ("qualtui.importers.odt", (".odt",), "read_odt"),
    ):
        try:
            module = __import__(module_name, fromlist=[attr])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for ext in extensions:
            readers[ext] = getattr(module, attr)
    return readers


def supported_extensions() -> list[str]:
    return sorted(_readers())


def read_transcript(path: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                    speaker_pattern: re.Pattern[str] | None = None) -> Transcript:
    """Read and normalise one transcript file, or raise ``ImportRejected``.

    *speaker_pattern* (``add --speaker-pattern``) replaces label detection in text documents.
    """
    path = Path(path)
    if path.is_dir():  # before the extension: a folder is not "an unsupported file type"
        raise ImportRejected(_FOLDER)
    ext = path.suffix.lower()
    readers = _readers()
    if ext not in readers:
        raise ImportRejected(f"unsupported file type {ext or '(none)'!s}; qualtui reads {', '.join(sorted(readers))}")
    return read_bytes(read_file(path, max_bytes), path.name, speaker_pattern)


_FOLDER = "is a folder, not a file (add the files inside it)"


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file no larger than *max_bytes*, or ``ImportRejected``."""
    try:
        size = os.stat(path).st_size
        if not path.is_file():
            raise ImportRejected(_FOLDER if path.is_dir() else "not a regular file")
        if size > max_bytes:
            raise ImportRejected(f"file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:.0f} MB limit (--max-size)")
        if size == 0:
            raise ImportRejected("file is empty")
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImportRejected("no such file") from None
    except IsADirectoryError:
        raise ImportRejected(_FOLDER) from None
    except PermissionError:
        raise ImportRejected("permission denied") from None
    if len(data) > max_bytes:
        raise ImportRejected(f"file is over the {max_bytes / 1048576:.0f} MB limit (--max-size)")
    return data


def read_bytes(data: bytes, name: str, speaker_pattern: re.Pattern[str] | None = None) -> Transcript:
    """Read transcript bytes as the format ``name``'s extension says, or raise ``ImportRejected``."""
    ext = os.path.splitext(name)[1].lower()
    readers = _readers()
    if ext not in readers:
        raise ImportRejected(f"unsupported file type {ext or '(none)'!s}; qualtui reads {', '.join(sorted(readers))}")
    if not data:
        raise ImportRejected("file is empty")
    try:
        transcript = readers[ext](data, name)
    except RecursionError:
        raise ImportRejected("the file is nested too deeply to read") from None
    if not transcript.text.strip():
        raise ImportRejected("no text found in the file")
    if speaker_pattern is not None:
        if transcript.source_format in ("vtt", "srt"):
            raise ImportRejected("--speaker-pattern is for text documents; captions name their speakers per cue")
        from qualtui.importers.speakers import detect_turns

        turns = tuple(detect_turns(transcript.text, speaker_pattern))
        if not any(turn.speaker for turn in turns):
            raise ImportRejected("--speaker-pattern matched no line of the file")
        transcript = replace(transcript, turns=turns)
    problem = turn_problem(transcript)
    if problem:
        raise ImportRejected(f"could not work out the speaker turns ({problem}); please report this file's format")
    return transcript


def turn_problem(transcript: Transcript) -> str | None:
    """Why the turns do not fit the text (in it, ordered, not overlapping, trimmed), or None."""
    text = transcript.text
    previous_end = 0
    for turn in transcript.turns:
        label_start = turn.start if turn.label_start is None else turn.label_start
        if not (previous_end <= label_start <= turn.start <= turn.end <= len(text)):
            return f"turn at {turn.start}-{turn.end} is out of order or outside the text"
        piece = text[turn.start:turn.end]
        if piece != piece.strip():
            return f"turn at {turn.start}-{turn.end} starts or ends with white space"
        previous_end = turn.end
    return None
