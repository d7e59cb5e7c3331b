"""The Framework matrix is exported a case (row) at a time; the text is what the whole-text render gave.

The oracle below is the Markdown render as it was before it streamed (built whole, its end stripped
once): summaries ending in blank lines and spaces, and cases without segments, are where a part's
end could differ.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualtui.analysis.framework import build_framework
from qualtui.reports import framework_export as fx
from qualtui.reports import usermd
from qualtui.reports.markdown import md_escape
from qualtui.reports.wording import counted
from qualtui.services.framework import doc_case

SUMMARIES = st.none() | st.sampled_from(["Peers help.", "ends in spaces   ", "ends in lines\n\n\n", "a\n\n  b  \n"])


def whole_markdown(project, matrix, *, with_quotes: bool) -> str:
    out = [f"# {md_escape(fx._title(project, matrix))}", ""]
    out.append("| Case | " + " | ".join(md_escape(c.label) for c in matrix.columns) + " |")
    out.append("|---|" + "---|" * len(matrix.columns))
    for case in matrix.cases:
        cells = []
        for column in matrix.columns:
            cell = matrix.cell(case, column)
            cells.append(usermd.one_line(cell.summary.text) if cell.summary else
                         (f"*{counted(len(cell.codings), 'segment')}, no summary*" if cell.codings else "\u2013"))
        out.append(f"| {md_escape(case.label)} | " + " | ".join(cells) + " |")
    out.append("")
    for case in matrix.cases:
        out += [f"## {md_escape(case.label)}", ""]
        for column in matrix.columns:
            cell = matrix.cell(case, column)
            if not cell.summary and not cell.codings:
                continue
            out += [f"### {md_escape(column.label)}", ""]
            out += [usermd.as_written(cell.summary.text) if cell.summary else "*No summary yet.*", ""]
            for q in (matrix.quotes(project, cell) if with_quotes else []):
                out += [f"> {md_escape(q.text)}", ">", f"> \u2014 *{md_escape(q.citation)}*", ""]
    return "\n".join(out).rstrip() + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), SUMMARIES), min_size=1, max_size=4), st.booleans())
def test_markdown_parts_join_to_the_whole_render(project, rows, with_quotes):
    code = project.codes.find("Theme") or project.codes.create("Theme")
    for doc in project.docs.all():
        project.docs.delete(doc.id)
    from qualtui.model import Transcript

    for i, (coded, summary) in enumerate(rows):
        doc = project.docs.add(Transcript(f"Ana: answer number {i}\n", (), "txt"), f"D{i}")
        if coded:
            project.codings.add(doc.id, code.id, 5, 11)
        if summary:
            project.framework.set(doc_case(doc.id), code.id, summary)
    matrix = build_framework(project)
    parts = list(fx.framework_markdown_parts(project, matrix, with_quotes=with_quotes))
    assert "".join(parts) == whole_markdown(project, matrix, with_quotes=with_quotes)
    assert len(parts) >= sum(1 for coded, summary in rows if coded or summary)   # a part per case shown
