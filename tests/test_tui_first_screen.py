"""The coding screen's first screen reads the open document's codings and counts the rest from the index."""

from __future__ import annotations

import json

from stores import file_index
from stores.atomic import atomic_write_bytes
from stores.records import AtomicJSONStorage
from tests.tui_helpers import build_project, make_app, sync
from tui.widgets.codebook_tree import CodebookTree


def coded_project(tmp_path):
    project = build_project(tmp_path)
    hope = project.codes.create("Hope")
    for doc in project.docs.all():
        project.codings.add(doc.id, hope.id, 0, 11)
        project.codings.add(doc.id, hope.id, 13, 30, coder="other")
    return project, hope


def spy_reads(monkeypatch) -> tuple[list[str], list[str]]:
    """Names of the record files parsed, and of the codings files the index had to recount."""
    parsed: list[str] = []
    recounted: list[str] = []
    load, recount = AtomicJSONStorage._load, file_index.recount

    def spying_load(self, fresh):
        parsed.append(self.path.name)
        return load(self, fresh)

    def spying_recount(path, holds=dict):
        recounted.append(path.name)
        return recount(path, holds)

    monkeypatch.setattr(AtomicJSONStorage, "_load", spying_load)
    monkeypatch.setattr(file_index, "recount", spying_recount)
    return parsed, recounted


def codebook_counts(app) -> list[str]:
    tree = app.screen.query_one(CodebookTree)
    return [tree.get_option_at_index(i).prompt.plain.split()[-1] for i in range(tree.option_count)]


@sync
async def test_the_first_screen_parses_only_the_open_documents_codings(tmp_path, monkeypatch):
    project, _ = coded_project(tmp_path)
    parsed, recounted = spy_reads(monkeypatch)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        opened = app.screen.doc.id
        codings_files = {name for name in parsed if name != "qualtui.json"}
        assert codings_files == {f"{opened}.json"}
        assert recounted == []
        assert codebook_counts(app) == ["2/4"]  # this document / the project, both coders
        assert app.screen.sync.coders() == ["other"]


@sync
async def test_a_codings_file_changed_behind_the_index_is_recounted_for_the_first_screen(tmp_path, monkeypatch):
    project, hope = coded_project(tmp_path)
    other = next(d for d in project.docs.all() if d.name == "SU02")
    path = project.store.codings_path(other.id)
    data = json.loads(path.read_bytes())
    data["codings"] = {}
    atomic_write_bytes(path, json.dumps(data).encode())  # as a writer that knows nothing of the index would
    parsed, recounted = spy_reads(monkeypatch)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.doc.name == "SU01"
        assert recounted == [path.name]
        assert codebook_counts(app) == ["2/2"]


@sync
async def test_another_process_coding_another_document_shows_in_the_project_counts(tmp_path):
    from qualtui.project import Project

    project, hope = coded_project(tmp_path)
    app = make_app(project, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert codebook_counts(app) == ["2/4"]
        colleague = Project.open(project.root, coder="other")
        colleague.codings.add(next(d.id for d in colleague.docs.all() if d.name == "SU02"), hope.id, 40, 50)
        app.screen.sync.poll()  # what the 2-second timer runs
        await pilot.pause()
        assert codebook_counts(app) == ["2/5"]
