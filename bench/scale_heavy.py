"""Peak memory of every other CLI command that reads or writes the whole project (issue 14: none above 150 MB).

Each command runs once as a whole process; its peak RSS comes from ``os.wait4`` (``run_once``) and
its wall and CPU time are shown for information (the issue sets these commands no time target).
Commands that change a project run on a fresh copy of it (``cp -a``, not measured): {copy}.
``merge`` and ``agreement`` also need {theirs}: a copy in which a second coder auto-coded the turns of
the interviewers and of two participants (about 40,000 codings, made once per run of the bench).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from scale_common import CLI_MEMORY_MB, Context, Result, qualtui, run_once
from scale_data import INTERVIEWER_LABELS, PARTICIPANTS

SECOND_CODER = "second"
_SPEAKERS = [a for s in (*INTERVIEWER_LABELS, *PARTICIPANTS[:2]) for a in ("--speaker", s)]
_EVERYONE = [a for s in PARTICIPANTS for a in ("--speaker", s)]

# (label, arguments): {project} the built project, {copy} a fresh copy of it, {theirs} the second
# coder's copy, {scratch} a folder outside both.
HEAVY_CASES: list[tuple[str, list[str]]] = [
    ("export qdpx", ["-p", "{project}", "export", "qdpx", "-o", "{scratch}/project.qdpx"]),
    ("import-qdpx", ["import-qdpx", "{scratch}/project.qdpx", "{scratch}/imported"]),
    ("export docx", ["-p", "{project}", "export", "docx", "-o", "{scratch}/report.docx"]),
    ("export html", ["-p", "{project}", "export", "html", "-o", "{scratch}/report.html"]),
    ("export framework", ["-p", "{project}", "export", "framework", "-o", "{scratch}/framework.csv"]),
    ("export framework --quotes", ["-p", "{project}", "export", "framework", "--quotes",
                                   "-o", "{scratch}/quotes.csv"]),
    ("export framework --quotes (.docx)", ["-p", "{project}", "export", "framework", "--quotes",
                                           "-o", "{scratch}/quotes.docx"]),
    ("backup", ["-p", "{project}", "backup", "-o", "{scratch}/backup.tar.gz"]),
    ("backup --zip", ["-p", "{project}", "backup", "-o", "{scratch}/backup.zip"]),
    ("check --repair", ["-p", "{copy}", "check", "--repair"]),
    ("merge", ["-p", "{copy}", "merge", "{theirs}"]),
    ("pseudonymise", ["-p", "{copy}", "pseudonymise", "--map", "{scratch}/pseudonyms.csv"]),
    ("codes merge", ["-p", "{copy}", "codes", "merge", "Interviewer talk", "Participant talk"]),
    ("codes delete", ["-p", "{copy}", "codes", "delete", "Interviewer talk", "--yes"]),
    ("autocode", ["-p", "{copy}", "--coder", "third", "autocode", "--code", "Participant talk", *_EVERYONE]),
    ("agreement", ["-p", "{theirs}", "agreement", "--coders", f"bench,{SECOND_CODER}"]),
    ("agreement --unit turn", ["-p", "{theirs}", "agreement", "--coders", f"bench,{SECOND_CODER}",
                               "--unit", "turn"]),
    ("agreement --disagreements", ["-p", "{theirs}", "agreement", "--coders", f"bench,{SECOND_CODER}",
                                   "--disagreements"]),
    ("search (47,000 hits)", ["-p", "{project}", "search", "notebook", "--limit", "100000"]),
    ("search 'the' (356,000 hits)", ["-p", "{project}", "search", "the", "--limit", "10000000"]),
    ("codings", ["-p", "{project}", "codings"]),
    ("codings --format json", ["-p", "{project}", "codings", "--format", "json"]),
    ("speakers", ["-p", "{project}", "speakers"]),
    ("framework", ["-p", "{project}", "framework"]),
    ("memos", ["-p", "{project}", "memos"]),
    ("show", ["-p", "{project}", "show", "INT250"]),
]


def _fresh_copy(project: Path, where: Path) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    subprocess.run(["cp", "-a", str(project), str(where)], check=True)
    return where


def _theirs(ctx: Context) -> Path:
    theirs = ctx.scratch / "theirs"
    if ctx.facts.get("theirs") != str(theirs):
        _fresh_copy(ctx.project, theirs)
        qualtui(["-p", str(theirs), "--coder", SECOND_CODER, "autocode", "--code", "Participant talk", *_SPEAKERS],
                ctx.env)
        ctx.facts["theirs"] = str(theirs)
    return theirs


def _prepare(ctx: Context, label: str, args: list[str]) -> list[str]:
    """The arguments with their folders made ready (nothing here is measured)."""
    scratch = ctx.scratch
    places = {"project": ctx.project, "scratch": scratch}
    if label == "import-qdpx":
        shutil.rmtree(scratch / "imported", ignore_errors=True)
        if not (scratch / "project.qdpx").is_file():
            qualtui(["-p", str(ctx.project), "export", "qdpx", "-o", str(scratch / "project.qdpx")], ctx.env)
    if label.startswith("backup"):   # backup refuses to replace an archive
        for name in ("backup.tar.gz", "backup.zip"):
            (scratch / name).unlink(missing_ok=True)
    if label == "pseudonymise":
        (scratch / "pseudonyms.csv").write_text("Maria,Participant A\nSam,Participant B\nward,unit\n", encoding="utf-8")
    if any("{theirs}" in a for a in args):
        places["theirs"] = _theirs(ctx)
    if any("{copy}" in a for a in args):
        places["copy"] = _fresh_copy(ctx.project, scratch / "copy")
    return [a.format(**places) for a in args]


def measure_heavy(ctx: Context) -> list[Result]:
    results = []
    only = set(ctx.args.only.split(",")) if ctx.args.only else None
    for label, args in HEAVY_CASES:
        if only and not any(label.startswith(o) for o in only):
            continue
        argv = _prepare(ctx, label, args)
        seconds, peak, cpu = run_once(argv, ctx.env, ctx.scratch / "out.txt")
        errors = [line for line in (ctx.scratch / "out.err").read_text(errors="replace").splitlines()
                  if line.startswith("qualtui: error")]
        if errors:   # a refusal measures nothing: say so rather than print a figure that means nothing
            raise SystemExit(f"qualtui {' '.join(argv)}: {errors[0]}")
        results.append(Result(f"{label}: peak memory", peak, "MB", CLI_MEMORY_MB,
                              f"one run: {seconds:.1f} s, CPU {cpu:.1f} s"))
    shutil.rmtree(ctx.scratch / "copy", ignore_errors=True)
    return results
