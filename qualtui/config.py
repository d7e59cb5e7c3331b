"""Settings: defaults, the user's config file, a project's file, then the environment.

    ~/.config/qualtui/config.toml   (or $XDG_CONFIG_HOME/qualtui/config.toml; $QUALTUI_CONFIG overrides the path)
    <project>/qualtui.toml          (shared by the team: theme, mouse, keymap; never the coder name)

    coder = "alice"                 # name recorded on your codings
    theme = "dark"                  # dark | light | ansi | ansi-light | high-contrast
    mouse = true                    # false: never capture the mouse (less traffic over SSH)

    [keymap]                        # binding id = "key,key"  (see the help screen, ?)
    "transcript.cursor_down" = "j,down"

Later sources win: default < user file < project file < environment
($QUALTUI_CODER, $QUALTUI_THEME).  A bad file is a one-line ``ConfigError``
naming the file and the line.  No Textual here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stores.links import is_link, read_bytes
from qualtui.errors import QualtuiError
from qualtui.text.normalise import clean_label

THEMES = ("dark", "light", "ansi", "ansi-light", "high-contrast")
PROJECT_FILE = "qualtui.toml"
ENV = {"coder": "QUALTUI_CODER", "theme": "QUALTUI_THEME"}
_KEY_NAME = re.compile(r"^[a-z0-9_+\-]+$")
_BINDING_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")


class ConfigError(QualtuiError):
    pass


@dataclass
class Settings:
    coder: str | None = None
    theme: str = "dark"
    mouse: bool = True
    keymap: dict[str, str] = field(default_factory=dict)
    # setting name (or "keymap.<id>") -> where its value came from
    sources: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, Path, bool]] = field(default_factory=list)  # (kind, path, exists)

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")


def user_config_path() -> Path:
    explicit = os.environ.get("QUALTUI_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    folder = Path(base).expanduser() if base and Path(base).is_absolute() else Path.home() / ".config"
    return folder / "qualtui" / "config.toml"


def user_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or ""
    folder = Path(base).expanduser() if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return folder / "qualtui"


def project_config_path(project_root: Path) -> Path:
    return Path(project_root) / PROJECT_FILE


def load_settings(project_root: Path | None = None) -> Settings:
    settings = Settings()
    files = [(user_config_path(), "user")]
    if project_root is not None:
        files.append((project_config_path(project_root), "project"))
    for path, kind in files:
        if kind == "project" and is_link(path):  # read before the project is opened (and its links refused)
            raise ConfigError(f"{path} is a symbolic link; qualtui does not follow links inside a project: "
                              "run 'qualtui check' to see what to do")
        exists = path.is_file()
        settings.files.append((kind, path, exists))
        if exists:
            _apply_file(settings, path, kind)
    for name, variable in ENV.items():
        value = os.environ.get(variable)
        if value:
            _apply(settings, name, value, f"env ${variable}", lambda message, v=variable: ConfigError(
                f"${v}: {message}"))
    return settings


# applying values -----------------------------------------------------------------

def _apply_file(settings: Settings, path: Path, kind: str) -> None:
    try:
        raw = read_bytes(path) if kind == "project" else path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    data = parse_toml(text, path)
    origin = f"{kind} file"

    def error_at(key: str, section: str | None = None):
        line = _line_of(text, key, section)
        return lambda message: ConfigError(f"{path}, line {line}: {message}")

    for key, value in data.items():
        if key == "keymap":
            if not isinstance(value, dict):
                raise error_at(key)("'keymap' must be a table: [keymap]")
            for binding_id, keys in value.items():
                fail = error_at(binding_id, "keymap")
                if not isinstance(keys, str) or not _BINDING_ID.match(binding_id):
                    raise fail(f"keymap entries look like \"transcript.cursor_down\" = \"j,down\" (got {binding_id!r})")
                parts = [k.strip() for k in keys.split(",")]
                if not all(parts) or not all(_KEY_NAME.match(k) or len(k) == 1 for k in parts):
                    raise fail(f"bad key list {keys!r}: use key names separated by commas, e.g. \"j,down\"")
                settings.keymap[binding_id] = ",".join(parts)
                settings.sources[f"keymap.{binding_id}"] = origin
            continue
        fail = error_at(key)
        if key == "coder" and kind == "project":
            raise fail("'coder' is personal: set it in your own config file or with --coder, not in the project")
        _apply(settings, key, value, origin, fail)


def _apply(settings: Settings, key: str, value: Any, origin: str, fail) -> None:
    if key == "coder":
        if not isinstance(value, str) or not clean_label(value):
            raise fail("'coder' must be a non-empty string")
        settings.coder = clean_label(value, 60)
    elif key == "theme":
        if value not in THEMES:
            raise fail(f"'theme' must be one of {', '.join(THEMES)} (got {str(value)[:40]!r})")
        settings.theme = value
    elif key == "mouse":
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "on", "off", "1", "0"):
            value = value.lower() in ("true", "yes", "on", "1")
        if not isinstance(value, bool):
            raise fail("'mouse' must be true or false")
        settings.mouse = value
    else:
        raise fail(f"unknown setting {key!r} (known: coder, theme, mouse, [keymap])")
    settings.sources[key] = origin


def _line_of(text: str, key: str, section: str | None) -> int:
    """The line where *key* is set (inside [section] if given); 1 if not found."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[] \t")
            if section is None and current == key:
                return number
            continue
        name = stripped.split("=", 1)[0].strip().strip("\"'")
        if "=" in stripped and name == key and current == section:
            return number
    return 1


