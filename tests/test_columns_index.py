"""The coding-columns index: what it says equals the codings files, and it is never trusted when stale or damaged."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualtui.cli import cli
from qualtui.model import Transcript, Turn
from qualtui.project import Project
from qualtui.services.coding_columns import COLUMNS, CodingColumns, columns_of
from stores import StoreError
from stores.layout import COLUMNS_INDEX

TEXT = "Interviewer: How was it on the ward?\nSam: Hard at first. Then the others helped me through it.\n"
TURNS = (Turn(13, 36, "Interviewer", 0), Turn(42, 94, "Sam", 37))


def truth(project: Project, doc_id: str, codes: set[str], coders: set[str] | None = None) -> CodingColumns:
    """The columns as the codings themselves give them (every record read, checked and cleaned)."""
    codings = [c for c in project.codings.for_document(doc_id, codes)
               if coders is None or c.coder.casefold() in coders]
    return CodingColumns(None, *([getattr(c, name) for c in codings]
                                 for name in ("id", "code", "start", "end", "coder", "created", "memo")))


def same(found: CodingColumns, expected: CodingColumns) -> bool:
    fields = ("id", "code", "start", "end", "coder", "created", "memo")
    return all(getattr(found, name) == getattr(expected, name) for name in fields)


def assert_exact(project: Project) -> None:
    for reader in (project, Project.open(project.root)):   # this process's index, and a fresh one's
        codes = [c.id for c in reader.codes.all()]
        for doc in reader.docs.all():
            for wanted in ({*codes}, {codes[0]}, {codes[-1]}):
                assert same(reader.codings.columns_of(doc.id, wanted), truth(reader, doc.id, wanted))
            assert same(reader.codings.columns_of(doc.id, {*codes}, {"bob"}), truth(reader, doc.id, {*codes}, {"bob"}))


@pytest.fixture
def study(tmp_path):
    project = Project.init(tmp_path / "study", name="study", coder="alice")
    docs = [project.docs.add(Transcript(TEXT, TURNS, "txt"), name) for name in ("SU01", "SU02", "SU03")]
    hard, help_ = project.codes.create("Hard start"), project.codes.create("Help from peers")
    for doc in docs:
        project.codings.add(doc.id, hard.id, 42, 60)
        project.codings.add(doc.id, help_.id, 61, 94, memo="peers, not staff")
        Project.open(project.root, coder="Bob").codings.add(doc.id, help_.id, 42, 94)
    return project, docs


def entries(project: Project) -> dict[str, dict]:
    return {e["doc"]: e for e in map(json.loads, (project.root / COLUMNS_INDEX).read_text().splitlines())}


def test_columns_are_the_codings_and_a_reader_leaves_them_indexed(study):
    project, docs = study
    assert not (project.root / COLUMNS_INDEX).exists()   # made by readers, not by every edit
    assert_exact(project)
    found = entries(project)
    assert set(found) == {d.id for d in docs}
    entry = found[docs[0].id]
    assert entry["coders"] == ["alice", "Bob"] and len(entry["id"].split("\n")) == 3   # ids as one string
    assert entry["start"] == [42, 42, 61] and entry["memo"] == [None, None, "peers, not staff"]


def test_an_edit_is_read_at_once_and_indexed_again(study):
    project, docs = study
    assert_exact(project)
    code = project.codes.get("Hard start")
    added = project.codings.add(docs[1].id, code.id, 0, 10)
    assert added.id in Project.open(project.root).codings.columns_of(docs[1].id, {code.id}).id
    project.codings.remove(docs[1].id, added.id)
    assert added.id not in Project.open(project.root).codings.columns_of(docs[1].id, {code.id}).id
    assert_exact(project)


@pytest.mark.parametrize("damage", [
    lambda p: p.unlink(),
    lambda p: p.write_bytes(b""),
    lambda p: p.write_bytes(b"\x00" * 300),
    lambda p: p.write_bytes(p.read_bytes()[:-40]),                                   # a torn last line
    lambda p: p.write_bytes(p.read_bytes().replace(b'"code":[', b'"code":[7,')),      # no such code, one too many
    lambda p: p.write_bytes(p.read_bytes().replace(b'"start":[42,42,61]', b'"start":[61,42,42]')),  # out of order
    lambda p: p.write_bytes(p.read_bytes().replace(b'"start":[42,42,61]', b'"start":[42,42,"61"]')),
    lambda p: p.write_bytes(p.read_bytes().replace(b'"coders":["alice"', b'"coders":["alice\\u001b[31m"')),
    lambda p: p.write_bytes(p.read_bytes().replace(b'"memo":[null,null,"peers', b'"memo":[null,null,"\\u009bpeers')),
    lambda p: p.write_bytes(p.read_bytes().replace(b'"created":"20', b'"created":"\\u202e20')),
    lambda p: p.write_bytes(p.read_bytes().replace(b'"id":"', b'"id":"extra\\n')),     # one id too many
])
def test_a_damaged_index_is_never_used(study, damage):
    project, docs = study
    assert_exact(project)
    index = project.root / COLUMNS_INDEX
    before = index.read_bytes()
    damage(index)
    assert not index.exists() or index.read_bytes() != before
    assert_exact(project)
    for doc in docs:   # nothing to clean ever reaches a reader
        columns = Project.open(project.root).codings.columns_of(doc.id, {c.id for c in project.codes.all()})
        assert all(value.isprintable() for value in [*columns.coder, *columns.created, *columns.id])


def test_a_codings_file_written_behind_the_index_is_read_again(study):
    project, docs = study
    assert_exact(project)
    path = project.store.codings_path(docs[1].id)
    data = json.loads(path.read_bytes())
    for record in data["codings"].values():
        record["start"] = 0
    path.write_text(json.dumps(data))          # a hand edit: a new signature
    code = project.codes.get("Hard start")
    assert Project.open(project.root).codings.columns_of(docs[1].id, {code.id}).start == [0]
    assert_exact(project)


def test_an_odd_codings_file_goes_through_the_checked_reader(study):
    project, docs = study
    path = project.store.codings_path(docs[2].id)
    data = json.loads(path.read_bytes())
    record = next(r for r in data["codings"].values() if r["memo"])
    record["memo"] = "peers\x1b[31m, not staff"    # something to clean
    del record["created"]                        # as an older version wrote it
    path.write_text(json.dumps(data))
    code = project.codes.get("Help from peers")
    columns = Project.open(project.root).codings.columns_of(docs[2].id, {code.id})
    assert "peers, not staff" in columns.memo and "" in columns.created
    assert entries(project)[docs[2].id] == {**entries(project)[docs[2].id], "odd": True}
    assert_exact(project)
    record["start"] = "42"                       # a coding no reader can use
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="cannot be read"):
        Project.open(project.root).codings.columns_of(docs[2].id, {code.id})


def test_check_reports_an_index_that_disagrees_and_repair_rebuilds_it(study):
    project, docs = study
    assert_exact(project)
    index = project.root / COLUMNS_INDEX
    tampered = dict(entries(project)[docs[1].id], start=[0, 0, 0])   # right signature, wrong offsets
    index.write_text(index.read_text() + json.dumps(tampered) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["-p", str(project.root), "check"])
    assert result.exit_code == 1
    assert f"{COLUMNS_INDEX}: disagrees with the codings of 'SU02'" in result.output
    result = runner.invoke(cli, ["-p", str(project.root), "check", "--repair"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["-p", str(project.root), "check"]).exit_code == 0
    assert_exact(project)


def test_inside_a_transaction_the_staged_codings_are_read(study):
    project, docs = study
    assert_exact(project)
    code = project.codes.get("Hard start")
    with project.store.transaction("test"):
        added = project.codings.add(docs[0].id, code.id, 0, 5)
        assert project.codings.columns_of(docs[0].id, {code.id}).id == [added.id, *truth(project, docs[0].id,
                                                                                          {code.id}).id[1:]]
    assert_exact(project)


def test_retrieve_prints_the_same_with_and_without_the_index(study):
    project, docs = study
    runner = CliRunner()
    args = ["-p", str(project.root), "retrieve", "Help from peers", "--format", "json"]
    without = runner.invoke(cli, args).output
    assert (project.root / COLUMNS_INDEX).exists()
    assert runner.invoke(cli, args).output == without and json.loads(without)


_label = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cf")), max_size=12)
_record = st.fixed_dictionaries({
    "id": st.text(min_size=0, max_size=8),                      # ids are never cleaned: newlines and all
    "document": st.just("d"), "code": st.sampled_from(["a", "b", "c"]),
    "start": st.integers(0, 50), "end": st.integers(0, 60), "coder": _label,
    "created": st.one_of(st.none(), _label), "memo": st.one_of(st.none(), st.text(max_size=10)),
})


@settings(max_examples=300, deadline=None)
@given(st.lists(_record, max_size=8))
def test_an_entry_reads_back_as_written(records):
    made = columns_of([dict(r) for r in records], (1, 2, 3, 4))
    line = json.loads(json.dumps(COLUMNS.to_json(made), ensure_ascii=False))
    assert COLUMNS.from_json(line, (1, 2, 3, 4)) == made
    if not made.odd:
        assert made.start == sorted(made.start) and len(made) == len(records)


@pytest.mark.parametrize("index", [COLUMNS_INDEX, ".qualtui.turns.jsonl", ".qualtui.index.jsonl"])
def test_something_else_in_an_index_s_place_is_reported_and_a_fifo_is_replaced(study, index):
    import os

    project, _docs = study
    assert_exact(project)
    path = project.root / index
    path.unlink(missing_ok=True)
    os.mkfifo(path, 0o600)   # every read would recount, and nothing be indexed
    runner = CliRunner()
    result = runner.invoke(cli, ["-p", str(project.root), "check"])
    assert result.exit_code == 1 and f"{index}: is not a regular file where qualtui keeps an index" in result.output
    assert runner.invoke(cli, ["-p", str(project.root), "check", "--repair"]).exit_code == 0
    assert path.is_file() and runner.invoke(cli, ["-p", str(project.root), "check"]).exit_code == 0
    assert_exact(project)
    path.unlink()
    path.mkdir()   # a folder may hold something of the user's: reported, never removed
    result = runner.invoke(cli, ["-p", str(project.root), "check", "--repair"])
    assert result.exit_code == 1 and f"{index}: is a folder where qualtui keeps an index" in result.output
    assert path.is_dir()
    path.rmdir()
    path.symlink_to(project.root / "qualtui.json")
    result = runner.invoke(cli, ["-p", str(project.root), "check"])
    assert result.exit_code == 1 and "it is an index qualtui rebuilds" in result.output
