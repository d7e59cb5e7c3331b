"""Search options, the sentence splitter, and property tests for both."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qualtui.analysis.corpus import Corpus, Scope
from qualtui.analysis.search import SearchQuery, search
from qualtui.text.sentences import sentence_around, split_sentences
from qualtui.errors import QualtuiError
from test_analysis_project import TEXTS, build_project, built  # noqa: F401  (fixture)


def hits(built, pattern, *, context=0, **options):
    scope = {k: options.pop(k) for k in ("attributes", "documents") if k in options}
    corpus = Corpus(built.project, Scope.build(built.project, **scope))
    result = search(corpus, SearchQuery(pattern, **options), context=context)
    return result


def where(result):
    return [(h.document, h.first_line, h.text) for h in result.hits]


def test_plain_search_ignores_case_by_default(built):
    result = hits(built, "hard")
    assert where(result) == [
        ("ST01", 1, "hard"), ("ST01", 2, "hard"), ("ST02", 2, "hard"), ("ST02", 3, "Hard"),
        ("SU01", 2, "hard"), ("SU01", 4, "hard"),                   # inside "hardly"
    ]
    assert (result.truncated, result.documents) == (False, 3)
    first = result.hits[0]
    assert (first.speaker, first.before, first.after) == ("Interviewer", "Interviewer: What is ", " about the job?")


def test_case_sensitive_and_whole_word(built):
    assert len(hits(built, "hard", case_sensitive=True).hits) == 5
    assert [h.text for h in hits(built, "hard", whole_word=True).hits].count("hard") == 4
    assert len(hits(built, "hard", whole_word=True).hits) == 5
    assert len(hits(built, "hard", whole_word=True, case_sensitive=True).hits) == 4
    assert where(hits(built, "Dr.", whole_word=True)) == [("SU01", 4, "Dr.")]   # punctuation at the edge


def test_regex_search_and_bad_regex(built):
    assert where(hits(built, r"hard\w+", regex=True)) == [("SU01", 4, "hardly")]
    assert where(hits(built, r"^Hard", regex=True, case_sensitive=True)) == [("ST02", 3, "Hard")]
    assert len(hits(built, "hard.", regex=False).hits) == 1               # the dot is literal
    with pytest.raises(QualtuiError, match=r"bad regular expression '\(unclosed': missing \)"):
        hits(built, "(unclosed", regex=True)
    with pytest.raises(QualtuiError, match="empty"):
        hits(built, "")


def test_speaker_and_attribute_restrictions(built):
    assert where(hits(built, "hard", speakers=("interviewer",))) == [("ST01", 1, "hard")]
    sam = hits(built, "hard", speakers=("Sam",))
    assert [h.speaker for h in sam.hits] == ["Sam", "Sam"]
    assert len(hits(built, "hard", speakers=("Sam", "Jo")).hits) == 4
    assert hits(built, "Interviewer", speakers=("Interviewer",)).hits == ()   # labels are not speech
    assert [h.document for h in hits(built, "hard", attributes=["group=staff"]).hits] == ["ST01"] * 2 + ["ST02"] * 2
    assert [h.document for h in hits(built, "hard", documents=["SU01"]).hits] == ["SU01", "SU01"]


def test_limit_and_zero_length_matches(built):
    result = hits(built, "hard", limit=2)
    assert (len(result.hits), result.truncated) == (2, True)
    assert hits(built, "hard", limit=6).truncated is False
    assert hits(built, "z*", regex=True).hits == ()        # no z anywhere: only empty matches
    with pytest.raises(QualtuiError, match="at least 1"):
        hits(built, "hard", limit=0)


def test_search_context_lines(built):
    result = hits(built, "vital", context=1)
    (hit,) = result.hits
    assert hit.before == "Interviewer: Tell me about support.\nJo: Peer support is "
    assert hit.after == ". It is hard to get time for it.\nHard, really."


# the sentence splitter --------------------------------------------------------

def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    ("It was hard. Then it got better! Did it?", ["It was hard.", "Then it got better!", "Did it?"]),
    ("Dr. Lee and Mrs. Jones came. They left.", ["Dr. Lee and Mrs. Jones came.", "They left."]),
    ("We tried e.g. walking, i.e. exercise. It helped.", ["We tried e.g. walking, i.e. exercise.", "It helped."]),
    ("I was... you know... tired... Then I slept.", ["I was... you know... tired...", "Then I slept."]),
    ("Wait\u2026 What?! No way.", ["Wait\u2026", "What?!", "No way."]),
    ('He said "stop." Then I stopped.', ['He said "stop."', "Then I stopped."]),
    ("J. K. Rowling wrote it. Fine.", ["J. K. Rowling wrote it.", "Fine."]),
    ("Room no. 5 of 3.5 metres. OK", ["Room no. 5 of 3.5 metres.", "OK"]),
    ("First line\nSecond line", ["First line", "Second line"]),
    ("a wrapped\nsentence goes on. Next", ["a wrapped\nsentence goes on.", "Next"]),
    ("para one\n\nnext para", ["para one", "next para"]),
    ("  \n ", []),
    ("(laughs) Yes. [pause] no.", ["(laughs) Yes.", "[pause] no."]),
])
def test_split_sentences(text, expected):
    assert sentences(text) == expected


def test_split_sentences_within_a_region_and_sentence_around():
    text = "Sam: It was hard. I coped.\nJo: Fine."
    spans = split_sentences(text, 5, text.index("\n"))
    assert [text[s:e] for s, e in spans] == ["It was hard.", "I coped."]
    hard = text.index("hard")
    assert sentence_around(spans, hard, hard + 4) == spans[0]
    assert sentence_around(spans, hard, text.index("coped")) == (spans[0][0], spans[1][1])
    assert sentence_around(spans, 17, 18) is None        # only the space between them


_PIECES = st.sampled_from(["Dr.", "e.g.", "word", "Word", "...", "\u2026", "?!", ".", "!", "?", " ", "  ", "\n",
                           "\n\n", '"', ")", "3.5", "a", "I", "no.", "\t", "x.y"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.data())
def test_sentences_cover_non_space_text_in_order_without_overlap(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans = split_sentences(text, start, end)
    position = start
    for s, e in spans:
        assert position <= s < e <= end
        assert text[position:s].strip() == ""            # only whitespace between sentences
        assert not text[s].isspace() and not text[e - 1].isspace()
        position = e
    assert text[position:end].strip() == ""
    assert "".join("".join(text[s:e].split()) for s, e in spans) == "".join(text[start:end].split())


# search offsets, property-tested ---------------------------------------------------

@pytest.fixture(scope="module")
def search_corpus(tmp_path_factory):
    from qualtui.project import Project

    project = Project.init(tmp_path_factory.mktemp("search") / "p", coder="tester")
    build_project(project)
    return Corpus(project)


_PATTERN_CHARS = st.sampled_from(list("hardHARDtiesao .,\n") + ["\\w", "\\b", ".", "+", "?", "[a-e]", "(?:s|t)", "ß"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PATTERN_CHARS, min_size=1, max_size=5).map("".join), st.booleans(), st.booleans(), st.booleans())
@example("h??", True, False, False)
def test_every_hit_matches_the_pattern_where_it_was_found(search_corpus, pattern, regex, case_sensitive, word):
    query = SearchQuery(pattern, regex=regex, case_sensitive=case_sensitive, whole_word=word, limit=10_000)
    try:
        result = search(search_corpus, query)
    except QualtuiError:
        assert regex                                     # only a regex can be malformed
        return
    compiled = query.compile()
    texts = {v.id: v.text for v in search_corpus.documents}
    for hit in result.hits:
        assert texts[hit.document_id][hit.start:hit.end] == hit.text != ""
        found = compiled.match(texts[hit.document_id], hit.start)
        assert found is not None
        if found.end() != hit.end:
            # a zero-length match is skipped, and the search tries the same place again for a non-empty one, as
            # re.finditer does: 'h??' matches nothing first, then 'h'
            assert found.end() == hit.start and compiled.fullmatch(texts[hit.document_id], hit.start, hit.end)
        if not regex:
            assert re.fullmatch(re.escape(pattern), hit.text, 0 if case_sensitive else re.IGNORECASE)
        if word:
            text = texts[hit.document_id]
            assert hit.start == 0 or not re.match(r"\w", text[hit.start - 1])
            assert hit.end == len(text) or not re.match(r"\w", text[hit.end])
    if not regex and case_sensitive and not word:
        expected = []
        for view in search_corpus.documents:
            position = view.text.find(pattern)
            while position != -1:
                expected.append((view.id, position))
                position = view.text.find(pattern, position + len(pattern))
        assert [(h.document_id, h.start) for h in result.hits] == expected


@pytest.mark.parametrize("fmt,limit", [("table", 1000), ("table", 3), ("csv", 1000), ("json", 2)])
def test_cli_prints_hits_as_found_with_the_text_of_the_whole_list(built, fmt, limit):
    """Printed a document at a time, the output is what ``emit`` printed for every hit at once."""
    import click
    from click.testing import CliRunner

    from qualtui.cli import cli
    from qualtui.cli.common import emit, warn

    result = hits(built, "hard", limit=limit)
    rows = [{"document": h.document, "document_id": h.document_id, "start": h.start, "end": h.end,
             "lines": h.lines, "first_line": h.first_line, "last_line": h.last_line, "speaker": h.speaker,
             "text": h.text, "before": h.before, "after": h.after,
             "left": ("\u2026" if len(h.before) > 24 else "") + h.before[-24:], "right": h.after[:30]}
            for h in result.hits]

    def whole() -> None:
        if fmt == "table":
            emit(rows, ["document", "lines", "speaker", "left", "text", "right"], fmt,
                 headers=["document", "lines", "speaker", "before", "match", "after"])
        else:
            emit(rows, ["document", "document_id", "start", "end", "first_line", "last_line", "lines", "speaker",
                        "text", "before", "after"], fmt)
        if result.truncated:
            warn(f"stopped after {limit} hits; use --limit to see more")
        elif fmt == "table":
            click.echo(f"{len(rows)} hits in 3 documents searched", err=True)

    expected = CliRunner().invoke(click.command()(whole))
    got = CliRunner().invoke(cli, ["search", "-p", str(built.project.root), "hard",
                                                   "--limit", str(limit), "--format", fmt])
    assert (got.exit_code, got.stdout, got.stderr) == (0, expected.stdout, expected.stderr)
    assert result.truncated == (limit < 6)
