"""Settings: sources and precedence, the 3.10 fallback parser, one-line errors naming the line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualtui.cli import cli
from qualtui.config import ConfigError, _parse_simple, load_settings, user_config_path, user_state_dir


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv("QUALTUI_CONFIG", raising=False)
    monkeypatch.delenv("QUALTUI_CODER", raising=False)
    monkeypatch.delenv("QUALTUI_THEME", raising=False)
    path = tmp_path / "cfg" / "qualtui" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def test_defaults_then_user_then_project_then_env(home, tmp_path, monkeypatch):
    assert user_config_path() == home
    settings = load_settings(None)
    assert (settings.coder, settings.theme, settings.mouse, settings.keymap) == (None, "dark", True, {})
    assert settings.source("theme") == "default"
    home.write_text('coder = "alice"\ntheme = "light"\nmouse = false\n'
                    '[keymap]\n"transcript.cursor_down" = "j, down"\n')
    project = tmp_path / "proj"
    project.mkdir()
    (project / "qualtui.toml").write_text('theme = "high-contrast"\n[keymap]\n"coding.code" = "a"\n')
    settings = load_settings(project)
    assert settings.coder == "alice" and settings.source("coder") == "user file"
    assert settings.theme == "high-contrast" and settings.source("theme") == "project file"
    assert settings.mouse is False
    assert settings.keymap == {"transcript.cursor_down": "j,down", "coding.code": "a"}
    monkeypatch.setenv("QUALTUI_THEME", "ansi")
    monkeypatch.setenv("QUALTUI_CODER", "bob")
    settings = load_settings(project)
    assert (settings.theme, settings.coder) == ("ansi", "bob")
    assert settings.source("theme") == "env $QUALTUI_THEME"


@pytest.mark.parametrize("content, line, words", [
    ('theme = "dark"\ncolour = "red"\n', 2, "unknown setting 'colour'"),
    ('theme = "purple"\n', 1, "'theme' must be one of"),
    ('mouse = "maybe"\n', 1, "'mouse' must be true or false"),
    ('theme = "dark\n', 1, ""),
    ('\n\n[keymap]\n"coding.code" = 3\n', 4, "keymap entries"),
    ('[keymap]\n"coding.code" = "a,,b"\n', 2, "bad key list"),
])
def test_a_bad_user_file_is_one_line_naming_file_and_line(home, content, line, words):
    home.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(None)
    message = str(caught.value)
    assert message.startswith(f"{home}, line {line}:") and words in message
    assert "\n" not in message


def test_coder_is_personal_not_a_project_setting(home, tmp_path):
    (tmp_path / "qualtui.toml").write_text('\ncoder = "everyone"\n')
    with pytest.raises(ConfigError, match=r"qualtui.toml, line 2: 'coder' is personal"):
        load_settings(tmp_path)


def test_fallback_parser_for_python_310(tmp_path):
    text = ('# comment\ncoder = "Ann # not a comment"  # comment\nmouse = false\nn = 3\n'
            "[keymap]\n'coding.code' = 'a'\n\"app.quit\" = \"q,ctrl+q\"\n")
    assert _parse_simple(text, tmp_path / "c.toml") == {
        "coder": "Ann # not a comment", "mouse": False, "n": 3,
        "keymap": {"coding.code": "a", "app.quit": "q,ctrl+q"}}
    for bad, line in (("a = [1, 2]\n", 1), ("\nnot a pair\n", 2), ("a = 1\na = 2\n", 2), ("[[x]]\n", 1)):
        with pytest.raises(ConfigError, match=rf", line {line}:"):
            _parse_simple(bad, tmp_path / "c.toml")


def test_state_dir_honours_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert user_state_dir() == tmp_path / "qualtui"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")
    assert user_state_dir().parts[-3:] == (".local", "state", "qualtui")


def test_config_command_prints_settings_and_their_sources(home, project):
    home.write_text('theme = "light"\n[keymap]\n"coding.code" = "a"\n')
    result = CliRunner().invoke(cli, ["config", "-p", str(project.root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["setting", "value", "source"]
    assert any(line.split()[:2] == ["theme", "light"] and "user file" in line for line in lines)
    assert any(line.split()[:2] == ["mouse", "true"] and "default" in line for line in lines)
    assert any(line.startswith("keymap.coding.code") for line in lines)
    assert f"user file: {home}" in result.output
    assert "(not found)" in result.output  # no project file
    result = CliRunner().invoke(cli, ["config", "-p", str(project.root), "--format", "json"])
    assert '"setting": "theme"' in result.output


def test_config_command_error_is_one_line(home, project, capsys):
    from qualtui.cli import main

    home.write_text("theme = 'nope'\n")
    with pytest.raises(SystemExit) as exited:
        main(["config", "-p", str(project.root)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("qualtui: error: ") and err.count("\n") == 1 and "line 1" in err


def test_cli_commands_record_the_configured_coder(project, doc, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from qualtui.cli import cli

    config_home = tmp_path / "config"
    (config_home / "qualtui").mkdir(parents=True)
    (config_home / "qualtui" / "config.toml").write_text('coder = "carol"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    monkeypatch.delenv("QUALTUI_CODER", raising=False)
    monkeypatch.delenv("QUALTUI_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["-p", str(project.root), "code", "SU01", "Hope", "--lines", "1", "--create"])
    assert result.exit_code == 0, result.output
    assert [c.coder for c in project.codings.for_document(doc.id)] == ["carol"]
    result = CliRunner().invoke(cli, ["-p", str(project.root), "--coder", "dave", "code", "SU01", "Hope", "--lines", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(c.coder for c in project.codings.for_document(doc.id)) == ["carol", "dave"]
