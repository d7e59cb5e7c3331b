"""Crash harness for the text editors: type into each one in a pty, kill the app, find every word.

Each trial runs the real ``python -m qualtui open`` (bench/crash_tui.py's
``Terminal``: a 120x40 pty read into a virtual screen), opens one editor by
keys, types a few unique words into it (a character at a time), waits until
the screen shows the last word (the app has every keystroke), then either

* waits 1.5 s and kills with SIGKILL (nothing can run at exit: the text must
  already be on disk, saved at most 1 s after the last keystroke), or
* sends SIGHUP at once (an SSH session dropped: the app saves on the signal), or
* sends SIGTERM at once (a shutdown: the same).

Then the project must pass ``qualtui check`` (after ``check --repair`` tidied a
dead writer's temp file) and every typed word must be in the memo, coding memo
or codebook field it was typed into.

The editors: the coding screen's memo pane (on a document, on a coding, on a
code), a new journal entry and an edited memo in the memos screen (J), the
codebook entry form (K e: definition, inclusion, exclusion, example) and the
code memo editor (K w).

    python bench/crash_editors.py [--runs 40] [--seed N]

tests/test_crash_editors.py runs each editor once with SIGKILL and once with SIGHUP (and one SIGTERM).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The repository first, even when $PYTHONPATH names it too: bench/ (this script's folder, which Python puts first)
# holds tui.py, which would otherwise hide the tui package.
sys.path[:] = [str(ROOT), *(entry for entry in sys.path if entry != str(ROOT))]

WAIT_BEFORE_SIGKILL = 1.5
KEY_GAP = 0.01  # seconds between typed characters (the editors must keep up)
ENTRY_FIELDS = ("description", "inclusion", "exclusion", "example")


def _crash_tui():
    if "crash_tui_harness" not in sys.modules:
        spec = importlib.util.spec_from_file_location("crash_tui_harness", HERE / "crash_tui.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["crash_tui_harness"] = module
        spec.loader.exec_module(module)
    return sys.modules["crash_tui_harness"]


@dataclass(frozen=True)
class Editor:
    name: str
    open_keys: tuple[tuple[str, str | None], ...]  # (keys, text to wait for afterwards)
    fields: tuple[str, ...] = ("text",)  # where the words go, in tab order


EDITORS = (
    # the cursor starts on line 2 (no coding): the pane shows the document's memo
    Editor("pane_document", (("j", None), ("m", "Memo: document"))),
    # line 1 is coded with Hope (from its first word on): the pane shows that coding's memo
    Editor("pane_coding", (("gllll", None), ("m", "Memo: coding"))),
    # tab to the codebook pane: the pane shows the highlighted code's memo
    Editor("pane_code", (("\t", "Memo: code"), ("m", None))),
    Editor("journal_new", (("J", "Memos:"), ("n", None))),
    Editor("memo_edit", (("J", "Memos:"), ("e", None))),
    Editor("code_entry", (("K", "Codebook"), ("e", "Codebook entry")), ENTRY_FIELDS),
    Editor("code_memo", (("K", "Codebook"), ("w", "Memo on code"))),
)


def make_project(root: Path) -> str:
    """crash_tui's project (one transcript, three codes), line 1 coded, and one journal entry to edit."""
    from qualtui.project import Project

    doc = _crash_tui().make_project(root)
    project = Project.open(root, coder=_crash_tui().CODER)
    document = project.docs.get(doc)
    first = project.docs.turns(document.id)[0]
    project.codings.add(document.id, project.codes.get("Hope").id, first.start, first.end)
    project.memos.add("project", "An entry to edit.")
    return doc


def stored_text(root: Path, doc: str, editor: Editor) -> dict[str, str]:
    """What the project holds for each field of *editor* (all journal entries together for a new one)."""
    from qualtui.project import Project

    project = Project.open(root)
    document = project.docs.get(doc)
    codes = project.codes.all()
    first_code = codes[0]  # the codebook pane and screen highlight the first code (by name) when opened
    if editor.name == "pane_document":
        memo = project.memos.about("document", document.id)
        return {"text": memo.text if memo else ""}
    if editor.name == "pane_coding":
        first = project.docs.turns(document.id)[0]
        coding = next(c for c in project.codings.for_document(document.id) if c.start == first.start)
        return {"text": coding.memo or ""}
    if editor.name in ("pane_code", "code_memo"):
        memo = project.memos.about("code", first_code.id)
        return {"text": memo.text if memo else ""}
    if editor.name in ("journal_new", "memo_edit"):
        return {"text": "\n".join(m.text for m in project.memos.all(kind="project"))}
    return {field: getattr(first_code, field) for field in ENTRY_FIELDS}


