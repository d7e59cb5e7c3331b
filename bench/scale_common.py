"""What bench/scale.py and its sections share: the context, a result, one measured qualtui process."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CLI_MEMORY_MB = 150


@dataclass
class Context:
    args: argparse.Namespace
    project: Path
    env: dict[str, str]
    scratch: Path
    facts: dict = field(default_factory=dict)


def qualtui(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualtui", *args], env=env, check=True, text=True, cwd=ROOT,
                          capture_output=True, **kwargs)


@dataclass(frozen=True)
class Result:
    what: str
    figure: float
    unit: str                      # "s", "ms", "MB"
    limit: float | None = None     # the target: figure must be below it
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.limit is None else self.figure < self.limit


def run_once(args: list[str], env: dict[str, str], out: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of one ``python -m qualtui`` process, stdout to *out*."""
    with open(out, "wb") as stdout, open(out.with_suffix(".err"), "wb") as stderr:
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "qualtui", *args], env=env, stdout=stdout, stderr=stderr,
                                cwd=ROOT)  # python -m puts the working folder first on the path
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"qualtui {' '.join(args)} failed: {out.with_suffix('.err').read_text()[-800:]}")
    return elapsed, usage.ru_maxrss * 1024 / MB, usage.ru_utime + usage.ru_stime
