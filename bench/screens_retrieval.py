"""Retrieval view with many segments: time to open, to page through, and to re-filter (headless Pilot).

    /tmp/dev/bin/python bench/screens_retrieval.py [SEGMENTS]

Prints wall and CPU times; not a test (no assertions about speed).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/tui.py would shadow tui/
sys.path.insert(0, str(HERE.parent / "tests"))

from screens_harness import Harness  # noqa: E402

from qualtui.editing.history import History  # noqa: E402
from qualtui.importers.plain import read_plain  # noqa: E402
from qualtui.project import Project  # noqa: E402
from tui.screens.retrieval_screen import RetrievalScreen  # noqa: E402


def build(folder: Path, segments: int, documents: int = 20) -> tuple[Project, str]:
    project = Project.init(folder / "proj", name="bench", coder="alice")
    code = project.codes.create("Theme")
    line = "Participant: we talked about the ward and the peer group, and it helped a lot.\n"
    per_doc = segments // documents
    for n in range(documents):
        text = line * per_doc
        doc = project.docs.add(read_plain(text.encode(), f"D{n:02}.txt"), f"D{n:02}",
                               attributes={"group": "staff" if n % 2 else "service user"})
        spans = [(code.id, i * len(line) + 13, (i + 1) * len(line) - 1) for i in range(per_doc)]
        project.codings.add_many(doc.id, spans, coder="alice" if n % 3 else "bob")
    return project, code.id


async def main(segments: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        project, code_id = build(Path(tmp), segments)
        print(f"built {segments} segments in {time.perf_counter() - started:.2f}s")
        app = Harness(lambda: RetrievalScreen(project, History(), code_id=code_id))
        started = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            print(f"start the app and open: {screen.table.row_count} rows in {time.perf_counter() - started:.2f}s")
            started = time.perf_counter()
            for _ in range(50):
                await pilot.press("pagedown")
            await pilot.pause()
            print(f"50 x PgDn: {time.perf_counter() - started:.2f}s total, cursor at row {screen.table.cursor_row}")
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(200):
                await pilot.press("j")
            await pilot.pause()
            print(f"200 x j (preview updated each time): {time.perf_counter() - started:.2f}s wall (Pilot waits "
                  f"between keys), {(time.process_time() - cpu) * 1000 / 200:.1f} ms CPU per key")
            started = time.perf_counter()
            screen.coder = "alice"
            screen.reload()
            await pilot.pause()
            print(f"re-filter by coder: {screen.table.row_count} rows in {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
