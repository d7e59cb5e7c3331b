"""Crash harness: kill coding sessions at random moments and prove nothing acknowledged is lost.

A driver runs the ``qualtui`` CLI (``code`` / ``uncode``) in a loop and prints
``ACK`` after each command returns (every edit is durable before the command
returns).  It is killed with SIGKILL or SIGHUP at a random moment; then the
project must open, ``qualtui check`` must find nothing but temp files of the
killed writer (which ``check --repair`` removes), and the codings must be
exactly the acknowledged ones, give or take the one edit that was in flight.

Two kinds of driver:
* fork: a child of this process (qualtui already imported) runs many CLI
  commands in-process through ``qualtui.cli.main`` -- cheap, so many kills;
* process: one ``python -m qualtui code ...`` process per edit, killed at a
  random point of its life (start-up included).

A third kind, the coding screen itself (``qualtui open`` in a pty, driven by
keys), lives in bench/crash_tui.py and runs with ``--tui-runs``.

    python bench/crash.py [--runs 1000] [--process-runs 50] [--tui-runs 0] [--seed N]

tests/test_crash.py and tests/test_crash_tui.py run the same trials, fewer of them.  The multi-file
operations (merge, codes merge/split/delete, auto-coding, import-qdc, pseudonymise, check --repair) have
their own kill harness, bench/crash_ops.py.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository first, even when $PYTHONPATH names it too: bench/ (this script's folder, which Python puts first)
# holds tui.py, which would otherwise hide the tui package.
sys.path[:] = [str(ROOT), *(entry for entry in sys.path if entry != str(ROOT))]

CODES = ("Hope", "Fear", "Support")
KILL_SIGNALS = (signal.SIGKILL, signal.SIGHUP)
CODED = re.compile(r"\(([0-9a-f-]{36})\)\s*$")


def make_project(root: Path) -> tuple[str, int]:
    """A project with one long transcript and three codes; returns (document name, text length)."""
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    project = Project.init(root, coder="crash")
    lines = [f"P{i % 3}: line {i} of the interview, about the ward and the people there." for i in range(200)]
    doc = project.docs.add(read_plain("\n".join(lines).encode(), "t.txt"), "T1")
    for name in CODES:
        project.codes.create(name)
    return doc.name, doc.length


@dataclass
class Ledger:
    """What the harness knows must be in the project."""

    present: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # coding id -> (code, start, end)


def _run_cli(args: list[str]) -> str:
    from qualtui.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(args)
    return out.getvalue()


def driver(root: Path, doc: str, length: int, seed: int, out_fd: int) -> None:
    """Edit forever; write BEGIN before and ACK after each CLI command (one os.write each)."""
    from qualtui.project import Project

    rng = random.Random(seed)
    project = Project.open(root)
    document = project.docs.get(doc)
    names = {c.id: c.name for c in project.codes.all()}
    known = {c.id: (names[c.code], c.start, c.end) for c in project.codings.for_document(document.id)}
    base = ["-p", str(root), "--coder", "crash"]
    while True:
        if known and rng.random() < 0.35:
            coding_id = rng.choice(sorted(known))
            os.write(out_fd, f"BEGIN del {coding_id}\n".encode())
            _run_cli([*base, "uncode", doc, coding_id])
            del known[coding_id]
            os.write(out_fd, f"ACK del {coding_id}\n".encode())
        else:
            code = rng.choice(CODES)
            start = rng.randrange(0, length - 1)
            end = rng.randrange(start + 1, min(length, start + 400) + 1)
            os.write(out_fd, f"BEGIN add {code} {start} {end}\n".encode())
            output = _run_cli([*base, "code", doc, code, "--span", f"{start}:{end}"])
            coding_id = CODED.search(output.strip()).group(1)
            known[coding_id] = (code, start, end)
            os.write(out_fd, f"ACK add {coding_id} {code} {start} {end}\n".encode())


def fork_trial(root: Path, doc: str, length: int, rng: random.Random) -> tuple[list[str], int]:
    """Fork a driver, kill it after a random delay; returns (complete output lines, signal)."""
    read_fd, write_fd = os.pipe()
    seed = rng.randrange(1 << 30)
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        try:
            os.close(read_fd)
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            driver(root, doc, length, seed, write_fd)
        finally:
            os._exit(3)
    os.close(write_fd)
    chunks = []
    # The random moment is counted from the driver's first acknowledged edit, not from the fork, so that on a
    # loaded machine (a slow start) every driver is still killed in the middle of its work, never before it began.
    give_up = time.monotonic() + 30.0
    while b"ACK" not in b"".join(chunks) and (left := give_up - time.monotonic()) > 0:
        ready, _, _ = select.select([read_fd], [], [], left)
        if ready and (data := os.read(read_fd, 65536)):
            chunks.append(data)
    deadline = time.monotonic() + rng.uniform(0.002, 0.12)
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([read_fd], [], [], left)
        if ready:
            data = os.read(read_fd, 65536)
            if not data:
                break
            chunks.append(data)
    sig = rng.choice(KILL_SIGNALS)
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    while data := os.read(read_fd, 65536):
        chunks.append(data)
    os.close(read_fd)
    if os.WIFEXITED(status):
        raise AssertionError(f"the driver stopped by itself (exit {os.WEXITSTATUS(status)}) instead of being killed")
    return _complete_lines(b"".join(chunks)), sig


def _complete_lines(data: bytes) -> list[str]:
    text = data.decode()
    return text.split("\n")[:-1]  # a line cut by the kill is not an acknowledgement


def process_trial(root: Path, doc: str, length: int, rng: random.Random) -> tuple[list[str], int]:
    """One `python -m qualtui code` process, killed at a random point of its life."""
    code = rng.choice(CODES)
    start = rng.randrange(0, length - 1)
    end = rng.randrange(start + 1, min(length, start + 400) + 1)
    lines = [f"BEGIN add {code} {start} {end}"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "qualtui", "-p", str(root), "--coder", "crash", "code", doc,
                             code, "--span", f"{start}:{end}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env)
    sig = rng.choice(KILL_SIGNALS)
    try:
        proc.wait(timeout=rng.uniform(0.0, 0.5))
    except subprocess.TimeoutExpired:
        proc.send_signal(sig)
        proc.wait()
    output = proc.stdout.read().decode()
    proc.stdout.close()
    if proc.returncode == 0:
        coding_id = CODED.search(output.strip()).group(1)
        lines.append(f"ACK add {coding_id} {code} {start} {end}")
    return lines, sig


# What a kill can leave besides data, none of it touching an acknowledged edit: the dead
# writer's temp file, and the last audit entry torn (the kernel may cut a write that
# crosses a page boundary when SIGKILL arrives; the entry belongs to the unacknowledged,
# in-flight edit, because an edit is acknowledged only after its audit entry is written).
# `qualtui check` reports both and `check --repair` tidies them.  A kill inside a multi-file operation (the
# coding screen's undo of "code with a new code" is one) leaves it "interrupted": before its commit point the
# project is as it was, after it the next command or `check --repair` finishes it (README, Durability); the
# ledger below then holds repair to every acknowledged edit, and a manifest qualtui did not write stays an error.
CRASH_LEFTOVERS = {"temp-file", "audit-torn", "interrupted"}


def verify(root: Path, doc: str, ledger: Ledger, lines: list[str]) -> dict[str, int]:
    """Check the project after a kill and update the ledger; returns counters."""
    from qualtui.safety.integrity import check
    from qualtui.project import Project
    from qualtui.safety.repair import repair

    in_flight = None
    acked = 0
    for line in lines:
        parts = line.split()
        if parts[0] == "BEGIN":
            in_flight = parts[1:]
        elif parts[1] == "add":
            ledger.present[parts[2]] = (parts[3], int(parts[4]), int(parts[5]))
            in_flight, acked = None, acked + 1
        else:
            ledger.present.pop(parts[2], None)
            in_flight, acked = None, acked + 1
    problems = check(root)
    other = [p.line() for p in problems if p.kind not in CRASH_LEFTOVERS]
    assert not other, f"check failed after a kill: {other}"
    if problems:
        assert repair(root).remaining == [], "repair did not clear the crash leftovers"
        assert check(root) == []
    project = Project.open(root)
    document = project.docs.get(doc)
    names = {c.id: c.name for c in project.codes.all()}
    actual = {c.id: (names[c.code], c.start, c.end) for c in project.codings.for_document(document.id)}
    expected = dict(ledger.present)
    extra = {k: v for k, v in actual.items() if k not in expected}
    missing = {k: v for k, v in expected.items() if k not in actual}
    if in_flight and in_flight[0] == "add":
        wanted = (in_flight[1], int(in_flight[2]), int(in_flight[3]))
        assert all(v == wanted for v in extra.values()) and len(extra) <= 1, f"unexpected codings {extra}"
        assert not missing, f"acknowledged codings lost: {missing}"
    elif in_flight and in_flight[0] == "del":
        assert not extra, f"unexpected codings {extra}"
        assert set(missing) <= {in_flight[1]}, f"acknowledged codings lost: {missing}"
    else:
        assert actual == expected, f"extra {extra}, missing {missing}"
    ledger.present = actual  # the in-flight edit, whichever way it went, is now part of the state
    return {"acked": acked, "in_flight": int(in_flight is not None), "temp_files": len(problems)}


def run(root: Path, fork_runs: int, process_runs: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    doc, length = make_project(root)
    ledger = Ledger()
    totals = {"runs": 0, "acked": 0, "in_flight": 0, "temp_files": 0, "sighup": 0, "sigkill": 0}
    started = time.perf_counter()
    trials = [fork_trial] * fork_runs + [process_trial] * process_runs
    rng.shuffle(trials)
    for trial in trials:
        lines, sig = trial(root, doc, length, rng)
        for key, value in verify(root, doc, ledger, lines).items():
            totals[key] += value
        totals["runs"] += 1
        totals["sighup" if sig == signal.SIGHUP else "sigkill"] += 1
    totals["seconds"] = round(time.perf_counter() - started, 2)
    totals["codings_at_end"] = len(ledger.present)
    return totals


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="kills of in-process (forked) drivers")
    parser.add_argument("--process-runs", type=int, default=50, help="kills of `python -m qualtui` processes")
    parser.add_argument("--tui-runs", type=int, default=0,
                        help="kills of the coding screen (`qualtui open` in a pty, driven by keys)")
    parser.add_argument("--tui-longest", type=float, default=2.0,
                        help="latest kill, in seconds after the coding screen appeared")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    print(f"seed {args.seed}")
    if args.runs or args.process_runs:
        with tempfile.TemporaryDirectory() as tmp:
            totals = run(Path(tmp) / "project", args.runs, args.process_runs, args.seed)
        print("CLI drivers")
        for key, value in totals.items():
            print(f"{key:>16}: {value}")
    if args.tui_runs:
        spec = importlib.util.spec_from_file_location("crash_tui_harness", Path(__file__).with_name("crash_tui.py"))
        crash_tui = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = crash_tui
        spec.loader.exec_module(crash_tui)
        with tempfile.TemporaryDirectory() as tmp:
            totals = crash_tui.run(Path(tmp), args.tui_runs, args.seed, longest=args.tui_longest)
        print("coding screen (qualtui open in a pty)")
        for key, value in totals.items():
            print(f"{key:>16}: {value}")


if __name__ == "__main__":
    main()
