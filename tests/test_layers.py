"""The core and the store never import Textual; the CLI stays fast to start."""

from __future__ import annotations

import subprocess
import sys
import time


def _imports_textual(code: str) -> bool:
    probe = f"{code}\nimport sys\nprint('textual' in sys.modules or any(m.startswith('textual.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1] == "True"


def test_core_and_store_do_not_import_textual():
    assert not _imports_textual("import qualtui, qualtui.project, qualtui.model, qualtui.edits")
    assert not _imports_textual("import stores")


def test_help_and_every_subcommand_help_do_not_import_textual():
    code = (
        "from qualtui.cli import cli, COMMANDS\n"
        "from click.testing import CliRunner\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "for name in COMMANDS:\n"
        "    r = CliRunner().invoke(cli, [name, '--help'])\n"
        "    assert r.exit_code == 0, (name, r.output)\n"
    )
    assert not _imports_textual(code)


def test_store_does_not_import_the_core():
    probe = "import stores, sys; print(any(m == 'qualtui' or m.startswith('qualtui.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_version_is_fast():
    best = min(_timed([sys.executable, "-m", "qualtui", "--version"]) for _ in range(3))
    assert best < 0.3, f"qualtui --version took {best:.3f}s"


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert out.stdout.startswith("qualtui ")
    return time.perf_counter() - start
