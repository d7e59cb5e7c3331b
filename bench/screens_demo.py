"""Open one analysis screen over a fresh demo project, for looking at it in a real terminal (e.g. tmux).

    /tmp/dev/bin/python bench/screens_demo.py codebook|retrieval|analysis|memos|search|agreement 

A jump requested by the screen is printed after it closes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/tui.py would shadow tui/

from textual.app import App  # noqa: E402

from qualtui.demo import create_demo  # noqa: E402
from qualtui.editing.history import History  # noqa: E402


def screen_class(name: str):
    from importlib import import_module

    module = import_module(f"tui.screens.{name}_screen")
    return getattr(module, f"{name.capitalize()}Screen" if name != "retrieval" else "RetrievalScreen")


class Demo(App):
    def __init__(self, make) -> None:
        super().__init__()
        self.make = make
        self.result = None

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.done)

    def done(self, result) -> None:
        self.result = result
        self.exit()


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "codebook"
    with tempfile.TemporaryDirectory() as tmp:
        project = create_demo(Path(tmp) / "demo")
        project.coder = "demo-alice"
        cls = screen_class(name)
        app = Demo(lambda: cls(project, History()))
        app.run()
        print("result:", app.result)


if __name__ == "__main__":
    main()
