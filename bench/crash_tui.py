"""Crash harness for the coding screen: kill ``qualtui open`` in a pty at random moments.

Each trial runs the real ``python -m qualtui open -p PATH --no-mouse`` in a
120x40 pseudo-terminal (TERM=xterm-256color), drives a coding session by keys
(``j``/``k`` to move, ``t`` to select the turn, ``1``-``9`` recent codes, ``c``
+ a name + Enter, ``x`` remove, ``u`` undo) and kills it with SIGKILL or SIGHUP
at a random moment (during start-up, half-way through a key, or between keys).

An edit counts as acknowledged once the screen showed its notification
("Coded with 'Hope'.", "Removed ...", "Undid: ..."), read from a small virtual
terminal fed with the pty's output.  At that moment the store must already hold
it; after the kill the project must open, ``qualtui check`` must pass (after
``check --repair`` removed the dead writer's temp files only) and every
acknowledged edit must be there, give or take the one edit in flight
(``verify`` from bench/crash.py, plus the same rule for the codebook).

Within one session every awaited notification text is distinct, so an older
toast still on screen is never taken for the acknowledgement of a newer edit.

    python bench/crash.py --runs 0 --process-runs 0 --tui-runs 100

tests/test_crash_tui.py runs a few trials.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The repository first, even when $PYTHONPATH names it too: bench/ (this script's folder, which Python puts first)
# holds tui.py, which would otherwise hide the tui package.
sys.path[:] = [str(ROOT), *(entry for entry in sys.path if entry != str(ROOT))]

CODER = "crash"
BASE_CODES = ("Hope", "Fear", "Support")
LINES = 30  # every line is one turn and fits one row of the transcript pane at 120x40
COLUMNS, ROWS = 120, 40  # the terminal, as bench/tui.py measures it
STARTUP_TIMEOUT = 30.0
WEIGHTS = {"recent": 4, "picker": 1, "new": 1, "remove": 2, "undo": 2}  # how often each kind of step is chosen


def _bench_module(name: str, filename: str):
    """A script of bench/ loaded once as a module (bench/ is not a package)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


def _cli_harness():
    """bench/crash.py (its ``verify`` and ``Ledger``), under the name tests/test_crash.py uses."""
    return _bench_module("crash_harness", "crash.py")


VirtualScreen = _bench_module("vt_screen", "vt_screen.py").VirtualScreen


def make_project(root: Path) -> str:
    """A project with one transcript of equal-length one-line turns and three codes; returns the document name."""
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    project = Project.init(root, coder=CODER)
    lines = [f"P{k % 3 + 1}: line {k:03d} about the ward." for k in range(LINES)]
    project.docs.add(read_plain("\n".join(lines).encode(), "t.txt"), "T1")
    for name in BASE_CODES:
        project.codes.create(name)
    return "T1"


# the app in a pty ---------------------------------------------------------------------------
class Killed(Exception):
    """The moment to kill came before what was awaited appeared."""