# parsing ------------------------------------------------------------------------

def parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:
        return _parse_simple(text, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        where = f", line {line}" if line else ""
        raise ConfigError(f"{path}{where}: {message[:1].lower() + message[1:]}") from None


_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"$|^\'([^\']*)\'$')


def _parse_simple(text: str, path: Path) -> dict[str, Any]:
    """The subset qualtui uses, for Python 3.10 (no tomllib): [table], key = "str" | true | false | int."""
    data: dict[str, Any] = {}
    table = data
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        fail = f"{path}, line {number}"
        if line.startswith("["):
            if not line.endswith("]") or line.startswith("[["):
                raise ConfigError(f"{fail}: expected a table header like [keymap]")
            name = line[1:-1].strip()
            if not re.match(r"^[A-Za-z0-9_\-]+$", name):
                raise ConfigError(f"{fail}: unsupported table name {name!r}")
            table = data.setdefault(name, {})
            continue
        if "=" not in line:
            raise ConfigError(f"{fail}: expected key = value")
        key, value = (part.strip() for part in line.split("=", 1))
        quoted = _STRING.match(key)
        if quoted:
            key = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        elif not re.match(r"^[A-Za-z0-9_\-]+$", key):
            raise ConfigError(f"{fail}: bad key {key!r}")
        if key in table:
            raise ConfigError(f"{fail}: {key!r} is set twice")
        table[key] = _simple_value(value, fail)
    return data


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _simple_value(value: str, where: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    if re.match(r"^[+-]?\d+$", value):
        return int(value)
    quoted = _STRING.match(value)
    if quoted:
        if quoted.group(1) is not None:
            return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), quoted.group(1))
        return quoted.group(2)
    raise ConfigError(f"{where}: unsupported value {value[:40]!r} (use \"text\", true/false or a number)")


def describe(settings: Settings) -> list[dict[str, str]]:
    """Rows for ``qualtui config``: setting, value, source."""
    rows = [
        {"setting": "coder", "value": settings.coder or "(login name)", "source": settings.source("coder")},
        {"setting": "theme", "value": settings.theme, "source": settings.source("theme")},
        {"setting": "mouse", "value": "true" if settings.mouse else "false", "source": settings.source("mouse")},
    ]
    for binding_id in sorted(settings.keymap):
        rows.append({"setting": f"keymap.{binding_id}", "value": settings.keymap[binding_id],
                     "source": settings.source(f"keymap.{binding_id}")})
    return rows
