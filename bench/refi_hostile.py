"""Peak memory of ``import-qdpx`` refusing hostile .qde files with millions of elements (target: under 150 MB).

    python bench/refi_hostile.py [--mb 190] [--only selections,junk] [--dir /tmp/qualtui-refi-hostile]

Writes bare .qde files of about --mb megabytes (under the 200 MB XML limit) whose bulk is millions of
elements in one place, imports each as a whole process and prints its peak RSS (``os.wait4``), its time
and the first line it printed on stderr.  Each should be one ``qualtui: error:`` line, exit 1, no folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CODE = "9f43fe32-c2cb-4ba8-b766-a0734c826e49"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="hostile">'
        f'<CodeBook><Codes><Code guid="{CODE}" name="c" isCodable="true"/></Codes></CodeBook>')
SOURCE = f'<TextSource guid="{uuid.UUID(int=1)}" name="one"><PlainTextContent>hello world</PlainTextContent>'


def _guid() -> str:
    return str(uuid.uuid4())


# name: (what comes before the bulk, one repeated element, what closes it)
SHAPES: dict[str, tuple[str, Callable[[], str], str]] = {
    "selections": (HEAD + "<Sources>" + SOURCE,
                   lambda: (f'<PlainTextSelection guid="{_guid()}" startPosition="0" endPosition="5">'
                            f'<Coding guid="{_guid()}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'),
                   "</TextSource></Sources></Project>"),
    "whole-source codings": (HEAD + "<Sources>" + SOURCE,
                lambda: f'<Coding guid="{_guid()}"><CodeRef targetGUID="{CODE}"/></Coding>',
                "</TextSource></Sources></Project>"),
    "junk in a source": (HEAD + "<Sources>" + SOURCE, lambda: "<x/>" * 64, "</TextSource></Sources></Project>"),
    "junk in a selection": (HEAD + "<Sources>" + SOURCE + '<PlainTextSelection guid="' + _guid()
                            + '" startPosition="0" endPosition="5">', lambda: "<x/>" * 64,
                            "</PlainTextSelection></TextSource></Sources></Project>"),
    # spread over many sources, under the per-source limit: these import (slowly: each source is a document),
    # and are measured only when named (--only spread); about 1.9 million elements at --mb 85
    "spread codings": (HEAD + "<Sources>", lambda: (
        f'<TextSource guid="{_guid()}" name="s"><PlainTextContent>hello world</PlainTextContent>'
        + "".join(f'<Coding guid="{_guid()}"><CodeRef targetGUID="{CODE}"/></Coding>' for _ in range(40))
        + "</TextSource>"), "</Sources></Project>"),
    "spread note refs": (HEAD + "<Sources>", lambda: (
        f'<TextSource guid="{_guid()}" name="s"><PlainTextContent>hello world</PlainTextContent>'
        f'<PlainTextSelection guid="{_guid()}" startPosition="0" endPosition="5">'
        + "".join(f'<NoteRef targetGUID="{_guid()}"/>' for _ in range(80))
        + "</PlainTextSelection></TextSource>"), "</Sources></Project>"),
    "sources": (HEAD + "<Sources>", lambda: f'<TextSource guid="{_guid()}" name="s"/>', "</Sources></Project>"),
    "codes": ('<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="h">'
              "<CodeBook><Codes>", lambda: f'<Code guid="{_guid()}" name="c" isCodable="true"/>',
              "</Codes></CodeBook></Project>"),
    "notes": (HEAD + "<Notes>", lambda: f'<Note guid="{_guid()}"><PlainTextContent>n</PlainTextContent></Note>',
              "</Notes></Project>"),
}


def write(path: Path, shape: str, size: int) -> int:
    """A bare .qde of about *size* bytes; the number of repeated elements written."""
    head, element, tail = SHAPES[shape]
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        written = len(head) + len(tail)
        while written < size:
            batch = "".join(element() for _ in range(100))
            out.write(batch)
            written += len(batch)
            count += 100
        out.write(tail)
    return count


def run(args: list[str]) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, the first line on stderr) of one qualtui process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "qualtui", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=ROOT)
    err = proc.stderr.read().decode(errors="replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    first = next((line for line in err.splitlines() if line.strip()), "")
    return os.waitstatus_to_exitcode(status), time.perf_counter() - began, usage.ru_maxrss / 1024, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=190, help="size of each hostile .qde")
    parser.add_argument("--only", default="", help="comma-separated shapes: " + ", ".join(SHAPES))
    parser.add_argument("--dir", type=Path, default=Path("/tmp/qualtui-refi-hostile"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    shapes = [s for s in SHAPES if any(s.startswith(o) for o in args.only.split(","))] if args.only else \
        [s for s in SHAPES if not s.startswith("spread")]
    worst = 0.0
    for shape in shapes:
        qde = args.dir / f"{shape.replace(' ', '-')}.qde"
        count = write(qde, shape, int(args.mb * MB))
        target = args.dir / "imported"
        shutil.rmtree(target, ignore_errors=True)
        code, seconds, peak, first = run(["import-qdpx", str(qde), str(target)])
        left = target.exists() or any(p.name.startswith(".") for p in args.dir.iterdir())
        worst = max(worst, peak)
        print(f"{shape:>20}: {count:>10,} repeats, {qde.stat().st_size / MB:5.0f} MB: exit {code}, peak "
              f"{peak:6.0f} MB, {seconds:5.1f} s{', FOLDER LEFT' if left else ''}\n{'':>22}{first[:150]}")
        qde.unlink()
        shutil.rmtree(target, ignore_errors=True)
    print(f"worst peak {worst:.0f} MB ({'under' if worst < 150 else 'NOT under'} 150 MB)")


if __name__ == "__main__":
    main()
