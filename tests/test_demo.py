"""The demo project: bundled fictional transcripts, starter codebook, two coders' codings, memos."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from qualtui.demo import build as demo
from qualtui.errors import QualtuiError
from qualtui.project import Project

INTERVIEWER = {"SU01": "Interviewer", "SU02": "INTERVIEWER", "SU03": "I",
               "ST01": "Rebecca Hall", "ST02": "Rebecca Hall", "ST03": "Interviewer"}
PARTICIPANT = {"SU01": "Participant", "SU02": "MARCUS", "SU03": "P",
               "ST01": "Grace Okafor", "ST02": "Tom Brennan", "ST03": "Jo"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    return demo.create_demo(tmp_path_factory.mktemp("demo") / "qualtui-demo")


def test_the_docx_and_vtt_importers_the_demo_needs_are_installed():
    from qualtui.importers import supported_extensions

    missing = {".txt", ".docx", ".vtt"} - set(supported_extensions())
    assert not missing, f"the demo transcripts need importers for {sorted(missing)}"


def test_six_documents_with_group_role_and_realistic_length(built):
    docs = {d.name: d for d in built.docs.all()}
    assert sorted(docs) == ["ST01", "ST02", "ST03", "SU01", "SU02", "SU03"]
    assert Counter(d.source_format for d in docs.values()) == {"txt": 2, "docx": 2, "vtt": 2}
    for name, doc in docs.items():
        expected_group = "service user" if name.startswith("SU") else "staff"
        assert doc.attributes["group"] == expected_group
        assert 2500 <= doc.words <= 5000, (name, doc.words)
    assert {docs[n].attributes["role"] for n in ("SU01", "SU02", "SU03")} == {"patient"}
    assert [docs[n].attributes["role"] for n in ("ST01", "ST02", "ST03")] == [
        "nurse", "occupational therapist", "peer support worker"]


def test_every_transcript_has_the_interviewer_and_the_participant_as_speakers(built):
    for doc in built.docs.all():
        turns = Counter(t.speaker for t in built.docs.turns(doc.id))
        assert set(doc.speakers) == {INTERVIEWER[doc.name], PARTICIPANT[doc.name]}, doc.name
        # Both sides talk many times: labels were detected throughout, not just once.
        assert turns[INTERVIEWER[doc.name]] >= 40 and turns[PARTICIPANT[doc.name]] >= 40, (doc.name, turns)
        assert turns[None] <= 1  # at most the header line of a transcript


def test_teams_vtt_keeps_cue_times_over_a_realistic_interview(built):
    turns = built.docs.turns(built.docs.get("ST01").id)
    assert turns[0].begin_ms is not None and turns[0].begin_ms < 10_000
    assert 45 * 60_000 <= turns[-1].end_ms <= 60 * 60_000


def test_starter_codebook_has_candidate_themes_with_described_distinct_codes(built):
    codes = built.codes.all()
    themes = [c for c in codes if c.parent is None]
    assert len(themes) == 3 and not any(t.codable for t in themes)
    children = [c for c in codes if c.parent is not None]
    assert 10 <= len(children) <= 12
    assert all(c.codable and c.description for c in children)
    assert all(built.codes.children(t.id) for t in themes)
    assert len({c.color for c in codes}) == len(codes)
    assert sum(bool(c.inclusion) for c in children) >= 8


def test_codings_cover_the_intended_phrases(built):
    text = {d.name: built.docs.text(d.id) for d in built.docs.all()}
    docs = {d.id: d.name for d in built.docs.all()}
    names = {c.id: c.name for c in built.codes.all()}
    codings = list(built.codings.iter_all())
    assert len(codings) == len(demo.PASSAGES) >= 36
    found = Counter((docs[c.document], c.coder, names[c.code], text[docs[c.document]][c.start:c.end])
                    for c in codings)
    for passage in demo.PASSAGES:
        matches = [key for key in found if key[:3] == (passage.document, passage.coder, passage.code)
                   and key[3].startswith(passage.first) and key[3].endswith(passage.last or passage.first)]
        assert matches, passage
    # A few spelled out, so the test does not only restate the plan.
    su01 = text["SU01"]
    living_proof = [su01[c.start:c.end] for c in codings if docs[c.document] == "SU01"
                    and names[c.code] == "Hope and role models" and c.coder == "demo-alice"]
    assert living_proof == ["She's living proof, I suppose. That's what I said to her once, you're living proof. "
                            "And she laughed and said, I'm living proof you can survive Tuesdays on Elm Ward. "
                            "[laughs] But she knew what I meant."]
    keys = [text["ST01"][c.start:c.end] for c in codings if docs[c.document] == "ST01"
            and names[c.code] == "Power and control"]
    assert len(keys) == 1 and keys[0].startswith("We hold the keys. Literally.")
    assert keys[0].endswith("So they can be more honest with her.")
    cliff = [text["ST03"][c.start:c.end] for c in codings if docs[c.document] == "ST03"
             and names[c.code] == "Discharge and moving on"]
    assert cliff == ["We built him up and then dropped him off a cliff."]


def test_two_coders_double_code_one_transcript(built):
    by_doc = {}
    for coding in built.codings.iter_all():
        by_doc.setdefault(built.docs.by_id(coding.document).name, set()).add(coding.coder)
    assert set().union(*by_doc.values()) == {"demo-alice", "demo-bob"}
    double = [name for name, coders in by_doc.items() if len(coders) == 2]
    assert double == ["SU01"]
    su01 = built.codings.for_document(built.docs.get("SU01").id)
    alice = {(c.code, c.start, c.end) for c in su01 if c.coder == "demo-alice"}
    bob = {(c.code, c.start, c.end) for c in su01 if c.coder == "demo-bob"}
    assert alice & bob and alice - bob and bob - alice  # some agreement, some disagreement


def test_a_reflexive_journal_entry_and_a_code_memo(built):
    journal = built.memos.all(kind="project")
    assert len(journal) == 1 and journal[0].author == "demo-alice" and "position" in journal[0].text
    code_memos = built.memos.all(kind="code")
    assert len(code_memos) == 1 and built.codes.by_id(code_memos[0].target).name == "Peer role tensions"
    assert sum(1 for c in built.codings.iter_all() if c.memo) == 2


def test_span_of_fails_loudly_on_a_missing_or_repeated_phrase():
    text = "She said yes. Then she said no. Then she left."
    assert demo._span_of(text, "Then she said no.") == (14, 31)
    assert demo._span_of(text, "Then she said", "left.") == (14, 46)
    assert demo._span_of(text, "She said yes.", "yes.") == (0, 13)
    with pytest.raises(QualtuiError, match="not found"):
        demo._span_of(text, "maybe")
    with pytest.raises(QualtuiError, match="found 2 times"):
        demo._span_of(text, "Then she")
    with pytest.raises(QualtuiError, match="not found after"):
        demo._span_of(text, "Then she left.", "yes.")


def test_a_stale_phrase_stops_the_demo_before_anything_is_written(tmp_path, monkeypatch):
    stale = demo.Passage("SU01", demo.ALICE, "Stigma", "a sentence nobody ever said")
    monkeypatch.setattr(demo, "PASSAGES", (*demo.PASSAGES, stale))
    with pytest.raises(QualtuiError, match="nobody ever said"):
        demo.create_demo(tmp_path / "demo")
    assert not (tmp_path / "demo").exists()


def test_a_failure_half_way_removes_the_half_built_project(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk trouble")

    monkeypatch.setattr(demo.Project, "open", broken)
    (tmp_path / "empty").mkdir()
    with pytest.raises(OSError):
        demo.create_demo(tmp_path / "empty")
    assert list((tmp_path / "empty").iterdir()) == []
    with pytest.raises(OSError):
        demo.create_demo(tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_cli_demo_without_a_terminal_prints_where_the_project_is(tmp_path):
    from qualtui.cli import cli

    target = tmp_path / "my demo"
    result = CliRunner().invoke(cli, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    assert str(target) in result.output and "qualtui open -p" in result.output
    assert "6 transcripts" in result.output
    assert len(Project.open(target).docs.all()) == 6


def test_cli_demo_defaults_to_a_new_folder_in_the_current_directory(tmp_path, monkeypatch):
    from qualtui.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "qualtui-demo").mkdir()
    (tmp_path / "qualtui-demo" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "qualtui-demo-2" in result.output
    assert Project.open(tmp_path / "qualtui-demo-2").docs.get("SU01")
    assert (tmp_path / "qualtui-demo" / "notes.txt").read_text() == "mine"


def test_cli_demo_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    from qualtui.cli import main

    target = tmp_path / "busy"
    target.mkdir()
    (target / "thesis.docx").write_bytes(b"not mine to touch")
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", str(target)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("qualtui: error: ") and "not empty" in err and err.count("\n") == 1
    assert sorted(p.name for p in target.iterdir()) == ["thesis.docx"]
    with pytest.raises(QualtuiError, match="not empty"):
        demo.create_demo(target)


def test_a_second_demo_in_the_same_folder_is_refused(built):
    with pytest.raises(QualtuiError, match="not empty"):
        demo.create_demo(built.root)


def test_sample_folder_ships_only_transcripts_and_the_readme():
    folder = demo.samples_dir()  # the source checkout, or the installed copy under <prefix>/share
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(["README.md", *(s.file for s in demo.SAMPLES)])
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "fictional" in readme.lower()
    assert all(s.file in readme for s in demo.SAMPLES)


def test_the_demo_shows_co_occurrence_with_overlapping_codings_of_one_coder(built):
    from qualtui.analysis.cooccurrence import cooccurrence
    from qualtui.analysis.corpus import Corpus

    pairs = cooccurrence(Corpus(built), unit="span")
    names = {(p.code_a.rsplit("/", 1)[-1], p.code_b.rsplit("/", 1)[-1]) for p in pairs}
    assert ("Peer role tensions", "Power and control") in names
    assert ("Medication and side-effects", "Stigma") in names
    overlapping = 0
    for doc in built.docs.all():
        alice = [c for c in built.codings.for_document(doc.id) if c.coder == "demo-alice"]
        overlapping += sum(1 for a in alice for b in alice
                           if a.id < b.id and a.code != b.code and a.start < b.end and b.start < a.end)
    assert overlapping >= 3


def test_the_demo_opens_with_codes_pinned_to_the_number_keys(built, tmp_path):
    import asyncio

    from tui.app import QualtuiApp
    from tui.widgets.status_bar import RecentCodes
    from qualtui.config import Settings
    from qualtui.demo import PINNED

    async def run() -> str:
        app = QualtuiApp(built.root, coder="visitor", settings=Settings(), auto_backup=False,
                         state_dir=tmp_path / "state", pin_codes=PINNED)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return str(app.screen.query_one(RecentCodes).render())

    footer = asyncio.run(run())
    assert "1^ Shared" in footer and "2^ Power" in footer and "3^ Stigma" in footer
