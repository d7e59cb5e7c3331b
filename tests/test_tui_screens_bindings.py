"""Every binding of the analysis screens has an id and a description, and no key is bound twice on one screen."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from tui.keymap import bindings_of
from tui.screens.agreement_screen import AgreementScreen
from tui.screens.analysis_screen import AnalysisScreen
from tui.dialogs.codebook import CodeEntryForm, SplitDialog
from tui.screens.codebook_screen import CodebookScreen
from tui.screens.framework_screen import FrameworkScreen
from tui.screens.map_screen import MapScreen
from tui.dialogs.memo_editor import MemoEditDialog
from tui.screens.memos_screen import MemosScreen, MemoText
from tui.dialogs.pickers import CodeChooser, MarkDialog, MarkList, TextPrompt
from tui.screens.retrieval_screen import RetrievalScreen
from tui.screens.search_screen import SearchScreen
from tui.widgets.bar_table import BarTable
from tui.widgets.line_table import LineTable

SCREENS = [CodebookScreen, RetrievalScreen, AnalysisScreen, MemosScreen, SearchScreen, AgreementScreen, MapScreen,
           FrameworkScreen]
OTHERS = [CodeEntryForm, SplitDialog, MemoEditDialog, MemoText, CodeChooser, MarkDialog, MarkList, TextPrompt,
          BarTable, LineTable]


def declared(cls) -> list[Binding]:
    return [b for base in reversed(cls.__mro__) for b in base.__dict__.get("BINDINGS", [])
            if isinstance(b, Binding) and base.__module__.startswith("tui.")]


@pytest.mark.parametrize("cls", SCREENS + OTHERS, ids=lambda c: c.__name__)
def test_bindings_have_ids_descriptions_and_distinct_keys(cls):
    bindings = declared(cls)
    assert bindings and all(b.id and b.description for b in bindings)
    keys = [k.strip() for b in bindings for k in b.key.split(",")]
    assert len(keys) == len(set(keys)), keys
    assert len(bindings_of(cls)) == len({b.id for b in bindings})


def test_binding_ids_are_unique_across_the_screens():
    owners: dict[str, set[str]] = {}
    for cls in SCREENS + OTHERS:
        for binding in declared(cls):
            owners.setdefault(binding.id, set()).add((binding.key, binding.action))
    assert {i: o for i, o in owners.items() if len(o) > 1} == {}
