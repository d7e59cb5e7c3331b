"""Kill harness for the multi-file operations: after a kill the project is before or after, never between.

For each operation (merge OTHER, codes merge / split / delete, search --code, autocode, import-qdc,
pseudonymise, check --repair) the harness builds a "before" project, runs the operation once
uninterrupted to get the "after" state, then runs it again and again on fresh copies of "before",
killed at a random moment, and compares:

* ``qualtui check`` (the integrity check) may report only leftovers of the kill: a temp file, a torn
  audit entry, or an interrupted operation, which it must name together with the command that
  finishes it (``qualtui check --repair``);
* the project, read straight from its files (a canonical dump of documents, codes, codings and
  memos, by names and spans so that fresh ids compare equal), must equal "before" or "after"; when
  check named an interrupted operation, after running ``check --repair``.

Two ways to kill:
* point: the child (forked, qualtui already imported) counts the file-system calls that change
  something (write, fsync, rename, replace, unlink, mkdir, rmdir) and SIGKILLs itself just before
  the N-th one, N drawn uniformly from 1..K (K counted on an uninterrupted run): every stage of
  the operation is hit, start-up does not eat the kills;
* time: a real ``python -m qualtui ...`` process, SIGKILLed after a random delay.

    python bench/crash_ops.py [--point-runs 60] [--time-runs 10] [--ops merge,codes-merge,...] [--seed N]

tests/test_crash_ops.py runs the same trials, fewer of them.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository first, even when $PYTHONPATH names it too: bench/ (this script's folder, which Python puts first)
# holds tui.py, which would otherwise hide the tui package.
sys.path[:] = [str(ROOT), *(entry for entry in sys.path if entry != str(ROOT))]

CHANGING_CALLS = ("write", "fsync", "rename", "replace", "unlink", "mkdir", "rmdir")
LEFTOVERS = {"temp-file", "audit-torn"}
INTERRUPTED = "interrupted"


# the projects ------------------------------------------------------------------
def _text(rng: random.Random, lines: int) -> str:
    words = ("ward hope fear nurse friend group support trust Sam Alex routine shared listen "
             "medication lonely staff recovery").split()
    out = []
    for i in range(lines):
        speaker = ("Interviewer", "Sam", "Alex")[i % 3]
        out.append(f"{speaker}: " + " ".join(rng.choice(words) for _ in range(rng.randint(6, 18))) + ".")
    return "\n".join(out)


def _fill(project, rng: random.Random, docs: list[str], codes: list, per_doc: int, coder: str) -> None:
    for name in docs:
        doc = project.docs.get(name)
        spans = []
        for _ in range(per_doc):
            start = rng.randrange(0, doc.length - 60)
            spans.append((rng.choice(codes).id, start, start + rng.randint(5, 60)))
        project.codings.add_many(doc.id, spans, coder=coder)


def build_base(root: Path, seed: int = 7) -> None:
    """Six documents, a small codebook with a sub-code, ~900 codings by two coders, memos of each kind."""
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    rng = random.Random(seed)
    project = Project.init(root, coder="alice")
    for i in range(6):
        project.docs.add(read_plain(_text(rng, 60).encode(), f"d{i}.txt"), f"D{i}", attributes={"site": f"S{i % 2}"})
    hope, fear, support = (project.codes.create(n, description=f"about {n.lower()}") for n in ("Hope", "Fear", "Support"))
    dread = project.codes.create("Dread", parent=fear.id)
    names = [f"D{i}" for i in range(6)]
    _fill(project, rng, names, [hope, fear, support, dread], 90, "alice")
    _fill(project, rng, names, [hope, fear, support], 60, "bob")
    project.memos.add("code", "Fear, as Sam put it.", target=fear.id, title="on fear")
    project.memos.add("document", "Long interview with Sam.", target=project.docs.get("D1").id)
    project.memos.add("project", "Journal: started coding.")
    first = project.codings.for_code([fear.id])[0]
    project.codings.update(first.document, first.id, memo="Sam again")


def build_other(base: Path, other: Path, seed: int = 11) -> None:
    """A colleague's copy: three new documents, a new code, more codings and memos."""
    from qualtui.importers.plain import read_plain
    from qualtui.project import Project

    shutil.copytree(base, other)
    rng = random.Random(seed)
    project = Project.open(other, coder="carol")
    for i in range(3):
        project.docs.add(read_plain(_text(rng, 50).encode(), f"n{i}.txt"), f"N{i}")
    anger = project.codes.create("Anger", inclusion="raised voice")
    codes = [anger, project.codes.get("Hope"), project.codes.get("Dread")]
    _fill(project, rng, [f"N{i}" for i in range(3)] + ["D0", "D3"], codes, 80, "carol")
    project.memos.add("code", "Anger is rare.", target=anger.id)


