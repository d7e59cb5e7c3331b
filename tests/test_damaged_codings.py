"""A hand-damaged codings file: one line naming it from every reader, check reports it, repair fixes it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.model import Transcript, Turn
from qualtui.project import Project

TEXT = "Interviewer: How was it on the ward?\nSam: Hard at first. Then the others helped me through it.\n"
TURNS = (Turn(13, 36, "Interviewer", 0), Turn(42, 94, "Sam", 37))


def damage_offset(data: dict) -> None:
    record = next(iter(data["codings"].values()))
    record["start"] = str(record["start"])          # an offset in quotes


def damage_record(data: dict) -> None:
    data["codings"]["not-a-record"] = 5


def damage_coder(data: dict) -> None:
    next(iter(data["codings"].values()))["coder"] = None


def damage_table(data: dict) -> None:
    data["codings"] = list(data["codings"].values())   # a table stored as a list


@pytest.mark.parametrize("damage", [damage_offset, damage_record, damage_coder, damage_table])
def test_every_reader_says_one_line_and_repair_mends_it(tmp_path, damage):
    project = Project.init(tmp_path / "study", name="study", coder="alice")
    doc = project.docs.add(Transcript(TEXT, TURNS, "txt"), "SU01")
    code = project.codes.create("Hardship")
    project.codings.add_many(doc.id, [(code.id, 42, 60), (code.id, 61, 90)])
    path = project.store.codings_path(doc.id)
    data = json.loads(path.read_bytes())
    damage(data)
    path.write_text(json.dumps(data))
    runner = CliRunner()
    root = str(project.root)
    commands = [["retrieve", "Hardship", "--format", "json"], ["show", "SU01"], ["freq"],
                ["export", "qdpx", "-o", str(tmp_path / "out.qdpx")]]
    if damage is damage_offset:
        commands += [["retrieve", "Hardship"], ["codings"], ["autocode", "--code", "Hardship", "--speaker", "Sam"]]
    for command in commands:   # as a user runs them: errors are printed by the entry point
        run = subprocess.run([sys.executable, "-m", "qualtui", "-p", root, *command], capture_output=True,
                             text=True, stdin=subprocess.DEVNULL)
        assert run.returncode == 1 and "Traceback" not in run.stderr, (command, run.stderr)
        assert run.stderr.startswith("qualtui: error: ") and run.stderr.count("\n") == 1, (command, run.stderr)
        assert "check --repair" in run.stderr
    assert runner.invoke(cli, ["-p", root, "check"]).exit_code == 1
    repaired = runner.invoke(cli, ["-p", root, "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert runner.invoke(cli, ["-p", root, "check"]).exit_code == 0
    result = runner.invoke(cli, ["-p", root, "retrieve", "Hardship", "--format", "json"])
    kept = json.loads(result.stdout)
    # a bad record is removed and the good one kept; a table that is not one is replaced by an empty table
    # (the damaged file is kept in backups/repair-*)
    expected = {damage_table: 0, damage_record: 2}.get(damage, 1)
    assert result.exit_code == 0 and len(kept) == expected