class Terminal:
    """``qualtui open`` in a pty, read into a VirtualScreen; every wait ends at the kill moment."""

    def __init__(self, root: Path, home: Path, kill_at: float) -> None:
        import pexpect

        # pytest-xdist workers set COLUMNS=80 LINES=24, which Textual would believe over the pty's size
        dropped = ("NO_COLOR", "COLORTERM", "TEXTUAL", "COLUMNS", "LINES")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update(TERM="xterm-256color", QUALTUI_CODER=CODER, XDG_STATE_HOME=str(home / "state"),
                   XDG_CONFIG_HOME=str(home / "config"), HOME=str(home),
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("QUALTUI_CONFIG", None)
        self.started = time.monotonic()
        self.kill_at = self.started + kill_at
        self.delay_after_ack: float | None = None  # a kill moment counted from the first acknowledged edit
        self.screen = VirtualScreen(COLUMNS, ROWS)
        self.child = pexpect.spawn(sys.executable, ["-m", "qualtui", "open", "-p", str(root), "--no-mouse"],
                                   env=env, dimensions=(ROWS, COLUMNS), cwd=str(home), timeout=None)
        self.child.delaybeforesend = None  # pexpect's default 50 ms pause would leave the app idle

    def _read(self, timeout: float) -> None:
        import pexpect

        try:
            self.screen.feed(self.child.read_nonblocking(65536, timeout=max(timeout, 0)))
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            raise AssertionError(f"the app exited by itself:\n{self.screen.text()}") from None

    def wait_for(self, wanted: str, *, gone: bool = False, limit: float = STARTUP_TIMEOUT) -> None:
        """Read until the screen shows *wanted* (or no longer shows it); Killed at the kill moment."""
        give_up = time.monotonic() + limit
        while self.screen.shows(wanted) == gone:
            now = time.monotonic()
            if now >= self.kill_at:
                raise Killed
            if now >= give_up:
                raise AssertionError(f"the screen never showed {wanted!r}:\n{self.screen.text()}")
            self._read(min(self.kill_at, give_up) - now)

    def acknowledged(self) -> None:
        """The screen acknowledged an edit: the first one starts the clock of a kill that waits for it."""
        if self.delay_after_ack is not None:
            self.kill_at, self.delay_after_ack = time.monotonic() + self.delay_after_ack, None

    def send(self, keys: str) -> None:
        if time.monotonic() >= self.kill_at:
            raise Killed
        self.child.send(keys)

    def kill(self, sig: int) -> None:
        """Send *sig*, then read until the process is gone (a blocked write would keep it alive)."""
        import pexpect

        try:
            os.kill(self.child.pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                pass
            except (pexpect.EOF, OSError):
                break
        while self.child.isalive() and time.monotonic() < deadline:
            time.sleep(0.01)
        alive = self.child.isalive()
        self.child.close(force=True)
        if alive:
            raise AssertionError(f"the app was still running 10 s after signal {sig}")


# the coding session: keys, what the screen should say, what the store must hold --------------
@dataclass
class Step:
    keys: list[tuple[str, str | None]]  # (keys to send, text to wait for before sending the next keys)
    ack: str  # the notification that acknowledges the edit
    kind: str  # "add" | "create" | "remove" | "undo"
    code: str
    span: tuple[int, int]
    coding_id: str | None = None  # for removals (and undoing an addition)
    undo_of: "Step | None" = None
    how: str = ""  # which keys: recent, picker, new, remove, undo (for the figures)


@dataclass
class Session:
    """What the driver knows about one run of the app."""

    line: int = 0
    recent: list[str] = field(default_factory=list)  # code names, most recent first
    done: list[Step] = field(default_factory=list)  # acknowledged, undoable in reverse order
    shown: set[str] = field(default_factory=set)  # notification texts this session waited for


class Driver:
    """Chooses keys, waits for acknowledgements and keeps the ledger of acknowledged codings."""

    def __init__(self, root: Path, doc: str, rng: random.Random) -> None:
        from qualtui.project import Project

        self.root, self.doc, self.rng = root, doc, rng
        project = Project.open(root)
        document = project.docs.get(doc)
        self.doc_id = document.id
        self.speech = [(t.start, t.end) for t in project.docs.turns(document.id)]
        assert len(self.speech) == LINES, "one turn per line"
        self.ledger = _cli_harness().Ledger()
        self.codes = {c.name for c in project.codes.all()}
        self.next_name = 0
        self.lines: list[str] = []  # BEGIN / ACK lines for crash.verify
        self.in_flight: Step | None = None
        self.acks: dict[str, int] = {}  # acknowledged steps by kind of keys

    # choosing ----------------------------------------------------------------------------
    def codings_on(self, line: int) -> dict[str, str]:
        span = self.speech[line]
        return {cid: code for cid, (code, start, end) in self.ledger.present.items() if (start, end) == span}

    def choose(self, session: Session) -> Step | None:
        rng = self.rng
        keys: list[tuple[str, str | None]] = []
        moves = rng.choice((0, 1, 1, 2, 3, -1, -2, -4))
        target = min(max(session.line + moves, 0), LINES - 1)
        if target != session.line:
            keys.append(("j" * (target - session.line) if target > session.line else "k" * (session.line - target),
                         None))
        session.line = target
        span = self.speech[target]
        on_line = self.codings_on(target)
        options: list[Step] = []
        free = [name for name in session.recent if name not in on_line.values()]
        for name in free:
            number = session.recent.index(name) + 1
            options.append(Step([*keys, ("t" + str(number), None)], f"Coded with '{name}'.", "add", name, span,
                                how="recent"))
        for name in sorted(self.codes - set(on_line.values()) - set(session.recent))[:3]:
            options.append(Step([*keys, ("tc", "with:"), (name + "\r", None)], f"Coded with '{name}'.", "add",
                                name, span, how="picker"))
        new = f"Zq{self.next_name:03d}"
        options.append(Step([*keys, ("tc", "with:"), (new, f"'{new}'"), ("\r", None)],
                            f"Created '{new}' and coded the selection.", "create", new, span, how="new"))
        if len(on_line) == 1:
            [(coding_id, name)] = on_line.items()
            options.append(Step([*keys, ("x", None)], f"Removed {name}  (l.{target + 1},", "remove", name, span,
                                coding_id, how="remove"))
        if session.done:
            last = session.done[-1]
            label = {"add": f"code {last.code!r}", "create": f"code with new code {last.code!r}",
                     "remove": "remove 1 coding"}[last.kind]
            options += [Step([*keys, ("u", None)], f"Undid: {label}", "undo", last.code, last.span,
                             last.coding_id, undo_of=last, how="undo")]
        options = [o for o in options if o.ack not in session.shown]
        kinds = sorted({o.how for o in options}, key=list(WEIGHTS).index)
        if not kinds:
            return None
        how = rng.choices(kinds, [WEIGHTS[k] for k in kinds])[0]
        return rng.choice([o for o in options if o.how == how])

    # doing ---------------------------------------------------------------------------------
    def play(self, terminal: Terminal, session: Session) -> NoReturn:
        """Run steps until the kill moment ends the session by raising Killed."""
        terminal.wait_for(f"coder: {CODER}")
        terminal.send("gllll")  # line 1, at the first word after the speaker label
        while True:
            step = self.choose(session)
            if step is None:
                raise AssertionError("no step left to choose")
            session.shown.add(step.ack)
            if step.kind == "create":
                self.next_name += 1
            self.begin(step)
            terminal.wait_for("with:", gone=True)  # the previous step's code picker has gone
            for keys, wait in step.keys:
                terminal.send(keys)
                if wait is not None:
                    terminal.wait_for(wait)
            terminal.wait_for(step.ack)
            self.acknowledged(step, session)
            terminal.acknowledged()

    def begin(self, step: Step) -> None:
        start, end = step.span
        adds = step.kind in ("add", "create") or (step.kind == "undo" and step.undo_of.kind == "remove")
        self.lines.append(f"BEGIN add {step.code} {start} {end}" if adds else f"BEGIN del {step.coding_id}")
        self.in_flight = step

    def acknowledged(self, step: Step, session: Session) -> None:
        """The screen showed the edit: it must be on disk now; record it."""
        from qualtui.project import Project

        project = Project.open(self.root)
        names = {c.id: c.name for c in project.codes.all()}
        stored = {c.id: (names.get(c.code, "?"), c.start, c.end) for c in project.codings.for_document(self.doc_id)}
        start, end = step.span
        undoing = step.undo_of.kind if step.undo_of is not None else None
        if step.kind in ("add", "create") or undoing == "remove":
            known = step.coding_id if undoing == "remove" else None
            found = [cid for cid, value in stored.items() if value == (step.code, start, end)
                     and (cid == known if known else cid not in self.ledger.present)]
            assert len(found) == 1, f"the screen acknowledged {step.ack!r} but the store has {found}"
            step.coding_id = found[0]
            self.lines.append(f"ACK add {step.coding_id} {step.code} {start} {end}")
            self.ledger.present[step.coding_id] = (step.code, start, end)
        else:
            assert step.coding_id not in stored, f"the screen acknowledged {step.ack!r} but the coding is stored"
            self.lines.append(f"ACK del {step.coding_id}")
            self.ledger.present.pop(step.coding_id, None)
        if step.kind == "create":
            self.codes.add(step.code)
        if undoing == "create":
            self.codes.discard(step.code)
        assert set(names.values()) == self.codes, f"codebook {sorted(names.values())} != {sorted(self.codes)}"
        self.in_flight = None
        self.acks[step.how] = self.acks.get(step.how, 0) + 1
        if step.kind == "undo":
            session.done.pop()
            session.recent = [n for n in session.recent if n in self.codes]
        else:
            session.done.append(step)
            if step.kind != "remove":
                session.recent = [step.code] + [n for n in session.recent if n != step.code][:8]

    # after a kill --------------------------------------------------------------------------
    def verify(self, ledger_before: dict) -> dict[str, int]:
        """Check the project against what was acknowledged, allowing the one edit in flight."""
        from qualtui.project import Project

        crash = _cli_harness()
        ledger = crash.Ledger(dict(ledger_before))
        counts = crash.verify(self.root, self.doc, ledger, self.lines)
        self.ledger.present = dict(ledger.present)
        names = {c.name for c in Project.open(self.root).codes.all()}
        step = self.in_flight
        may_add = {step.code} if step is not None and step.kind == "create" else set()
        may_lose = {step.code} if step is not None and step.undo_of is not None \
            and step.undo_of.kind == "create" else set()
        assert names - self.codes <= may_add, f"codes nobody made: {sorted(names - self.codes)}"
        assert self.codes - names <= may_lose, f"acknowledged codes lost: {sorted(self.codes - names)}"
        self.codes = names
        self.lines = []
        return counts


def recent_codes(home: Path, root: Path, codes: set[str]) -> list[str]:
    """The recent codes the app will load (from its positions file), as names."""
    from qualtui.project import Project
    from tui.positions import Positions

    names = {c.id: c.name for c in Project.open(root).codes.all()}
    positions = Positions(home / "state" / "qualtui", root, CODER)
    return [names[c] for c in positions.number_keys(names) if names[c] in codes][:9]


def trial(driver: Driver, home: Path, rng: random.Random, *, startup_kill: float = 0.15,
          longest: float = 2.0) -> dict[str, int]:
    """One run of the app, killed at a random moment; returns counters."""
    session = Session(recent=recent_codes(home, driver.root, driver.codes))
    driver.in_flight = None
    ledger_before = dict(driver.ledger.present)
    during_startup = rng.random() < startup_kill
    sig = rng.choice((signal.SIGKILL, signal.SIGHUP))
    terminal = Terminal(driver.root, home,
                        kill_at=rng.uniform(0.0, 0.6) if during_startup else 2 * STARTUP_TIMEOUT)
    acked_before = len([line for line in driver.lines if line.startswith("ACK")])
    try:
        if not during_startup:
            terminal.wait_for(f"coder: {CODER}")
            # Counted from the first acknowledged edit, so that a loaded machine (slow keys) still kills the
            # session in the middle of its work; kills during start-up are the during_startup trials.
            terminal.delay_after_ack = rng.uniform(0.0, longest)
        driver.play(terminal, session)
    except Killed:
        pass
    except BaseException:
        terminal.kill(signal.SIGKILL)
        raise
    terminal.kill(sig)
    acked = len([line for line in driver.lines if line.startswith("ACK")]) - acked_before
    counts = driver.verify(ledger_before)
    return {"acked": acked, "in_flight": counts["in_flight"], "temp_files": counts["temp_files"],
            "startup_kills": int(during_startup), "sighup": int(sig == signal.SIGHUP),
            "sigkill": int(sig == signal.SIGKILL)}


def run(folder: Path, runs: int, seed: int, *, longest: float = 2.0) -> dict[str, float]:
    """*runs* kills of the coding screen; returns totals."""
    rng = random.Random(seed)
    root = folder / "project"
    doc = make_project(root)
    driver = Driver(root, doc, rng)
    totals: dict[str, float] = {"runs": 0}
    started = time.perf_counter()
    for _ in range(runs):
        for key, value in trial(driver, folder, rng, longest=longest).items():
            totals[key] = totals.get(key, 0) + value
        totals["runs"] += 1
    totals["seconds"] = round(time.perf_counter() - started, 2)
    totals["codings_at_end"] = len(driver.ledger.present)
    totals["codes_at_end"] = len(driver.codes)
    totals.update({f"acked_{how}": n for how, n in sorted(driver.acks.items())})
    return totals