def build_codebook_file(base: Path, work: Path) -> Path:
    """A .qdc codebook of 40 codes, a few of them matching codes of the base project."""
    from qualtui.project import Project
    from qualtui.refi.export import export_qdc

    project = Project.init(work / "codebook-src", coder="dana")
    parent = project.codes.create("Hope")
    for i in range(40):
        project.codes.create(f"Topic {i:02d}", parent=parent.id if i % 4 == 0 else None)
    target = work / "codebook.qdc"
    export_qdc(project, target)
    return target


def damage(root: Path) -> None:
    """What check --repair fixes: codings past the text, a code whose parent is gone, a memo about nothing."""
    data = json.loads((root / "qualtui.json").read_bytes())
    docs = sorted(data["documents"].values(), key=lambda d: d["name"])
    for doc in docs[:3]:
        path = root / "documents" / f"{doc['id']}.json"
        codings = json.loads(path.read_bytes())
        for record in list(codings["codings"].values())[:5]:
            record["end"] = doc["length"] + 50
        path.write_bytes(json.dumps(codings).encode())
    code = next(c for c in data["codes"].values() if c["name"] == "Support")
    code["parent"] = "00000000-0000-0000-0000-00000000dead"
    memo = next(m for m in data["memos"].values() if m["kind"] == "code")
    memo["target"] = "00000000-0000-0000-0000-00000000beef"
    (root / "qualtui.json").write_bytes(json.dumps(data).encode())


@dataclass
class Op:
    name: str
    label: str  # how check names it when it is interrupted
    args: list[str]  # how check names it when it is interrupted
    prepare: Callable[[Path], None] | None = None  # applied to the before copy (check --repair's damage)


def operations(base: Path, work: Path) -> list[Op]:
    from qualtui.project import Project

    other = work / "other"
    build_other(base, other)
    qdc = build_codebook_file(base, work)
    names = work / "names.csv"
    names.write_text("real,pseudonym\nSam,P1\nAlex,P2\n")
    project = Project.open(base)
    support = project.codes.get("Support")
    chosen = [c.id for c in project.codings.for_code([support.id])][::3][:40]
    return [
        Op("merge", "merge", ["merge", str(other)]),
        Op("codes-merge", "codes merge", ["codes", "merge", "Fear", "Hope"]),
        Op("codes-split", "codes split", ["codes", "split", "Support", "Peer support", "--codings", ",".join(chosen)]),
        Op("codes-delete", "codes delete", ["codes", "delete", "Fear", "--yes"]),
        Op("search-code", "auto-code", ["search", "ward", "--code", "Ward", "--create"]),
        Op("autocode", "auto-code", ["autocode", "--speaker", "Sam", "--code", "Sam speaks", "--create"]),
        Op("import-qdc", "import-qdc", ["import-qdc", str(qdc)]),
        Op("pseudonymise", "pseudonymise", ["pseudonymise", "--map", str(names)]),
        Op("check-repair", "check --repair", ["check", "--repair"], prepare=damage),
    ]


# the state ---------------------------------------------------------------------
def _load(path: Path, default=None):
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return default


