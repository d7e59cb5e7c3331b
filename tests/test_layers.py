"""The core and the store never import Textual; the CLI stays fast to start."""

from __future__ import annotations

import subprocess
import sys


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


# What makes start-up slow is importing big libraries; the times themselves are printed by bench/startup.py.
HEAVY = ("textual", "rich", "docx", "lxml", "markdown_it", "xml", "zipfile", "tarfile", "qualtui.analysis",
         "qualtui.reports", "qualtui.refi", "qualtui.importers", "tui")


def _heavy_imports(args: list[str]) -> list[str]:
    probe = ("import runpy, sys\n"
             f"sys.argv = ['qualtui', *{args!r}]\n"
             "try:\n    runpy.run_module('qualtui', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m.startswith({HEAVY!r})])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("qualtui ") or "Usage:" in out.stdout, out.stdout
    return eval(out.stdout.strip().splitlines()[-1])


def test_version_and_help_import_nothing_heavy():
    assert _heavy_imports(["--version"]) == []
    assert _heavy_imports(["--help"]) == []
