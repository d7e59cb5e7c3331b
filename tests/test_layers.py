"""The core and the store never import Textual; the CLI stays fast to start."""

from __future__ import annotations

import subprocess
import sys


def _imports_textual(code: str) -> bool:
    probe = f"{code}\nimport sys\nprint('textual' in sys.modules or any(m.startswith('textual.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1] == "True"


def test_core_and_store_do_not_import_textual():
    assert not _imports_textual("import qualtui, qualtui.project, qualtui.model, qualtui.editing.edits")
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


def _import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, at any depth of the file (lazy imports inside functions
    count: a circle through a lazy import is still a circle).  Imports under ``if TYPE_CHECKING:`` are left
    out: they never run, they only name types for a type checker."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    modules: dict[str, Path] = {}
    for package in ("qualtui", "tui", "stores"):
        for path in (root / package).rglob("*.py"):
            name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def runtime_imports(tree: ast.AST):
        for node in ast.iter_child_nodes(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                children = node.orelse
            else:
                children = [node]
            for child in children:
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    yield child
                yield from runtime_imports(child)

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                found = known(target)
                if found and found != name:
                    edges.add(found)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_circle_through_a_lazy_import():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_a_circle():
    assert _cycles(_import_graph()) == []


LINE_LIMIT = 400


def test_no_module_is_longer_than_the_limit():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    long = {str(path.relative_to(root)): n for package in ("qualtui", "tui", "stores")
            for path in (root / package).rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT}
    assert long == {}


def test_the_text_package_stands_on_the_model_alone():
    """Text units, spans and cleaning are what everything else is built on; they never reach up into it."""
    graph = _import_graph()
    reaching_up = {(module, target) for module, targets in graph.items() if module.startswith("qualtui.text")
                   for target in targets
                   if not target.startswith("qualtui.text") and target not in ("qualtui.errors", "qualtui.model")}
    assert reaching_up == set()
