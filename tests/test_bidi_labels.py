"""Bidirectional overrides ("Trojan source" characters) never reach a one-line name; transcript text keeps them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.importers.plain import read_plain
from qualtui.project import Project

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
BIDI = (RLO, PDF, LRI, PDI, "\u202a", "\u202b", "\u202d", "\u2067", "\u2068")


def test_names_typed_with_bidi_overrides_are_stored_and_shown_without_them(tmp_path):
    project = Project.init(tmp_path / "p", coder=f"ana{RLO}x")
    assert RLO not in project.coder
    code = project.codes.create(f"Hope{RLO}egap{PDF} and role models")
    assert code.name == "Hopeegap and role models"
    text = f"Sam: ما هو {RLO}reversed{PDF} here\nAna: ok\nSam: again\nAna: fine\n"
    doc = project.docs.add(read_plain(text.encode(), "a.txt"), f"SU{LRI}01{PDI}", attributes={f"g{RLO}": f"v{PDF}"})
    assert doc.name == "SU01" and doc.attributes == {"g": "v"}
    assert RLO in project.store.read_text(doc.id)                        # the transcript text is not touched
    out = CliRunner().invoke(cli, ["codes", "-p", str(project.root), "--format", "json"]).stdout
    assert not any(ch in out for ch in BIDI)


def test_a_stored_name_with_overrides_is_cleaned_when_read(tmp_path):
    project = Project.init(tmp_path / "p", coder="ana")
    code = project.codes.create("Stigma")
    path = project.root / "qualtui.json"
    data = json.loads(path.read_text())
    data["codes"][code.id]["name"] = f"Stig{RLO}am"                      # an older version or a hand edit
    path.write_text(json.dumps(data, ensure_ascii=False))
    assert project.codes.by_id(code.id).name == "Stigam"
    out = CliRunner().invoke(cli, ["codes", "-p", str(project.root)]).stdout
    assert "Stigam" in out and RLO not in out
