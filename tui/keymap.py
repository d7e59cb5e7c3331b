"""Bindings by id: the help table and the user's keymap overrides (``[keymap]`` in config.toml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding

_NAMES = {
    "question_mark": "?", "right_square_bracket": "]", "left_square_bracket": "[", "slash": "/",
    "full_stop": ".", "comma": ",", "colon": ":", "space": "space", "pageup": "PgUp", "pagedown": "PgDn",
    "escape": "Esc", "enter": "Enter", "tab": "Tab",
}


@dataclass(frozen=True)
class HelpRow:
    group: str
    binding_id: str
    keys: str
    description: str


def key_label(key: str) -> str:
    """How one key is written in the help: "right_square_bracket" -> "]", "ctrl+r" -> "ctrl+r"."""
    if "+" in key and len(key) > 1:
        *mods, last = key.split("+")
        return "+".join([*mods, _NAMES.get(last, last)])
    return _NAMES.get(key, key)


def effective_keys(binding: Binding, keymap: Mapping[str, str]) -> str:
    keys = keymap.get(binding.id or "", binding.key)
    return " ".join(key_label(k.strip()) for k in keys.split(","))


def binding_maker(prefix: str) -> Callable[[str, str, str, str], Binding]:
    """``make(keys, action, description, name)``: a Binding kept out of the footer, with the id "prefix.name"."""
    def make(keys: str, action: str, description: str, name: str) -> Binding:
        return Binding(keys, action, description, show=False, id=f"{prefix}.{name}")
    return make


def bindings_of(*classes: type) -> list[Binding]:
    """Bindings declared in BINDINGS of *classes* (and their bases), with ids, in order."""
    found: list[Binding] = []
    seen: set[str] = set()
    for cls in classes:
        for base in reversed(cls.__mro__):
            for binding in base.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id and binding.id not in seen:
                    seen.add(binding.id)
                    found.append(binding)
    return found


def help_rows(groups: Iterable[tuple[str, list[Binding]]], keymap: Mapping[str, str]) -> list[HelpRow]:
    return [HelpRow(group, b.id or "", effective_keys(b, keymap), b.description or b.action)
            for group, bindings in groups for b in bindings]


def check_keymap(overrides: Mapping[str, str], known: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Split the user's overrides into (usable, unknown binding ids)."""
    known_ids = set(known)
    usable = {k: v for k, v in overrides.items() if k in known_ids}
    return usable, sorted(set(overrides) - known_ids)
