"""Pseudonymisation: whole-word replacement, exact re-anchoring, crash safety, no real names left behind."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from qualtui.cli import cli
from qualtui.errors import QualtuiError
from qualtui.importers.plain import read_plain
from qualtui.safety.integrity import check
from qualtui.editing.pseudonymise import NameMap, OffsetMap, apply_edits, parse_mapping, pseudonymise_project
from qualtui.safety.repair import repair

TEXT = ("Interviewer: Hello John, and thank you.\n"
        "John: John Smith here. Johnny is my brother; Annabel and Ann came too.\n"
        "Interviewer: Did Ann help?\n"
        "John: ann did, yes.\n")
MAP = b"real,pseudonym\nJohn Smith,P1 Full\nJohn,P1\nAnn,P2\n"


@pytest.fixture
def study(project):
    doc = project.docs.add(read_plain(TEXT.encode(), "john.txt"), "Interview with John",
                           source="john_smith.txt", attributes={"interviewer": "Ann"})
    code = project.codes.create("Family", description="John talks about family")
    start = TEXT.index("Johnny")
    family = project.codings.add(doc.id, code.id, start, TEXT.index(";"), memo="John's brother")
    partial = project.codings.add(doc.id, code.id, TEXT.index("ohn Smith"), TEXT.index("mith") + 2)
    help_ = project.codings.add(doc.id, code.id, TEXT.index("Did"), TEXT.index("help?") + 5)
    project.memos.add("document", "John was tired", target=doc.id, title="About John")
    return project, doc, {"family": family.id, "partial": partial.id, "help": help_.id}


def map_file(tmp_path, data=MAP):
    path = tmp_path / "names.csv"
    path.write_bytes(data)
    return path


def test_whole_words_longest_first_and_case():
    names = parse_mapping(MAP)
    text, count = names.apply("John Smith, John, Johnny, Ann, Annabel, ann, John  Smith")
    assert text == "P1 Full, P1, Johnny, P2, Annabel, ann, P1 Full" and count == 4
    insensitive = parse_mapping(MAP, case_insensitive=True)
    assert insensitive.apply("ann ANN Ann")[0] == "P2 P2 P2"
    assert NameMap([("Sam", "Ann"), ("Ann", "Sam")]).apply("Sam met Ann")[0] == "Ann met Sam"  # swaps in one pass


@pytest.mark.parametrize("data, message", [
    (b"", "no names"), (b"John\n", "two cells"), (b"John,P1\nJohn,P2\n", "repeats"),
    (b"\xff\xfe\x00", "UTF-8"), (b"--,P1\n", "no usable"),
])
def test_bad_mapping_files(data, message):
    with pytest.raises(QualtuiError, match=message):
        parse_mapping(data)


def test_pseudonymise_re_anchors_and_covers_the_same_words(study, tmp_path):
    project, doc, ids = study
    result = CliRunner().invoke(cli, ["-p", str(project.root), "pseudonymise", "--map", str(map_file(tmp_path))])
    assert result.exit_code == 0, result.output
    text = project.docs.text(doc.id)
    assert "John" not in text.replace("Johnny", "") and "Ann " not in text
    assert "Annabel" in text and "ann did" in text  # not inside other words; case-sensitive by default
    get = lambda key: project.codings.get(doc.id, ids[key])  # noqa: E731
    assert text[get("family").start:get("family").end] == "Johnny is my brother"
    assert text[get("partial").start:get("partial").end] == "P1 Full"  # a coding inside a name covers the pseudonym
    assert text[get("help").start:get("help").end] == "Did P2 help?"
    assert get("family").memo == "P1's brother"
    turns = project.docs.turns(doc.id)
    assert [t.speaker for t in turns] == ["Interviewer", "P1", "Interviewer", "P1"]
    assert all(text[t.label_start:t.start].startswith(t.speaker) for t in turns)
    record = project.docs.by_id(doc.id)
    assert record.name == "Interview with P1" and record.attributes == {"interviewer": "P2"}
    assert record.speakers == ["Interviewer", "P1"] and record.length == len(text)
    assert project.codes.all()[0].description == "P1 talks about family"
    memo = project.memos.all(kind="document")[0]
    assert (memo.text, memo.title) == ("P1 was tired", "About P1")
    audit = (project.root / "audit.jsonl").read_text()
    assert not re.search(r"\bJohn\b|\bAnn\b", audit)
    assert '"action":"pseudonymise"' in audit
    assert check(project.root) == []
    assert not list(project.root.rglob("names.csv"))


def test_dry_run_changes_nothing(study, tmp_path):
    project, doc, ids = study
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["-p", str(project.root), "pseudonymize", "--map", str(map_file(tmp_path)),
                                      "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would replace" in result.output and "John" not in result.output
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before


def test_mapping_file_inside_the_project_is_refused(study):
    project = study[0]
    path = project.root / "names.csv"
    path.write_bytes(MAP)
    result = CliRunner().invoke(cli, ["-p", str(project.root), "pseudonymise", "--map", str(path)])
    assert result.exit_code == 1 and "inside the project" in str(result.exception)


def test_a_crash_before_the_commit_point_changes_nothing(study, monkeypatch):
    project, doc, ids = study
    import qualtui.editing.pseudonymise as module

    original_text = project.docs.text(doc.id)
    real = module._rewrite_audit

    def crash(*args):
        real(*args)
        raise KeyboardInterrupt  # every document is staged; nothing is committed

    monkeypatch.setattr(module, "_rewrite_audit", crash)
    with pytest.raises(KeyboardInterrupt):
        pseudonymise_project(project, parse_mapping(MAP))
    monkeypatch.undo()
    assert project.docs.text(doc.id) == original_text
    assert project.docs.get("Interview with John").attributes == {"interviewer": "Ann"}
    assert check(project.root) == [] and not (project.root / ".txn").exists()


def test_a_kill_after_the_commit_point_is_finished_by_repair(study, monkeypatch):
    project, doc, ids = study
    import stores.transaction as txn_module

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the manifest is written: the run is committed, nothing applied yet

    monkeypatch.setattr(txn_module, "apply", killed)
    with pytest.raises(KeyboardInterrupt):
        pseudonymise_project(project, parse_mapping(MAP))
    monkeypatch.undo()
    problems = check(project.root)
    assert [p.kind for p in problems] == ["interrupted"]
    assert "'pseudonymise'" in problems[0].message and "check --repair" in problems[0].message
    staged = b"".join(p.read_bytes() for p in (project.root / ".txn").iterdir())
    assert not re.search(rb"\bJohn\b|\bAnn\b", staged)  # what waits to be applied holds no real name
    report = repair(project.root)
    assert report.remaining == [] and any("pseudonymise" in line for line in report.fixed)
    text = project.docs.text(doc.id)
    coding = project.codings.get(doc.id, ids["help"])
    assert text[coding.start:coding.end] == "Did P2 help?"
    assert project.memos.all(kind="document")[0].text == "P1 was tired"
    assert check(project.root) == []
    audit = (project.root / "audit.jsonl").read_text()
    assert audit.count('"action":"pseudonymise"') == 1 and "John" not in audit


NAMES = ["ALICE", "BOB", "BOBBY", "JO ANN", "JO", "ZOË"]
FILLER = st.text(alphabet="abcdefxyz", min_size=1, max_size=6)
SEPARATOR = st.sampled_from([" ", ", ", ".\n", "\n", " - ", "'s "])


@st.composite
def documents(draw):
    tokens = draw(st.lists(st.one_of(st.sampled_from(NAMES), FILLER), min_size=1, max_size=40))
    seps = draw(st.lists(SEPARATOR, min_size=len(tokens), max_size=len(tokens)))
    text = "".join(t + s for t, s in zip(tokens, seps))
    spans = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=12))
    pseudonyms = draw(st.lists(st.sampled_from(["P", "Participant 12", "Xy", "Q-7"]), min_size=len(NAMES),
                               max_size=len(NAMES)))
    return text, [(min(a, b), max(a, b)) for a, b in spans if a != b], dict(zip(NAMES, pseudonyms))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_property_codings_cover_the_same_text_modulo_replacements(case):
    text, spans, mapping = case
    names = NameMap(list(mapping.items()))
    edits = names.edits(text)
    new_text = apply_edits(text, edits)
    offsets = OffsetMap(edits)
    for start, end in spans:
        # widen to whole names, as re-anchoring does, then replace names inside the span on its own
        for edit in edits:
            if edit.start < start < edit.end:
                start = edit.start
            if edit.start < end < edit.end:
                end = edit.end
        new_start, new_end = offsets.start(start), offsets.end(end)
        assert 0 <= new_start < new_end <= len(new_text)
        assert new_text[new_start:new_end] == names.apply(text[start:end])[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(documents())
def test_property_on_a_stored_project(tmp_path_factory, case):
    from qualtui.project import Project

    text, spans, mapping = case
    if not text.strip():
        return
    project = Project.init(tmp_path_factory.mktemp("p") / "p", coder="t")
    doc = project.docs.add(read_plain(text.encode(), "d.txt"), "d")
    stored = project.docs.text(doc.id)
    code = project.codes.create("c")
    added = project.codings.add_many(doc.id, [(code.id, a, min(b, len(stored))) for a, b in spans if a < min(b, len(stored))])
    names = NameMap(list(mapping.items()))
    pseudonymise_project(project, names)
    new_text = project.docs.text(doc.id)
    assert new_text == names.apply(stored)[0]
    for before in added:
        after = project.codings.get(doc.id, before.id)
        words = new_text[after.start:after.end]
        start, end = before.start, before.end
        for edit in names.edits(stored):
            start = edit.start if edit.start < start < edit.end else start
            end = edit.end if edit.start < end < edit.end else end
        assert words == names.apply(stored[start:end])[0]
    assert check(project.root) == []
    json.loads((project.root / "documents" / f"{doc.id}.turns.json").read_text())