def canonical(root: Path) -> dict:
    """Documents, codes, codings and memos by names and spans, straight from the files (no recovery)."""
    data = _load(root / "qualtui.json", {})
    docs, codes, memos = (data.get(t, {}) for t in ("documents", "codes", "memos"))
    code_name = {k: c["name"] for k, c in codes.items()}
    doc_name = {k: d["name"] for k, d in docs.items()}
    out_docs, out_codings, coding_key = [], [], {}
    for doc_id, doc in docs.items():
        try:
            text_hash = hashlib.sha256((root / "documents" / f"{doc_id}.txt").read_bytes()).hexdigest()
        except FileNotFoundError:
            text_hash = "missing"
        turns = _load(root / "documents" / f"{doc_id}.turns.json", "missing")
        out_docs.append([doc["name"], doc.get("sha256"), text_hash, doc.get("length"), doc.get("attributes"),
                         doc.get("source"), hashlib.sha256(json.dumps(turns).encode()).hexdigest()[:16]])
        table = (_load(root / "documents" / f"{doc_id}.json", {}) or {}).get("codings", {})
        for key, c in table.items():
            item = [doc["name"], code_name.get(c["code"], "?" + c["code"]), c["start"], c["end"], c["coder"],
                    c.get("memo")]
            coding_key[key] = item[:5]
            out_codings.append(item)
    out_codes = [[c["name"], code_name.get(c.get("parent"), c.get("parent")), c.get("codable"),
                  *(c.get(f) for f in ("description", "inclusion", "exclusion", "example"))] for c in codes.values()]
    target = {"document": doc_name, "code": code_name, "coding": coding_key}
    out_memos = [[m["kind"], target.get(m["kind"], {}).get(m.get("target"), m.get("target")), m.get("title"),
                  m.get("text")] for m in memos.values()]
    return {k: sorted(v, key=json.dumps) for k, v in
            (("documents", out_docs), ("codes", out_codes), ("codings", out_codings), ("memos", out_memos))}


def counts(state: dict) -> str:
    return "/".join(f"{len(state[k])}" for k in ("documents", "codes", "codings", "memos"))


# running one operation ---------------------------------------------------------
def _cli(root: Path, args: list[str]) -> list[str]:
    return ["-p", str(root), "--coder", "crash", *args]


def _count_calls(limit: int | None, counter: list[int]) -> None:
    """Wrap os's changing calls: count them, and SIGKILL this process just before call number *limit*."""
    for name in CHANGING_CALLS:
        real = getattr(os, name)

        def wrapped(*args, _real=real, **kwargs):
            counter[0] += 1
            if limit is not None and counter[0] >= limit:
                os.kill(os.getpid(), signal.SIGKILL)
            return _real(*args, **kwargs)

        setattr(os, name, wrapped)


