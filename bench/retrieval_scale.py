"""The retrieval screen at 500 interviews: time from Enter to the first screen of 60,000 segments.

    python bench/retrieval_scale.py [--dir /tmp] [--docs 500] [--runs 3] [--root CHECKOUT]

Uses the project bench/scale.py builds (cached under --dir; built on first use, about 25 s), copied
to a scratch folder first: opening it writes backups, and the cached one is someone else's
measurement.  For each run, ``qualtui open`` starts in a 140x40 pty; once the coding screen is
drawn and the automatic backup has settled, it presses R, types the code's name, and times from
Enter to the first output showing both the title ("N segments in") and a table row of the first
document; then End (to a row of the last document) and Home (back to the first).  Prints the medians and the CPU
the process spent; --root times another checkout's code (e.g. main, for a before/after).
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from scale import _ESCAPES, ROOT, _cpu_seconds, build

COLUMNS, LINES = 140, 40


class Session:
    """One ``qualtui open`` on a pty; ``wait_for`` reads its output until a pattern shows up."""

    def __init__(self, root: Path, project: Path, env: dict[str, str]) -> None:
        self.began = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.chdir(root)
            os.execve(sys.executable, [sys.executable, "-m", "qualtui", "open", "-p", str(project)], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.raw = b""

    def read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            raise SystemExit("qualtui open ended early")
        self.raw += chunk
        return True

    def wait_for(self, *patterns: bytes, limit: float = 120) -> float:
        """Seconds until every regex of *patterns* is in the output read since the last ``send``."""
        began = time.perf_counter()
        while time.perf_counter() - began < limit:
            self.read(0.2)
            shown = _ESCAPES.sub(b"", self.raw)  # whole: an escape sequence may span two reads
            if all(re.search(p, shown) for p in patterns):
                return time.perf_counter() - began
        return float("nan")   # never (within *limit*)

    def drain(self, quiet: float = 0.5) -> None:
        """Read until the screen has been still for *quiet* seconds."""
        while self.read(quiet):
            pass

    def send(self, keys: bytes) -> None:
        self.raw = b""
        os.write(self.fd, keys)

    def close(self) -> None:
        try:
            self.send(b"\x1b")
            time.sleep(0.3)
            self.send(b"q")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                try:
                    self.read(0.2)
                except SystemExit:
                    break
            else:
                if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                    os.kill(self.pid, 9)
                    os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        finally:
            os.close(self.fd)


def need(seconds: float, what: str) -> float:
    if seconds != seconds:  # nan: never seen
        raise SystemExit(f"qualtui never showed {what}")
    return seconds


def one_run(root: Path, project: Path, env: dict[str, str], code: str, first: str, last: str) -> dict[str, float]:
    state = project / "backups" / "automatic.json"
    state.unlink(missing_ok=True)   # forces the backup, and so a sign of when it is over
    session = Session(root, project, env)
    try:
        need(session.wait_for(re.escape(code.encode())), "the coding screen (its codebook pane)")
        deadline = time.monotonic() + 120
        while not state.exists() and time.monotonic() < deadline:
            session.read(0.2)                                # the backup would compete for the CPU
        session.drain()
        session.send(b"R")
        need(session.wait_for(rb"Retrieve the segments of"), "the code chooser")
        session.send(code.encode())
        session.drain()
        cpu = _cpu_seconds(session.pid)
        session.send(b"\r")
        row = re.escape(first.encode()) + rb" +[0-9]"
        figures = {"first screen": session.wait_for(rb"[0-9]+ segments in", row)}
        figures["CPU to the first screen"] = _cpu_seconds(session.pid) - cpu
        print(f"  run: first screen {figures['first screen']:.2f} s", flush=True)
        session.drain(0.3)
        session.send(b"\x1b[F")                              # End
        figures["End (to the last row)"] = session.wait_for(re.escape(last.encode()) + rb" +[0-9]", limit=30)
        session.drain(0.3)
        session.send(b"\x1b[H")                              # Home
        figures["Home (to the first row)"] = session.wait_for(row, limit=30)
        return figures
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp"), help="where bench/scale.py caches the project")
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", default="Participant talk", help="the code retrieved (60,000 segments at 500)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the qualtui checkout whose code is timed")
    args = parser.parse_args()
    root = args.root.resolve()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="bench", NO_COLOR="1")
    env.pop("QUALTUI_PROJECT", None)
    cached, facts = build(args.dir.resolve(), args.docs, args.seed, env)
    with tempfile.TemporaryDirectory(prefix="retrieval-bench-") as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(cached, project, symlinks=True)
        home = Path(scratch) / "home"
        home.mkdir()
        env = dict(env, PYTHONPATH=str(root), HOME=str(home), XDG_STATE_HOME=str(home / "state"),
                   XDG_CONFIG_HOME=str(home / "config"), TERM="xterm-256color", COLUMNS=str(COLUMNS),
                   LINES=str(LINES))
        env.pop("NO_COLOR", None)
        names = sorted(p.name for p in (cached.parent / "src").glob("*.txt"))
        first, last = Path(names[0]).stem, Path(names[-1]).stem
        print(f"{args.docs} interviews, {facts.get('codings', {}).get(args.code, '?')} segments of "
              f"{args.code!r}; code under test: {root}")
        runs = [one_run(root, project, env, args.code, first, last) for _ in range(args.runs)]
    for what in runs[0]:
        values = [r.get(what, float("nan")) for r in runs]
        print(f"  {what:<28} {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
