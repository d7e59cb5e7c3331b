"""Benchmark the coding screen in a real pseudo-terminal.

Builds a synthetic project (30,000 words, 1,000 codings by two coders) in a temp
folder, runs ``qualtui open -p ...`` in a 120x40 pty (TERM=xterm-256color), and
prints: time to the first screen, bytes written to the terminal per key, and the
child's CPU time per key (from /proc/PID/stat, so idle time between keys is not
counted unless the app burns CPU while idle).

    python bench/tui.py                  # the real entry point (needs tui.app.run_app)
    python bench/tui.py --widget-only    # a minimal app hosting just the transcript widget
    python bench/tui.py --keys 400 --words 60000 --codings 3000
    python bench/tui.py --times          # turns start with [hh:mm:ss]; z shows them in the gutter first

Needs pexpect (a test extra) and Linux /proc.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY = (
    "the ward was hard at first but the other patients helped me through it and I think that "
    "peer support matters more than anything staff could say because they had been there before "
    "you know when you feel alone at night it is different talking to someone who understands "
    "my family visited on weekends though the nurses were busy and the physio pushed me every "
    "morning which I hated then but I see why now recovery takes time and patience honestly"
).split()
CODE_NAMES = [
    "Peer support", "Isolation", "Stigma and shame", "Staff relationships", "Family", "Hope",
    "Routine", "Pain", "Independence", "Fear of falling", "Humour", "Information needs",
    "Discharge planning", "Identity", "Night time", "Boredom", "Trust", "Faith", "Money worries",
    "Transport", "Food", "Sleep", "Goals", "Setbacks", "Gratitude",
]


def synthetic_text(words: int, rng: random.Random, times: bool = False) -> str:
    lines: list[str] = []
    written = 0
    while written < words:
        question = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(6, 18)))
        stamp = f"[{written // 9000:02d}:{written // 150 % 60:02d}:{written // 3 % 60:02d}] " if times else ""
        lines.append(f"{stamp}Interviewer: {question.capitalize()}?")
        sentences = []
        for _ in range(rng.randint(2, 14)):
            sentence = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(6, 24)))
            sentences.append(sentence.capitalize() + rng.choice([".", ".", ".", "?", "!"]))
        answer = " ".join(sentences)
        lines.append(f"{stamp}P07: {answer}")
        lines.append("")
        written += len(question.split()) + len(answer.split())
    return "\n".join(lines)


def build_project(folder: Path, words: int, codings: int, seed: int = 7, times: bool = False) -> Path:
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    rng = random.Random(seed)
    root = folder / "bench-project"
    project = Project.init(root, name="bench", coder="bench")
    text = synthetic_text(words, rng, times)
    doc = project.docs.add(read_plain(text.encode(), "P07.txt"), "P07")
    stored = project.docs.text(doc.id)
    codes = [project.codes.create(name) for name in CODE_NAMES]
    word_bounds = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", stored)]
    spans_by_coder: dict[str, list[tuple[str, int, int]]] = {"bench": [], "other": []}
    seen = set()
    while sum(len(v) for v in spans_by_coder.values()) < codings:
        first = rng.randrange(len(word_bounds) - 80)
        last = first + rng.randint(3, 70)
        span = (rng.choice(codes).id, word_bounds[first][0], word_bounds[last][1])
        if span in seen:
            continue
        seen.add(span)
        spans_by_coder["bench" if rng.random() < 0.8 else "other"].append(span)
    for coder, spans in spans_by_coder.items():
        project.codings.add_many(doc.id, spans, coder=coder)
    return root


def real_app_available() -> bool:
    try:
        spec = importlib.util.find_spec("tui.app")
    except ModuleNotFoundError:
        return False
    if spec is None or spec.origin is None:
        return False
    return "def run_app" in Path(spec.origin).read_text(encoding="utf-8")


# the --widget-only harness (runs inside the pty) -------------------------------------

def run_harness(project_path: str) -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding

    from qualtui.project import Project
    from tui.widgets.transcript_view import TranscriptView

    project = Project.open(project_path, coder="bench")
    doc = project.docs.all()[0]

    class Harness(App):
        BINDINGS = [Binding("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield TranscriptView(id="transcript")

        def on_mount(self) -> None:
            view = self.query_one(TranscriptView)
            codes = {c.id: c for c in project.codes.all()}
            view.show_document(doc, project.docs.text(doc.id), project.docs.turns(doc.id),
                               project.codings.for_document(doc.id), codes, own_coder=project.coder)
            view.focus()

    Harness().run(mouse=False)


# measuring -----------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


LAST_OUTPUT = bytearray()


def drain(child, quiet: float) -> int:
    """Read until the child has been silent for *quiet* seconds; returns bytes read."""
    import pexpect

    LAST_OUTPUT.clear()
    while True:
        try:
            LAST_OUTPUT.extend(child.read_nonblocking(65536, timeout=quiet))
        except (pexpect.TIMEOUT, pexpect.EOF):
            return len(LAST_OUTPUT)


def describe_update(data: bytes) -> str:
    """Where an update wrote: bytes per screen row, from the cursor-position sequences."""
    import re

    per_row: dict[int, int] = {}
    marks = list(re.finditer(rb"\x1b\[(\d+);(\d+)H", data))
    for mark, following in zip(marks, marks[1:] + [None]):
        end = following.start() if following else len(data)
        row = int(mark.group(1))
        per_row[row] = per_row.get(row, 0) + end - mark.start()
    return ", ".join(f"row {row}: {size} B" for row, size in sorted(per_row.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--widget-only", action="store_true", help="host only the transcript widget")
    parser.add_argument("--harness", metavar="PROJECT", help=argparse.SUPPRESS)
    parser.add_argument("--words", type=int, default=30_000)
    parser.add_argument("--codings", type=int, default=1_000)
    parser.add_argument("--keys", type=int, default=200, help="keys per key kind")
    parser.add_argument("--quiet", type=float, default=0.12, help="silence (s) that ends a key's output")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--times", action="store_true", help="timed turns, shown in the gutter (z) while measuring")
    parser.add_argument("--trace", action="store_true", help="show which screen rows each kind of key rewrote")
    args = parser.parse_args(argv)
    if args.harness:
        run_harness(args.harness)
        return 0
    try:
        import pexpect
    except ImportError:
        print("bench/tui.py needs pexpect (pip install pexpect)", file=sys.stderr)
        return 2

    columns, rows = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        root = build_project(Path(tmp), args.words, args.codings, times=args.times)
        print(f"synthetic project: {args.words} words, {args.codings} codings "
              f"({time.perf_counter() - started:.1f}s to build)")
        use_real = not args.widget_only and real_app_available()
        if use_real:
            command = [sys.executable, "-m", "qualtui", "open", "-p", str(root), "--no-mouse"]
        else:
            if not args.widget_only:
                print("tui.app.run_app not found: using the widget-only harness")
            command = [sys.executable, str(Path(__file__).resolve()), "--harness", str(root)]
        env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL")}
        env.update(TERM="xterm-256color", QUALTUI_CODER="bench", PYTHONPATH=str(ROOT))
        print("running:", "qualtui open" if use_real else "widget-only harness", f"at {columns}x{rows}")

        t0 = time.perf_counter()
        child = pexpect.spawn(command[0], command[1:], env=env, dimensions=(rows, columns), cwd=tmp)
        try:
            child.expect("Interviewer", timeout=30)
            first_screen = time.perf_counter() - t0
            startup_bytes = len(child.before or b"") + len(child.after or b"") + drain(child, 0.5)
            print(f"first screen: {first_screen * 1000:.0f} ms ({startup_bytes} bytes)")
            if args.times and use_real:
                child.send("z")
                drain(child, 0.5)
            idle_cpu0 = cpu_seconds(child.pid)
            time.sleep(1.0)
            drain(child, 0.05)
            idle = cpu_seconds(child.pid) - idle_cpu0
            print(f"idle CPU: {idle * 1000:.0f} ms over 1 s")

            results: dict[str, tuple[list[int], list[float]]] = {}
            for key in ("j", "l", "w", "k", "b"):
                sizes: list[int] = []
                cpus: list[float] = []
                for _ in range(args.keys):
                    before = cpu_seconds(child.pid)
                    child.send(key)
                    sizes.append(drain(child, args.quiet))
                    cpus.append(cpu_seconds(child.pid) - before)
                results[key] = (sizes, cpus)
                if args.trace:
                    print(f"last '{key}' wrote {len(LAST_OUTPUT)} B: {describe_update(bytes(LAST_OUTPUT))}")
            child.send("g")
            drain(child, args.quiet)
            sel_sizes = []
            child.send("v")
            sel_sizes.append(drain(child, args.quiet))
            for _ in range(40):
                child.send("w")
                sel_sizes.append(drain(child, args.quiet))
            results["v+w (selecting)"] = (sel_sizes, [])
            child.send("\x1b")
            drain(child, 0.6)
        finally:
            child.send("q")
            time.sleep(0.3)
            if child.isalive():
                child.send("\x11")  # ctrl+q
                time.sleep(0.3)
            if child.isalive():
                child.terminate(force=True)

    print()
    print(f"{'key':18} {'n':>4} {'bytes mean':>10} {'median':>7} {'p95':>7} {'max':>7} "
          f"{'CPU ms mean':>11} {'median':>7}")
    for key, (sizes, cpus) in results.items():
        p95 = sorted(sizes)[int(len(sizes) * 0.95) - 1]
        cpu_mean = f"{statistics.mean(cpus) * 1000:11.1f}" if cpus else f"{'-':>11}"
        cpu_median = f"{statistics.median(cpus) * 1000:7.1f}" if cpus else f"{'-':>7}"
        print(f"{key:18} {len(sizes):4} {statistics.mean(sizes):10.0f} {statistics.median(sizes):7.0f} "
              f"{p95:7} {max(sizes):7} {cpu_mean} {cpu_median}")
    every = [s for k, (sizes, _) in results.items() if k in "jlwkb" for s in sizes]
    cpus_all = [c for _, (_, cpus) in results.items() for c in cpus]
    print(f"\nall cursor keys: {statistics.mean(every):.0f} B/key mean (target < 2048), "
          f"{statistics.mean(cpus_all) * 1000:.1f} ms CPU/key mean (target < 10; includes "
          f"{args.quiet * 1000:.0f} ms of idle per key), first screen {first_screen * 1000:.0f} ms (target < 1000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