def check_project(root: Path) -> int:
    """``qualtui check`` must pass, after repair of a dead writer's leftovers; returns how many leftovers."""
    from qualtui.safety.integrity import check
    from qualtui.safety.repair import repair

    problems = check(root)
    other = [p.line() for p in problems if p.kind not in _crash_tui()._cli_harness().CRASH_LEFTOVERS]
    assert not other, f"check failed after a kill: {other}"
    if problems:
        assert repair(root).remaining == [], "repair did not clear the crash leftovers"
        assert check(root) == []
    return len(problems)


def type_words(terminal, words: list[str], fields: tuple[str, ...], rng: random.Random) -> dict[str, list[str]]:
    """Type *words* spread over *fields* (tab between fields); returns the words of each field."""
    placed: dict[str, list[str]] = {field: [] for field in fields}
    per_field = [words[i::len(fields)] for i in range(len(fields))]
    for index, (field, chunk) in enumerate(zip(fields, per_field)):
        if index:
            terminal.send("\t")
        for word in chunk:
            for ch in " " + word:
                terminal.send(ch)
                time.sleep(KEY_GAP * rng.uniform(0.5, 1.5))
            placed[field].append(word)
        if chunk:
            terminal.wait_for(chunk[-1], limit=10)
    return placed


def trial(root: Path, home: Path, doc: str, editor: Editor, sig: int, number: int,
          rng: random.Random) -> dict[str, int]:
    """Open *editor*, type, kill with *sig*; every word must be stored.  Returns counters."""
    crash_tui = _crash_tui()
    shutil.rmtree(home / "state", ignore_errors=True)  # every trial starts at line 1, codebook at its top
    terminal = crash_tui.Terminal(root, home, kill_at=10 * crash_tui.STARTUP_TIMEOUT)
    count = rng.randint(3, 9) * len(editor.fields)
    words = [f"zq{number:03d}{chr(97 + k % 26)}{k:02d}" for k in range(count)]
    try:
        terminal.wait_for("Memo: document")  # the document is open (the state was reset: at its start)
        time.sleep(0.5)  # and the transcript has focus
        for keys, wait in editor.open_keys:
            terminal.send(keys)
            if wait is not None:
                terminal.wait_for(wait, limit=10)
        time.sleep(0.3)  # the editor has focus (nothing on screen says so for the memo pane)
        placed = type_words(terminal, words, editor.fields, rng)
        if sig == signal.SIGKILL:
            time.sleep(WAIT_BEFORE_SIGKILL)
    except BaseException:
        terminal.kill(signal.SIGKILL)
        raise
    shown = terminal.screen.text()
    terminal.kill(sig)
    leftovers = check_project(root)
    stored = stored_text(root, doc, editor)
    lost = [w for field, ws in placed.items() for w in ws if w not in stored[field]]
    if lost:
        print(f"{editor.name} {signal.Signals(sig).name}: lost {lost}; stored {stored}\n{shown}", file=sys.stderr)
    return {"kills": 1, "words": len(words), "lost": len(lost), "temp_files": leftovers,
            signal.Signals(sig).name.lower(): 1,
            f"lost_{editor.name}": len(lost)}


SIGNALS = (signal.SIGKILL, signal.SIGHUP, signal.SIGTERM)


def run(folder: Path, runs: int, seed: int, editors: tuple[Editor, ...] = EDITORS,
        signals: tuple[int, ...] = SIGNALS) -> dict[str, int]:
    """*runs* trials, cycling through the editors and signals; returns totals (lost must be 0)."""
    rng = random.Random(seed)
    root = folder / "project"
    doc = make_project(root)
    totals: dict[str, int] = {"kills": 0, "words": 0, "lost": 0, "temp_files": 0,
                              "sigkill": 0, "sighup": 0, "sigterm": 0}
    started = time.perf_counter()
    plan = [(editor, sig) for sig in signals for editor in editors]
    for number in range(runs):
        editor, sig = plan[number % len(plan)]
        for key, value in trial(root, folder, doc, editor, sig, number, rng).items():
            totals[key] = totals.get(key, 0) + value
    totals["seconds"] = round(time.perf_counter() - started, 1)
    return totals


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=len(SIGNALS) * len(EDITORS) * 2,
                        help="kills, cycling through the editors and SIGKILL (after 1.5 s), SIGHUP, SIGTERM (at once)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        totals = run(Path(folder), args.runs, args.seed)
    print(f"seed {args.seed}")
    for key, value in totals.items():
        print(f"{key:>22}: {value}")
    sys.exit(1 if totals["lost"] else 0)


if __name__ == "__main__":
    main()
