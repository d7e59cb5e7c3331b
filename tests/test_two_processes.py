"""A pass split over two processes prints exactly what one process prints, errors included, and leaves no child."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualtui.cli.two_processes import ENV, MIN_WORK, processes_for, split_point

ROOT = Path(__file__).resolve().parents[1]
SPEAKERS = ("Sam", "Priya", "admin-1")


def qualtui(project: Path, processes: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", **{ENV: processes})
    env.pop("QUALTUI_PROJECT", None)
    return subprocess.run([sys.executable, "-m", "qualtui", "-p", str(project), *args], env=env, cwd=ROOT,
                          capture_output=True, timeout=120, **kwargs)


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """Twelve interviews of different lengths, two codes, two coders, a memo with a quote and a newline."""
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    project = Project.init(tmp_path_factory.mktemp("two") / "proj", name="two", coder="tester")
    hope, fear = project.codes.create("Hope"), project.codes.create("Fear")
    other = Project.open(project.root, coder="Ana")
    for n in range(12):
        speaker = SPEAKERS[n % 3]
        text = "".join(f"Interviewer: Question {i} about \"the ward\"?\n{speaker}: Answer {i} of {n}: naïve, "
                       f"hard at first, then the others helped.\n" for i in range(5 + 7 * n))
        doc = project.docs.add(read_plain(text.encode(), f"SU{n:02d}.txt"), f"SU{n:02d}")
        body = project.docs.text(doc.id)
        starts = []
        for i in range(5 + 7 * n):
            starts.append(body.index(f"{speaker}: ", starts[-1] if starts else 0) + len(speaker) + 2)
        project.codings.add_many(doc.id, [(hope.id, start, start + 30 + i % 7) for i, start in enumerate(starts)
                                          if i != 3])
        project.codings.add(doc.id, hope.id, starts[3], starts[3] + 33, memo='said "twice"\nlater')
        other.codings.add_many(doc.id, [(fear.id, start - len(speaker) - 30, start + 10) for start in starts[::4]])
    project.speakers.set(["Interviewer"], "Interviewer", "interviewer")
    return project.root


@pytest.mark.parametrize("args", [
    ("retrieve", "Hope"),
    ("retrieve", "Hope", "--format", "json"),
    ("retrieve", "Hope", "--format", "csv"),
    ("retrieve", "Fear", "--format", "json", "--timestamps", "--context", "1"),
    ("retrieve", "Fear", "--no-interviewer"),
    ("retrieve", "Hope", "--by", "Ana", "--format", "json"),
])
def test_two_processes_print_what_one_prints(study, args):
    one, two = qualtui(study, "1", *args), qualtui(study, "2", *args)
    assert one.returncode == two.returncode == 0, two.stderr
    assert two.stdout == one.stdout and two.stderr == one.stderr
    if "json" in args:
        json.loads(two.stdout)


def test_a_damaged_file_in_the_second_part_is_the_same_one_line(study, tmp_path):
    import shutil

    copy = tmp_path / "proj"
    shutil.copytree(study, copy)
    from qualtui.project import Project

    last = Project.open(copy).docs.all()[-1]   # the child's part
    path = copy / "documents" / f"{last.id}.json"
    data = json.loads(path.read_text())
    next(iter(data["codings"].values()))["start"] = "12"
    path.write_text(json.dumps(data))
    one = qualtui(copy, "1", "retrieve", "Hope", "--format", "json")
    two = qualtui(copy, "2", "retrieve", "Hope", "--format", "json")
    assert one.returncode == two.returncode == 1
    assert two.stderr == one.stderr and len(two.stderr.splitlines()) == 1 and b"check --repair" in two.stderr
    assert two.stdout == one.stdout   # what came before the damaged document, as one process printed it


def test_a_reader_that_leaves_early_stops_both_processes(study):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", **{ENV: "2"})
    shell = f"{sys.executable} -m qualtui -p '{study}' retrieve Hope --format json | head -c 100; " \
            "echo; echo ${PIPESTATUS[0]}"
    done = subprocess.run(["bash", "-c", shell], env=env, cwd=ROOT, capture_output=True, timeout=60)
    assert done.stdout.startswith(b"[\n{") and done.stdout.splitlines()[-1] == b"0" and done.stderr == b""
    left = subprocess.run(["pgrep", "-f", f"-p {study} retrieve"], capture_output=True)
    assert left.stdout == b""   # no child left behind


def test_what_runs_elsewhere_is_read_from_the_system():
    from qualtui.cli.two_processes import _running_elsewhere

    assert 0 <= _running_elsewhere() < 10_000


def test_the_split_weighs_both_parts_alike():
    assert split_point([1, 1]) == 1
    assert split_point([10, 1, 1, 1]) == 1
    assert split_point([1, 1, 1, 10]) == 3
    assert split_point([5] * 10) == 5
    assert split_point([1, 100]) == 1 and split_point([100, 1]) == 1


def test_one_process_unless_it_pays_and_is_safe(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr("threading.active_count", lambda: 1)
    monkeypatch.setattr("qualtui.cli.two_processes._running_elsewhere", lambda: 0)
    monkeypatch.delenv(ENV, raising=False)
    assert processes_for(MIN_WORK) == 2 and processes_for(MIN_WORK - 1) == 1
    monkeypatch.setattr("qualtui.cli.two_processes._running_elsewhere", lambda: 1)   # the other one is busy
    assert processes_for(10 * MIN_WORK) == 1
    monkeypatch.setattr("qualtui.cli.two_processes._running_elsewhere", lambda: 0)
    monkeypatch.setenv(ENV, "1")
    assert processes_for(10 * MIN_WORK) == 1
    monkeypatch.setenv(ENV, "2")
    assert processes_for(1) == 2
    monkeypatch.setattr("threading.active_count", lambda: 2)   # a fork copies only the calling thread
    assert processes_for(10 * MIN_WORK) == 1
    monkeypatch.setattr("threading.active_count", lambda: 1)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0}, raising=False)
    assert processes_for(10 * MIN_WORK) == 1


INTERRUPTED_AT_START = """
import os, sys
from qualtui.cli import main, two_processes

