"""The .qdpx is written a document at a time: its bytes are those of the whole tree built and serialised at once.

The oracle: project.qde parsed back and serialised whole (``ET.indent`` then ``ET.tostring``, what the
export did before it streamed), and the zip rebuilt in memory with ``ZipFile.writestr``.
"""

from __future__ import annotations

import io
import os
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from qualtui.model import Transcript
from qualtui.project import Project
from qualtui.refi.export import build_qdpx, export_qdpx
from stores.records import CorruptFileError
from test_refi_helpers import rich_project, validate_qde
from test_refi_roundtrip import build, projects

# The namespace declarations renamed so that parsing keeps plain tag names (ET would write ns0: prefixes).
_RENAMES = ((b' xmlns="', b' xmlns_default="'), (b' xmlns:xsi="', b' xmlns_xsi="'),
            (b' xsi:schemaLocation="', b' xsi_schemaLocation="'))


def whole_tree(qde: bytes) -> bytes:
    """*qde* parsed and serialised as one tree, as ``serialise`` did before the export streamed."""
    for name, plain in _RENAMES:
        qde = qde.replace(name, plain, 1)
    root = ET.fromstring(qde)
    ET.indent(root, "  ")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()
    for name, plain in _RENAMES:
        body = body.replace(plain, name, 1)
    return body


def whole_zip(data: bytes) -> bytes:
    """The same entries written into an in-memory zip, each at once (as the export did before)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o100600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read(entry.filename), compresslevel=6)
    return buffer.getvalue()


def assert_streamed_as_whole(project: Project) -> bytes:
    data, _ = build_qdpx(project)
    qde = zipfile.ZipFile(io.BytesIO(data)).read("project.qde")
    validate_qde(qde)
    assert qde == whole_tree(qde)
    assert data == whole_zip(data)
    return data


def test_a_rich_project_streams_as_the_whole_tree(tmp_path):
    qde = zipfile.ZipFile(io.BytesIO(assert_streamed_as_whole(rich_project(tmp_path / "p")))).read("project.qde")
    assert qde.count(b"<TextSource ") == 2 and b"<Notes>" in qde and b"\n  <NoteRef " in qde


def test_projects_without_documents_codes_or_anything_stream_as_the_whole_tree(tmp_path):
    empty = Project.init(tmp_path / "empty", coder="ana")
    data = assert_streamed_as_whole(empty)
    assert zipfile.ZipFile(io.BytesIO(data)).read("project.qde").rstrip().endswith(b" />")   # nothing inside
    codes_only = Project.init(tmp_path / "codes", coder="ana")
    codes_only.codes.create("Alone")
    assert_streamed_as_whole(codes_only)
    texts_only = Project.init(tmp_path / "texts", coder="ana")
    texts_only.docs.add(Transcript("Ana: hello\n", (), "txt"), "uncoded")
    assert_streamed_as_whole(texts_only)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(projects())
def test_any_project_streams_as_the_whole_tree(spec):
    with tempfile.TemporaryDirectory() as tmp:
        assert_streamed_as_whole(build(Path(tmp) / "p", spec))


def test_export_writes_the_built_bytes_and_leaves_no_temp_file(tmp_path):
    project = rich_project(tmp_path / "p")
    out = tmp_path / "out"
    out.mkdir()
    export_qdpx(project, out / "a.qdpx")
    assert (out / "a.qdpx").read_bytes() == build_qdpx(project)[0]
    assert os.listdir(out) == ["a.qdpx"]
    assert (out / "a.qdpx").stat().st_mode & 0o777 == 0o600


def test_a_failure_half_way_leaves_the_old_file_and_no_temp_file(tmp_path):
    project = rich_project(tmp_path / "p")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.qdpx").write_bytes(b"the previous export")
    last = project.docs.all()[-1]
    (tmp_path / "p" / "documents" / f"{last.id}.json").write_text("{not json", encoding="utf-8")
    fresh = Project.open(tmp_path / "p")
    with pytest.raises(CorruptFileError):
        export_qdpx(fresh, out / "a.qdpx")
    assert (out / "a.qdpx").read_bytes() == b"the previous export"
    assert os.listdir(out) == ["a.qdpx"]
