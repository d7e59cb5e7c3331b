"""``emit_each`` writes CSV and JSON a batch of rows at a time, and the text is exactly ``emit``'s."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.cli.common import emit, emit_each

COLUMNS = ["kind", "item", "count", "detail"]
_VALUES = st.none() | st.integers(-5, 10**6) | st.text(max_size=12) | st.sampled_from(["\x7f", "\x9b[2J", "a\nb", "é😀"])
ROWS = st.lists(st.fixed_dictionaries({c: _VALUES for c in COLUMNS}), max_size=9)


def _printed(write) -> str:
    import click

    @click.command()
    def run() -> None:
        write()

    return CliRunner().invoke(run).output


@settings(max_examples=60, deadline=None)
@given(ROWS, st.sampled_from(["json", "csv"]), st.integers(1, 4))
def test_the_text_is_emits_whatever_the_batch(rows, fmt, batch):
    assert _printed(lambda: emit_each(iter(rows), COLUMNS, fmt, batch=batch)) == \
        _printed(lambda: emit(rows, COLUMNS, fmt))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_nothing_to_print_is_emits_empty_list(fmt):
    assert _printed(lambda: emit_each(iter([]), COLUMNS, fmt)) == _printed(lambda: emit([], COLUMNS, fmt))
