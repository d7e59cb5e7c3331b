"""Benchmark typing into the memo editor at 120 words per minute, in a real pty, while it saves as you type.

Builds bench/tui.py's synthetic project (30,000 words, 1,000 codings) plus
``--memos`` memos of about 1.5 kB each (every save of a memo rewrites the
project file that holds them all), runs ``qualtui open`` in a 120x40 pty,
presses ``m`` and types ``--words`` words at 120 wpm (100 ms per character),
with a short pause after every sentence.  Prints

* CPU per keystroke: the app's CPU time while typing (from /proc/PID/stat)
  divided by the keys, next to its CPU while idle with the editor open;
* echo latency: from sending a word's last key to the word on screen;
* saves: how often the project file was replaced while typing, and the bytes
  those saves wrote;
* that the memo stored 1.5 s after the last key is exactly what was typed;
* what one save costs (in-process: wall time, mostly fsync, and CPU).

    python bench/memo_typing.py [--words 120] [--memos 200]

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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The repository first, even when $PYTHONPATH names it too: bench/ (this script's folder, which Python puts first)
# holds tui.py, which would otherwise hide the tui package.
sys.path[:] = [str(ROOT), *(entry for entry in sys.path if entry != str(ROOT))]

CHAR_GAP = 0.1  # 120 wpm = 600 characters (five letters and a space per word) a minute


def _bench(name: str):
    """A script of bench/ as a module, under a name that cannot shadow a package (bench/tui.py vs tui/)."""
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def build(folder: Path, memos: int) -> Path:
    from qualtui.project import Project

    tui = _bench("tui")
    root = tui.build_project(folder, 30000, 1000)
    project = Project.open(root, coder="bench")
    rng = random.Random(3)
    for _ in range(memos):
        project.memos.add("project", " ".join(rng.choice(tui.VOCABULARY) for _ in range(250)))
    return root


def words_to_type(count: int, rng: random.Random) -> list[str]:
    vocabulary = _bench("tui").VOCABULARY
    return [f"{rng.choice(vocabulary)}{n}" for n in range(count)]


class App:
    def __init__(self, root: Path, home: Path) -> None:
        import pexpect

        # pytest-xdist workers set COLUMNS=80 LINES=24, which Textual would believe over the pty's size
        dropped = ("NO_COLOR", "COLORTERM", "TEXTUAL", "COLUMNS", "LINES")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update(TERM="xterm-256color", QUALTUI_CODER="bench", HOME=str(home), XDG_STATE_HOME=str(home / "s"),
                   XDG_CONFIG_HOME=str(home / "c"), PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
        self.screen = _bench("vt_screen").VirtualScreen(120, 40)
        self.child = pexpect.spawn(sys.executable, ["-m", "qualtui", "open", "-p", str(root), "--no-mouse"],
                                   env=env, dimensions=(40, 120), timeout=None)
        self.child.delaybeforesend = None

    def read(self, timeout: float) -> None:
        import pexpect

        try:
            self.screen.feed(self.child.read_nonblocking(65536, timeout=max(timeout, 0.0)))
        except pexpect.TIMEOUT:
            pass

    def wait_for(self, text: str, limit: float = 30.0) -> float:
        started = time.perf_counter()
        while not self.screen.shows(text):
            if time.perf_counter() - started > limit:
                raise SystemExit(f"the screen never showed {text!r}:\n{self.screen.text()}")
            self.read(0.05)
        return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    return _bench("tui").cpu_seconds(pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=120)
    parser.add_argument("--memos", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        root = build(Path(folder), args.memos)
        project_file = root / "qualtui.json"
        print(f"project file (holds the memos): {project_file.stat().st_size / 1024:.0f} kB")
        app = App(root, Path(folder))
        pid = app.child.pid
        app.wait_for("coder: bench")
        app.child.send("m")
        app.wait_for("Memo: document")
        time.sleep(0.5)
        idle_from, idle_cpu = time.perf_counter(), cpu_seconds(pid)
        while time.perf_counter() - idle_from < 3.0:
            app.read(0.1)
        idle = (cpu_seconds(pid) - idle_cpu) / (time.perf_counter() - idle_from)

        words = words_to_type(args.words, rng)
        state = {"file": (project_file.stat().st_ino, project_file.stat().st_mtime_ns), "saves": 0, "bytes": 0}
        pending: dict[str, float] = {}  # words sent, not seen on screen yet -> when their last key went
        latencies: list[float] = []

        def pump(until: float) -> None:
            """Read the screen until *until*, noting words as they appear and saves of the project file."""
            while True:
                app.read(min(until - time.perf_counter(), 0.02))
                for word in [w for w in pending if app.screen.shows(w)]:
                    latencies.append(time.perf_counter() - pending.pop(word))
                stat = project_file.stat()
                if (stat.st_ino, stat.st_mtime_ns) != state["file"]:
                    state["file"] = (stat.st_ino, stat.st_mtime_ns)
                    state["saves"] += 1
                    state["bytes"] += stat.st_size
                if time.perf_counter() >= until:
                    return

        keys = 0
        started, cpu_start = time.perf_counter(), cpu_seconds(pid)
        due = started
        for n, word in enumerate(words):
            for ch in (" " if n else "") + word:
                pump(due)
                app.child.send(ch)
                keys += 1
                due += CHAR_GAP
            pending[word] = time.perf_counter()
            if n % 10 == 9:
                due += rng.uniform(0.8, 1.5)  # the end of a sentence: a moment's thought
        pump(time.perf_counter() + 0.3)
        typing = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu_start
        time.sleep(1.5)
        from qualtui.project import Project

        project = Project.open(root)
        memo = project.memos.about("document", project.docs.all()[0].id)
        expected = " ".join(words)
        app.child.kill(9)
        print(f"typed {keys} keys ({len(words)} words) in {typing:.1f} s = "
              f"{keys / 5 / typing * 60:.0f} wpm (5 keys a word)")
        print(f"CPU per keystroke: {cpu / keys * 1000:.1f} ms (app idle with the editor open: "
              f"{idle * 1000:.1f} ms per second)")
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(f"echo latency per word (its last key to the word on screen): median "
              f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {latencies[-1] * 1000:.0f} ms ({len(pending)} words never seen on screen)")
        print(f"saves while typing: {state['saves']} ({state['bytes'] / 1024:.0f} kB written, "
              f"{state['bytes'] / keys:.0f} B per key)")
        print(f"stored 1.5 s after the last key == typed: {memo is not None and memo.text == expected}")
        wall, cpu = one_save(root)
        print(f"one save (in-process, median of 30): {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU")


def one_save(root: Path) -> tuple[float, float]:
    """What one save of a growing memo costs the app (the wall time is mostly waiting for fsync)."""
    from qualtui.editing.live_edit import LiveEdit, StoredMemo
    from qualtui.project import Project

    project = Project.open(root, coder="bench")
    edit = LiveEdit(StoredMemo(project, "project", None, None))
    walls, cpus = [], []
    for n in range(30):
        wall, cpu = time.perf_counter(), time.process_time()
        edit.save(" ".join(f"word{k}" for k in range(n + 1)))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


if __name__ == "__main__":
    main()
