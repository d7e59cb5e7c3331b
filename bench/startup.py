"""Start-up time of the CLI as whole processes: qualtui --version, --help and docs on the demo project.

    python bench/startup.py [--runs 10]

Prints the median and the fastest of each (the test suite only checks that nothing heavy is imported).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qualtui", *args], capture_output=True, check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run([sys.executable, "-m", "qualtui", "demo", str(demo), "--no-open"], capture_output=True,
                       check=True, env=env)
        for args in (["--version"], ["--help"], ["-p", str(demo), "docs"]):
            times = [timed(args, env) for _ in range(runs)]
            print(f"qualtui {' '.join(args[-1:] if args[0] == '-p' else args):<10} "
                  f"median {statistics.median(times) * 1000:6.0f} ms   fastest {min(times) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