parent, real_close = os.getpid(), os.close


class FirstStep:
    '''os, but the child's first step meets a Ctrl-C (SIGINT reaching it right after the fork).'''

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def close(fd):
        if os.getpid() != parent:
            raise KeyboardInterrupt
        real_close(fd)


two_processes.os = FirstStep()
main(sys.argv[1:])
"""


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_an_interrupt_as_the_child_starts_never_runs_the_command_twice(study, fmt):
    """The child is a copy of the command: an interrupt before its work begins must end it there, silently,
    not unwind through the command's stack (a second error line, the parent's buffered output and exit
    handlers run again, another exit status)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", **{ENV: "2"})
    env.pop("QUALTUI_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_AT_START, "-p", str(study), "retrieve", "Hope",
                           "--format", fmt], env=env, cwd=ROOT, capture_output=True, timeout=60)
    one = qualtui(study, "1", "retrieve", "Hope", "--format", fmt)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "qualtui: error: the second process stopped before it finished; QUALTUI_PROCESSES=1 runs the command in one"]
    assert one.stdout.startswith(done.stdout)   # the first part once, as one process prints it


INTERRUPTED_AFTER_FORK = """
import os, sys
from qualtui.cli import main, two_processes

children = []
real_fork, real_close = os.fork, os.close


class JustForked:
    '''os, but the command meets a Ctrl-C as it closes its end of the pipe, just after forking.'''

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def fork():
        pid = real_fork()
        children.append(pid)
        return pid

    @staticmethod
    def close(fd):
        if children and children[0] != 0 and len(children) == 1:
            children.append("interrupted")   # once
            raise KeyboardInterrupt
        real_close(fd)


two_processes.os = JustForked()
try:
    main(sys.argv[1:])
except SystemExit as exc:
    try:
        os.waitpid(children[0], os.WNOHANG)
        print("child left unreaped", file=sys.stderr)
    except ChildProcessError:
        pass
    raise
"""


def test_an_interrupt_just_after_the_fork_stops_and_reaps_the_child(study):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", **{ENV: "2"})
    env.pop("QUALTUI_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_AFTER_FORK, "-p", str(study), "retrieve", "Hope",
                           "--format", "json"], env=env, cwd=ROOT, capture_output=True, timeout=60)
    assert done.returncode == 130
    assert done.stderr == b"\nqualtui: error: aborted\n"   # as an interrupt of one process ends


INTERRUPTING_THE_CHILD = """
import os, signal, sys
from qualtui.cli import main


def interrupted_every_millisecond():
    signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)


os.register_at_fork(after_in_child=interrupted_every_millisecond)
main(sys.argv[1:])
"""


def test_interrupts_sent_to_the_child_alone_change_nothing(study):
    """A Ctrl-C at a terminal reaches both processes and this one stops both; one sent to the child alone
    (an import under way there, say) neither stops the command nor prints anything."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUALTUI_CODER="tester", **{ENV: "2"})
    env.pop("QUALTUI_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", INTERRUPTING_THE_CHILD, "-p", str(study), "retrieve", "Hope",
                           "--format", "json"], env=env, cwd=ROOT, capture_output=True, timeout=60)
    one = qualtui(study, "1", "retrieve", "Hope", "--format", "json")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == one.stdout