def forked(root: Path, args: list[str], limit: int | None) -> tuple[int, int]:
    """Run the CLI in a forked child (killed before changing call *limit*); (changing calls made, exit status)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.close(read_fd)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            counter = [0]
            real_write = os.write
            _count_calls(limit, counter)
            from qualtui.cli import main

            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    main(_cli(root, args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            real_write(write_fd, str(counter[0]).encode())
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks = []
    while data := os.read(read_fd, 4096):
        chunks.append(data)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    calls = int(b"".join(chunks) or b"-1")
    return calls, (os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status))


def timed(root: Path, args: list[str], delay: float | None) -> tuple[float, int]:
    """A real ``python -m qualtui`` process, SIGKILLed after *delay* seconds; (seconds it ran, exit status)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "qualtui", *_cli(root, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return time.monotonic() - started, proc.returncode


# judging one kill --------------------------------------------------------------
@dataclass
class Tally:
    runs: int = 0
    before: int = 0
    after: int = 0
    half_named: int = 0  # between the states on disk, and check named the operation and the command
    finished_by_repair: int = 0
    finished_by_open: int = 0
    mismatches: int = 0
    failures: list[str] = field(default_factory=list)

    def row(self) -> dict:
        return {"runs": self.runs, "before": self.before, "after": self.after, "half-done named": self.half_named,
                "finished by check --repair": self.finished_by_repair, "finished by opening": self.finished_by_open,
                "mismatch/lost": self.mismatches}


def judge(work: Path, op: Op, before: dict, after: dict, tally: Tally, note: str, finish_by_open: bool) -> None:
    """Classify the project after one kill, finish what check names, and check the result."""
    from qualtui.safety.integrity import check
    from qualtui.project import Project
    from qualtui.safety.repair import repair

    tally.runs += 1
    bad = []
    problems = check(work)
    state = canonical(work)
    interrupted = [p for p in problems if p.kind == INTERRUPTED]
    allowed = LEFTOVERS | {INTERRUPTED}
    if op.name == "check-repair" and state == before:  # not repaired yet: the damage it came to fix is still there
        allowed |= {p.kind for p in check(work.parent / f"before-{op.name}")}
    unexpected = [p.line() for p in problems if p.kind not in allowed]
    if unexpected:
        bad.append(f"check reports {unexpected[:3]}")
    for problem in interrupted:
        if "check --repair" not in problem.message or f"'{op.label}'" not in problem.message:
            bad.append(f"check does not name the operation and how to finish it: {problem.line()}")
    if state == before:
        tally.before += 1
    elif state == after:
        tally.after += 1
    elif interrupted and "interrupted while writing" in interrupted[0].message:
        tally.half_named += 1
    else:
        bad.append(f"neither before ({counts(before)}) nor after ({counts(after)}) and check names nothing: "
                   f"{counts(state)}")
    if interrupted:
        if finish_by_open:
            Project.open(work)  # any command that opens the project finishes (or rolls back) it
            tally.finished_by_open += 1
        else:
            repair(work)
            tally.finished_by_repair += 1
    if check(work) and op.name != "check-repair":
        repair(work)  # leftovers of the kill itself: a temp file, a torn audit entry
    finished = canonical(work)
    if finished not in (before, after) or (state not in (before, after) and finished != after):
        bad.append(f"after finishing: neither before nor after ({counts(finished)})")
    elif op.name != "check-repair" or finished == after:
        left = [p.line() for p in check(work)]
        if left:
            bad.append(f"check still reports {left[:3]}")
    if bad:
        tally.mismatches += 1
        tally.failures.append(f"{op.name} ({note}): " + "; ".join(bad))


def run(base_dir: Path, point_runs: int, time_runs: int, seed: int, only: set[str] | None = None,
        log: Callable[[str], None] = lambda line: None) -> dict[str, Tally]:
    rng = random.Random(seed)
    base = base_dir / "base"
    build_base(base)
    results: dict[str, Tally] = {}
    for op in operations(base, base_dir):
        if only and op.name not in only:
            continue
        template = base_dir / f"before-{op.name}"
        shutil.copytree(base, template)
        if op.prepare:
            op.prepare(template)
        before = canonical(template)
        done = base_dir / f"after-{op.name}"
        shutil.copytree(template, done)
        total, status = forked(done, op.args, None)
        assert status == 0, f"{op.name} failed without a kill (exit {status})"
        after = canonical(done)
        assert after != before, f"{op.name} changed nothing"
        tally = results[op.name] = Tally()
        work = base_dir / "work"
        for i in range(point_runs):
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(template, work)
            limit = rng.randint(1, total)
            forked(work, op.args, limit)
            judge(work, op, before, after, tally, f"killed before changing call {limit} of {total}", i % 2 == 1)
        if time_runs:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(template, work)
            seconds, status = timed(work, op.args, None)
            assert status == 0
            for i in range(time_runs):
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(template, work)
                delay = rng.uniform(0.3 * seconds, seconds)
                timed(work, op.args, delay)
                judge(work, op, before, after, tally, f"SIGKILL after {delay:.3f} s of {seconds:.3f} s", i % 2 == 1)
        log(f"{op.name:>14}: before {counts(before)}, after {counts(after)}, {total} changing calls; "
            + ", ".join(f"{k} {v}" for k, v in tally.row().items()))
    shutil.rmtree(base_dir / "work", ignore_errors=True)
    return results


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--point-runs", type=int, default=60, help="kills per operation at a counted file-system call")
    parser.add_argument("--time-runs", type=int, default=10, help="kills per operation of a real process, by time")
    parser.add_argument("--ops", default="", help="comma-separated operation names (default: all)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    print(f"seed {args.seed}")
    with tempfile.TemporaryDirectory() as tmp:
        results = run(Path(tmp), args.point_runs, args.time_runs, args.seed,
                      set(filter(None, args.ops.split(","))) or None, log=print)
    total = Counter()
    for tally in results.values():
        total.update(tally.row())
        for line in tally.failures[:5]:
            print("  " + line)
    print("total: " + ", ".join(f"{k} {v}" for k, v in total.items()))


if __name__ == "__main__":
    main()
