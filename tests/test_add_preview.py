"""`add --dry-run`, `add --speaker-pattern`, the duplicate-text refusal and `qualtui speakers`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from qualtui.cli import cli

LAYOUTS = Path(__file__).parent / "layouts"


def _tree(root) -> dict[str, bytes]:
    return {os.path.relpath(os.path.join(folder, name), root): Path(folder, name).read_bytes()
            for folder, _dirs, files in os.walk(root) for name in files}


def run(root, *args):
    return CliRunner().invoke(cli, ["-p", str(root), *args])


def test_dry_run_shows_speakers_and_first_turns_and_writes_nothing(tmp_path):
    root = tmp_path / "p"
    assert run(root.parent, "init", str(root)).exit_code == 0
    before = _tree(root)
    result = run(root, "add", "--dry-run", str(LAYOUTS / "lowercase_hyphenated.txt"), str(LAYOUTS / "name_time.txt"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "lowercase_hyphenated.txt: 67 words, 6 turns, 2 speakers (dry run: nothing written)"
    assert lines[2].split() == ["admin-1", "3", "20"] and lines[3].split() == ["Nell", "Ashdown", "3", "35"]
    assert "  l.1  admin-1: OK, we're recording. Can you say your name for the tape?" in lines
    assert any(line.startswith("  l.4  Nell Ashdown: By accident, really.") for line in lines)
    assert "  l.2  Ruth Abbey [00:00:12]: Thanks for having me. I've been looking forward to this." in lines
    assert lines[-1] == "2 would be added, 0 rejected"
    assert _tree(root) == before


def test_speaker_pattern_overrides_detection(tmp_path):
    root = tmp_path / "p"
    run(tmp_path, "init", str(root))
    source = tmp_path / "odd.txt"
    source.write_text("Q1 (asked by Ann) What now?\nA1 (Bo) Nothing.\nQ2 (asked by Ann) Really?\n")
    result = run(root, "add", str(source), "--speaker-pattern", r"[QA]\d+ \((?:asked by )?(?P<speaker>\w+)\) ")
    assert result.exit_code == 0, result.output
    assert "3 turns (Ann, Bo)" in result.output
    bad = subprocess.run([sys.executable, "-m", "qualtui", "-p", str(root), "add", str(source), "--name", "x",
                          "--speaker-pattern", "("], capture_output=True, text=True)
    assert bad.returncode != 0 and bad.stdout == ""
    assert bad.stderr.startswith("qualtui: error: bad --speaker-pattern") and bad.stderr.count("\n") == 1
    none = run(root, "add", str(source), "--name", "y", "--speaker-pattern", "Nobody: ")
    assert none.exit_code == 1 and "matched no line" in none.output


def test_the_same_text_twice_needs_allow_duplicate(tmp_path):
    root = tmp_path / "p"
    run(tmp_path, "init", str(root))
    path = str(LAYOUTS / "focus_group.txt")
    assert run(root, "add", path).exit_code == 0
    before = _tree(root)
    again = run(root, "add", path, "--name", "copy")
    assert again.exit_code == 1
    assert "the same text is already in the project as 'focus_group' (--allow-duplicate adds it again)" in again.output
    assert _tree(root) == before
    preview = run(root, "add", "--dry-run", path).output
    assert "warning: focus_group.txt: the same text is already" in preview
    assert "warning: focus_group.txt: a document named 'focus_group' already exists" in preview
    assert run(root, "add", path, "--name", "copy", "--allow-duplicate").exit_code == 0


def test_speakers_lists_turns_words_and_documents(tmp_path):
    root = tmp_path / "p"
    run(tmp_path, "init", str(root))
    run(root, "add", str(LAYOUTS / "focus_group.txt"), str(LAYOUTS / "short_codes.txt"))
    rows = json.loads(run(root, "speakers", "--format", "json").output)
    assert [row["speaker"] for row in rows] == ["Moderator", "I", "R", "Speaker 1", "Speaker 2", "Speaker 14",
                                                "Dana Lowe", "Speaker 23", "(no speaker)"]
    assert rows[0] == {"speaker": "Moderator", "role": "", "labels": ["Moderator"], "turns": 3, "words": 16,
                       "documents": 1}
    assert rows[-1] == {"speaker": "(no speaker)", "role": "", "labels": [], "turns": 1, "words": 4, "documents": 1}
    one = json.loads(run(root, "speakers", "short_codes", "--format", "json").output)
    assert [(row["speaker"], row["turns"]) for row in one] == [("I", 2), ("R", 2), ("(no speaker)", 1)]
    table = run(root, "speakers").output.splitlines()
    assert table[0].split() == ["speaker", "role", "labels", "turns", "words", "documents"]


def test_dry_run_shows_the_encoding_warning_the_real_add_would_give(tmp_path):
    # See before you import: a cp1252 file must be flagged by the dry run, not only after it is stored.
    root = tmp_path / "p"
    assert run(root.parent, "init", str(root)).exit_code == 0
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Ann: caf\xe9 is nice\nBob: yes\nAnn: ok\n")
    result = CliRunner().invoke(cli, ["-p", str(root), "add", "--dry-run", str(latin)])
    assert result.exit_code == 0, result.output
    assert "latin.txt: " in result.stderr and "cp1252" in result.stderr
    assert result.stdout.splitlines()[-1] == "1 would be added, 0 rejected"
