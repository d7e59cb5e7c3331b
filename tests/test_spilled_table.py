"""The search table holds its cells as bytes, on a temporary file past a few megabytes, and prints emit's text."""

from __future__ import annotations

import io
import os
from contextlib import redirect_stdout

import click
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from qualtui.cli import cli, spilled_table
from qualtui.cli.common import emit
from qualtui.cli.spilled_table import SpilledTable
from test_analysis_project import built  # noqa: F401  (fixture)

COLUMNS = ["document", "lines", "speaker", "left", "text", "right"]
HEADERS = ["document", "lines", "speaker", "before", "match", "after"]
_CELL = (st.none() | st.integers() | st.text()
         | st.sampled_from(["", "plain words\nand a second line", "tab\there " * 9, "\x1b[31mred\x1b[0m\x00nul",
                            "caf\u00e9 \u202eevil \ud800 lone", "\u2026" + "x" * 70, "\u4e2d\u6587" * 40, "\r\n"]))


def _printed(make) -> str:
    with redirect_stdout(io.StringIO()) as out:
        make()
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({c: _CELL for c in COLUMNS}), max_size=12),
       batch=st.integers(1, 5), spill=st.sampled_from([1, 64, None]))
def test_the_table_prints_what_emit_prints_for_every_row_at_once(rows, batch, spill):
    def spilled() -> None:
        table = SpilledTable(COLUMNS, HEADERS, spill_bytes=spill)
        for start in range(0, len(rows), batch):
            table.write(rows[start:start + batch])
        table.close()

    assert _printed(spilled) == _printed(lambda: emit(rows, COLUMNS, "table", headers=HEADERS))


def test_cells_past_the_limit_go_to_a_temporary_file_and_come_back_in_order():
    rows = [{"document": f"INT{i:05}", "lines": str(i), "speaker": "Sam", "left": "\u2026before", "text": "the",
             "right": "after " * (i % 7)} for i in range(12_000)]     # more than one chunk read back
    table = SpilledTable(COLUMNS, HEADERS, spill_bytes=4096)
    table.write(rows[:10])
    assert not table.spilled
    for start in range(10, len(rows), 1000):
        table.write(rows[start:start + 1000])
    assert table.spilled and table.rows == len(rows)
    assert _printed(table.close) == _printed(lambda: emit(rows, COLUMNS, "table", headers=HEADERS))


def test_search_past_the_spill_limit_prints_the_table_it_printed_from_memory(built, monkeypatch):
    seen = []
    close = SpilledTable.close

    def spy(self):
        seen.append(self.spilled)
        close(self)

    def search() -> click.testing.Result:
        got = CliRunner().invoke(cli, ["search", "-p", str(built.project.root), "e", "--limit", "100000"])
        assert got.exit_code == 0, (got.output, got.exception)
        return got

    def spy_where(self):
        if self.spilled:   # the unnamed file lies in the project's folder, never in a shared /tmp
            where = os.readlink(f"/proc/self/fd/{self.held.fileno()}")
            seen.append(where.startswith(str(built.project.root) + os.sep))
        spy(self)

    monkeypatch.setattr(SpilledTable, "close", spy_where if os.path.isdir("/proc/self/fd") else spy)
    in_memory = search()
    monkeypatch.setattr(spilled_table, "SPILL_BYTES", 1)
    on_disk = search()
    assert seen in ([False, True], [False, True, True])
    assert (on_disk.stdout, on_disk.stderr) == (in_memory.stdout, in_memory.stderr)
    assert len(on_disk.stdout.splitlines()) > 20


def test_a_project_folder_that_cannot_be_written_keeps_the_table_in_memory(built, monkeypatch):
    """Never a shared /tmp instead: a colleague's project, read-only to this user, spills nowhere."""
    seen = []
    close = SpilledTable.close
    monkeypatch.setattr(SpilledTable, "close", lambda self: seen.append(self.spilled) or close(self))
    monkeypatch.setattr(spilled_table, "SPILL_BYTES", 1)
    writable = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode == os.W_OK and str(path) == str(
        built.project.root) else writable(path, mode, **kw))
    got = CliRunner().invoke(cli, ["search", "-p", str(built.project.root), "e", "--limit", "100000"])
    assert got.exit_code == 0, (got.output, got.exception)
    assert seen == [False] and len(got.stdout.splitlines()) > 20
