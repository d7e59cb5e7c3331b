"""Instant at 500 interviews: time and peak memory of whole qualtui processes on a large project.

    python bench/scale.py [--dir /tmp] [--docs 500] [--seed 14] [--runs 3] [--only retrieve,docs]

Builds once (cached under --dir, reused on later runs) a project of --docs synthetic interview
transcripts, about an hour each (8-10k words, 240 speaker turns, six label layouts, header lines,
attributes site and group), added with ``qualtui add`` and coded by two bulk auto-codes
(``qualtui autocode``): every interviewer turn as "Interviewer talk", every participant turn as
"Participant talk", 120,000 codings at 500 documents.  Then it measures each CLI command as a whole
process (median wall time of --runs, peak RSS of the process from ``os.wait4``), every other command
that reads or writes the whole project once each (peak RSS; ``scale_heavy.py``), adding one
coding in-process (p50/p95 and the fsyncs one edit costs), and prints every target with its figure
and "met" or "NOT met".  Nothing here is asserted by the test suite.

Adding a section: write ``def measure_x(ctx: Context) -> list[Result]`` and append it to SECTIONS.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import random
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

from scale_common import CLI_MEMORY_MB, MB, ROOT, Context, Result, qualtui, run_once
from scale_data import INTERVIEWER_LABELS, transcript
from scale_heavy import measure_heavy

sys.path.insert(0, str(ROOT))


# --- the synthetic project (its interviews: scale_data.py) ---------------------------------------------

def build(base: Path, docs: int, seed: int, env: dict[str, str]) -> tuple[Path, dict]:
    """The cached project (built on first use) and the facts recorded when it was built."""
    home = base / f"qualtui-scale-{docs}-{seed}"
    project, ready = home / "project", home / "ready.json"
    if ready.is_file():
        return project, json.loads(ready.read_text())
    shutil.rmtree(home, ignore_errors=True)
    src = home / "src"
    src.mkdir(parents=True)
    print(f"building {docs} interviews under {home} (once; later runs reuse it) ...", flush=True)
    groups: dict[tuple[str, str], list[str]] = {}
    participants: set[str] = set()
    words = 0
    for i in range(docs):
        text, who = transcript(i, seed)
        participants.add(who)
        words += len(text.split())
        path = src / f"INT{i + 1:03d}.txt"
        path.write_text(text, encoding="utf-8")
        groups.setdefault(("ABC"[i % 3], ("staff", "patient", "carer")[i // 3 % 3]), []).append(str(path))
    facts: dict = {"documents": docs, "words": words}
    began = time.perf_counter()
    qualtui(["init", str(project), "--name", "scale"], env)
    for (site, group), paths in sorted(groups.items()):
        qualtui(["-p", str(project), "add", "--attr", f"site={site}", "--attr", f"group={group}", *paths], env)
    facts["add_seconds"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    speakers = [a for s in INTERVIEWER_LABELS for a in ("--speaker", s)]
    qualtui(["-p", str(project), "autocode", "--code", "Interviewer talk", "--create", *speakers], env)
    speakers = [a for s in sorted(participants) for a in ("--speaker", s)]
    qualtui(["-p", str(project), "autocode", "--code", "Participant talk", "--create", *speakers], env)
    facts["autocode_seconds"] = round(time.perf_counter() - began, 1)
    codes = json.loads(qualtui(["-p", str(project), "codes", "--format", "json"], env).stdout)
    facts["codings"] = {c.get("name", c.get("code")): c.get("segments") for c in codes}
    ready.write_text(json.dumps(facts, indent=1))
    return project, facts


# --- measuring -----------------------------------------------------------------------------------------

# (label, arguments after -p PROJECT, time target in seconds or None); each also has the memory target.
CLI_CASES: list[tuple[str, list[str], float | None]] = [
    ("retrieve --format json", ["retrieve", "Participant talk", "--format", "json"], 1.0),
    ("retrieve (table)", ["retrieve", "Participant talk"], 0.8),
    # the same in one process (QUALTUI_PROCESSES=1): what a machine without an idle second processor sees
    ("retrieve --format json, one process", ["retrieve", "Participant talk", "--format", "json"], None),
    ("retrieve (table), one process", ["retrieve", "Participant talk"], None),
    ("retrieve --format csv", ["retrieve", "Participant talk", "--format", "csv"], None),
    ("docs", ["docs"], 0.3),
    ("codes", ["codes"], 0.3),
    ("freq", ["freq"], None),
    ("cooccur", ["cooccur"], None),
    ("matrix --attr site", ["matrix", "--attr", "site"], None),
    ("export md", ["export", "md", "-o", "{scratch}/report.md"], None),
    ("export csv", ["export", "csv", "-o", "{scratch}/codings.csv"], None),
    ("check", ["check"], None),
]


def json_items(path: Path) -> int:
    """How many items the JSON array in *path* holds, parsed in another process: parsed here, it would
    grow this process, and every child forked from it afterwards starts with that peak RSS."""
    code = "import json, sys; print(len(json.load(open(sys.argv[1], encoding='utf-8'))))"
    return int(subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True,
                              text=True).stdout)


def measure_cli(ctx: Context) -> list[Result]:
    results = []
    only = set(ctx.args.only.split(",")) if ctx.args.only else None
    for label, args, limit in CLI_CASES:
        if only and not any(label.startswith(o) for o in only):
            continue
        argv = ["-p", str(ctx.project), *(a.format(scratch=ctx.scratch) for a in args)]
        out = ctx.scratch / "out.txt"
        env = dict(ctx.env, QUALTUI_PROCESSES="1") if label.endswith("one process") else ctx.env
        run_once(argv, env, out)   # warms the bytecode and page caches, as any earlier run has
        runs = [run_once(argv, env, out) for _ in range(ctx.args.runs)]
        seconds = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        # On a shared machine the wall time waits for other processes; the CPU time does not.
        note = f"CPU {statistics.median(r[2] for r in runs):.2f} s"
        if label.startswith("retrieve --format json"):
            note += f"; {json_items(out)} segments, {out.stat().st_size / MB:.0f} MB of JSON"
        results.append(Result(f"{label}: time", seconds, "s", limit, note))
        results.append(Result(f"{label}: peak memory", peak, "MB", CLI_MEMORY_MB))
    return results


def measure_edit(ctx: Context) -> list[Result]:
    """Add one coding at a time in-process (as the coding screen does), then remove them again."""
    from qualtui.project import Project

    if (ctx.args.only and "edit" not in ctx.args.only) or ctx.args.edits < 1:
        return []
    os.sync()   # the gigabytes the heavy commands just wrote would otherwise be flushed inside these fsyncs
    project = Project.open(ctx.project, coder="bench-edit")
    code = project.codes.get("Interviewer talk")
    docs = project.docs.all()
    rng = random.Random(ctx.args.seed)
    real_fsync, fsyncs = os.fsync, [0]

    def counting_fsync(fd: int) -> None:
        fsyncs[0] += 1
        real_fsync(fd)

    times: list[float] = []
    added: list[tuple[str, str]] = []
    os.fsync = counting_fsync
    try:
        for i in range(ctx.args.edits + 5):
            doc = docs[(i // 10 * 37) % len(docs)]          # ten edits in a document, then the next one
            start = rng.randrange(doc.length - 200)
            began = time.perf_counter()
            coding = project.codings.add(doc.id, code.id, start, start + rng.randint(20, 180))
            if i >= 5:                                      # the first few warm the caches
                times.append(time.perf_counter() - began)
            else:
                fsyncs[0] = 0
            added.append((doc.id, coding.id))
    finally:
        os.fsync = real_fsync
        by_doc: dict[str, list[str]] = {}
        for doc_id, coding_id in added:
            by_doc.setdefault(doc_id, []).append(coding_id)
        for doc_id, ids in by_doc.items():
            project.codings.remove(doc_id, ids)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    per_edit = fsyncs[0] / len(times)
    return [Result("add one coding: p95", p95 * 1000, "ms", 10.0,
                   f"p50 {statistics.median(times) * 1000:.1f} ms over {len(times)} edits; "
                   f"{per_edit:g} fsyncs per edit"),
            Result("add one coding: fsyncs per edit", per_edit, "")]


# --- the coding screen ------------------------------------------------------------------------------------

SCREEN_SECONDS = 0.8
SCREEN_MB = 100
_ESCAPES = re.compile(rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMNOZc])")


def _first_screen_marker(project: Path) -> bytes:
    """Words from the middle of the first line of the document the screen opens with (the first by name)."""
    from qualtui.project import Project

    opened = Project.open(project, coder="bench")
    first = opened.docs.all()[0]
    line = next(line for line in opened.docs.text(first.id).splitlines() if len(line.split()) > 3)
    return " ".join(line.split()[1:4]).encode()


def open_screen_once(ctx: Context, marker: bytes, home: Path) -> tuple[float, float, float, float]:
    """(seconds to the first screen, RSS then, peak RSS of the whole session, CPU seconds to the first
    screen) of ``qualtui open`` in a pty.

    Timed from the fork to the first output holding *marker* (text of the transcript, so the whole
    first frame is drawn); then the session runs until the automatic backup it starts is written
    (forced: the backup's fingerprint is removed first) and quits with q; the peak RSS is the
    process's ru_maxrss.
    """
    state = ctx.project / "backups" / "automatic.json"
    state.unlink(missing_ok=True)
    env = dict(ctx.env, HOME=str(home), XDG_STATE_HOME=str(home / "state"), XDG_CONFIG_HOME=str(home / "config"),
               TERM="xterm-256color", COLUMNS="120", LINES="40")
    env.pop("NO_COLOR", None)
    began = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: qualtui on the pty
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "qualtui", "open", "-p", str(ctx.project)], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    raw, first, rss, cpu, quitting = b"", None, 0.0, 0.0, False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:
                    break
                if not chunk:
                    break
                if first is None:
                    raw += chunk  # stripped whole: an escape sequence may span two reads
                    if marker in _ESCAPES.sub(b"", raw):
                        first = time.perf_counter() - began
                        rss, cpu = _rss_mb(pid), _cpu_seconds(pid)
            if first is not None and not quitting and state.exists():
                os.write(fd, b"q")
                quitting, deadline = True, time.monotonic() + 10
    finally:
        if first is None or time.monotonic() >= deadline:
            os.kill(pid, 9)
        _pid, _status, usage = os.wait4(pid, 0)
        os.close(fd)
    if first is None:
        raise SystemExit(f"qualtui open never drew {marker!r}")
    return first, rss, usage.ru_maxrss * 1024 / MB, cpu


def _cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far (user + system), from /proc: what the wall time waits for
    on a machine that is not shared."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure_screen(ctx: Context) -> list[Result]:
    """The coding screen of the project, opened as the user does, in a 120x40 pty."""
    if ctx.args.only and "screen" not in ctx.args.only:
        return []
    marker = _first_screen_marker(ctx.project)
    home = ctx.scratch / "screen-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    open_screen_once(ctx, marker, home)  # warms the bytecode cache and the index, as any earlier session has
    runs = [open_screen_once(ctx, marker, home) for _ in range(ctx.args.runs)]
    first = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[3] for r in runs)
    return [Result("open: first screen", first, "s", SCREEN_SECONDS,
                   f"CPU {cpu:.2f} s; fork to the transcript drawn in a pty, median of {len(runs)}"),
            Result("open: resident at first screen", max(r[1] for r in runs), "MB", SCREEN_MB),
            Result("open: peak memory", max(r[2] for r in runs), "MB", SCREEN_MB,
                   "whole session, the automatic backup included")]


SECTIONS: list[tuple[str, Callable[[Context], list[Result]]]] = [
    ("CLI over the project (whole processes)", measure_cli),
    ("Every other command over the whole project (one run each; scale_heavy.py)", measure_heavy),
    ("Editing (core API, in-process)", measure_edit),
    ("Coding screen (qualtui open in a pty)", measure_screen),
]


def _figure(r: Result) -> str:
    if r.unit == "s":
        return f"{r.figure:.2f} s"
    if r.unit == "ms":
        return f"{r.figure:.1f} ms"
    if r.unit == "MB":
        return f"{r.figure:.0f} MB"
    return f"{r.figure:g}"


def _limit(r: Result) -> str:
    return "" if r.limit is None else "< " + _figure(Result(r.what, r.limit, r.unit))


def report(title: str, results: list[Result]) -> None:
    print(f"\n{title}")
    for r in results:
        verdict = {None: "", True: "met", False: "NOT met"}[r.met]
        print(f"  {r.what:<38} {_figure(r):>10}  {_limit(r):>10}  {verdict:<8} {r.note}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp"), help="where the built project is cached")
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (the median is shown)")
    parser.add_argument("--edits", type=int, default=200, help="single-coding edits timed")
    parser.add_argument("--only", default="", help="comma-separated prefixes of what to measure (e.g. retrieve,edit)")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="bench", NO_COLOR="1")
    env.pop("QUALTUI_PROJECT", None)
    project, facts = build(args.dir.resolve(), args.docs, args.seed, env)
    scratch = project.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    # timed as an installed qualtui runs: from bytecode (this checkout may run with PYTHONDONTWRITEBYTECODE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    print(f"project {project}: {facts['documents']} documents, {facts['words']:,} words, codings "
          + ", ".join(f"{k}: {v:,}" for k, v in facts["codings"].items())
          + f" (built: add {facts['add_seconds']} s, two auto-codes {facts['autocode_seconds']} s)")
    ctx = Context(args, project, env, scratch, facts)
    missed = 0
    for title, measure in SECTIONS:
        results = measure(ctx)
        if results:
            report(title, results)
            missed += sum(r.met is False for r in results)
    print(f"\n{'every target met' if not missed else f'{missed} target(s) NOT met'}")


if __name__ == "__main__":
    main()
