"""Print the module map: every module of stores/, qualtui/ and tui/ with its size and what it imports.

    python docs/module_map.py             # one line per module
    python docs/module_map.py --packages  # one line per package: modules, lines, the packages it imports

Imports are read from the source (lazy imports inside functions included, ``if TYPE_CHECKING:`` left out), so
the map can be printed for any checkout: ``git worktree add /tmp/old REV && python docs/module_map.py /tmp/old``.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

PACKAGES = ("stores", "qualtui", "tui")


def runtime_imports(tree: ast.AST):
    for node in ast.iter_child_nodes(tree):
        children = node.orelse if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test) else [node]
        for child in children:
            if isinstance(child, ast.Import):
                yield from (alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                yield child.module
            yield from runtime_imports(child)


SUBPACKAGES: set[str] = set()  # qualtui.text, tui.screens, ...: filled by ``modules``


def package_of(module: str) -> str:
    """``qualtui.text.units`` and ``qualtui.text`` -> ``qualtui.text``; ``qualtui.model`` -> ``qualtui``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if ".".join(parts[:2]) in SUBPACKAGES else parts[0]


def modules(root: Path) -> list[tuple[str, int, set[str]]]:
    found = []
    for top in PACKAGES:
        SUBPACKAGES.update(".".join(init.parent.relative_to(root).parts[:2]) for init in (root / top).glob("*/__init__.py"))
        for path in sorted((root / top).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            source = path.read_text(encoding="utf-8")
            imported = {m for m in runtime_imports(ast.parse(source)) if m.split(".")[0] in PACKAGES}
            found.append((name, len(source.splitlines()), imported))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--packages", action="store_true", help="one line per package")
    args = parser.parse_args()
    found = modules(args.root)
    if not args.packages:
        for name, lines, imported in found:
            print(f"{name:45} {lines:4}  {', '.join(sorted({package_of(m) for m in imported} - {package_of(name)}))}")
        return
    packages: dict[str, list] = {}
    for name, lines, imported in found:
        entry = packages.setdefault(package_of(name), [0, 0, set()])
        entry[0] += 1
        entry[1] += lines
        entry[2] |= {package_of(m) for m in imported} - {package_of(name)}
    for name, (count, lines, imported) in packages.items():
        print(f"{name:20} {count:3} modules {lines:6} lines  imports: {', '.join(sorted(imported)) or '-'}")
    sizes = [lines for _, lines, _ in found]
    print(f"{len(found)} modules, {sum(sizes)} lines, the longest {max(sizes)}, over 400 lines: "
          f"{sum(n > 400 for n in sizes)}")


if __name__ == "__main__":
    main()
