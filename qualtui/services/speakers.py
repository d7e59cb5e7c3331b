"""Speakers as project data: a canonical name and a role for the labels found in transcripts.

``Interviewer``, ``INTERVIEWER``, ``I`` and ``Rebecca Hall`` can all be read as ``Interviewer`` (role
``interviewer``) across the project.  The mapping lives in the project file (table ``speakers``, one
record per label, keyed by the label case-folded); transcript text and the stored turns never change.
``DocumentService.turns`` applies it, so display, filters, auto-coding, retrieval, agreement and
reports all see the canonical name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qualtui.errors import QualtuiError
from qualtui.model import Turn
from qualtui.text.normalise import clean_label

if TYPE_CHECKING:
    from qualtui.project import Project

TABLE = "speakers"
INTERVIEWER = "interviewer"


@dataclass(frozen=True)
class SpeakerName:
    label: str     # as found in transcripts
    name: str      # canonical name
    role: str = ""


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def damage(record: object) -> str | None:
    """What makes a stored speaker record unreadable (None if nothing): ``qualtui speaker`` writes an
    object whose label, name and role are text, label and name not empty once cleaned."""
    if not isinstance(record, dict):
        return "not an object"
    for field in ("label", "name", "role"):
        value = record.get(field)
        if not isinstance(value, str) and not (field == "role" and value is None):
            return f"its {field} is {'missing' if value is None else 'not text'}"
    for field in ("label", "name"):
        if not clean_label(record[field]):
            return f"its {field} is empty"
    return None


class SpeakerService:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.file = project.store.project
        self._cache: tuple[object, dict[str, SpeakerName], dict[str, str]] | None = None
        self._names_read: dict[str | None, str | None] = {}   # stored label -> as read, for the tables cached

    def _tables(self) -> tuple[dict[str, SpeakerName], dict[str, str]]:
        """(label key -> mapping, canonical name key -> role), re-read only when the project file changed."""
        token = self.file.signature()
        if self._cache is None or self._cache[0] != token or token is None:
            by_label: dict[str, SpeakerName] = {}
            roles: dict[str, str] = {}
            for record in self.file.raw(TABLE).values():
                if damage(record) is not None:
                    continue  # hand-damaged (check reports it, --repair removes it): ignore it, never fail a read
                # Cleaned as read too: a project file written by hand may hold escape sequences.
                mapped = SpeakerName(clean_label(record["label"], 60), clean_label(record["name"], 60),
                                     clean_label(record.get("role") or "", 30))
                by_label[_key(mapped.label)] = mapped
                if mapped.role:
                    roles[_key(mapped.name)] = mapped.role
            self._cache = (token, by_label, roles)
            self._names_read = {}
        return self._cache[1], self._cache[2]

    def as_read(self, labels: Iterable[str | None]) -> dict[str | None, str | None]:
        """Each speaker label as stored -> as ``DocumentService.turns`` reads it: cleaned as ``Turn`` cleans
        it, then its canonical name (remembered while the speaker table is unchanged: a whole-project pass
        meets the same few labels in every document)."""
        self._tables()
        known = self._names_read
        for label in set(labels) - known.keys():
            known[label] = self.canonical(Turn.from_record({"start": 0, "end": 0, "speaker": label}).speaker)
        return known

    def all(self) -> list[SpeakerName]:
        return sorted(self._tables()[0].values(), key=lambda m: (m.name.casefold(), m.label.casefold()))

    def canonical(self, label: str | None) -> str | None:
        """The canonical name for a label (the label itself when it has none)."""
        if not label:
            return label
        mapped = self._tables()[0].get(_key(label))
        return mapped.name if mapped else label

    def role(self, speaker: str | None) -> str:
        """The role of a label or canonical name ("" if none)."""
        if not speaker:
            return ""
        return self._tables()[1].get(_key(self.canonical(speaker) or ""), "")

    def apply(self, turns: Sequence[Turn]) -> list[Turn]:
        """Turns as the project reads them: each speaker replaced by its canonical name."""
        by_label = self._tables()[0]
        if not by_label:
            return list(turns)
        return [replace(t, speaker=by_label[_key(t.speaker)].name) if t.speaker and _key(t.speaker) in by_label
                else t for t in turns]

    def set(self, labels: Iterable[str], name: str, role: str = "") -> list[SpeakerName]:
        """Read every label in *labels* as *name* (with *role*) from now on; one project-file write."""
        name = clean_label(name, 60)
        role = clean_label(role, 30).casefold()
        if not name:
            raise QualtuiError("a speaker needs a name")
        wanted = [clean_label(label, 60) for label in labels]
        if not wanted or not all(wanted):
            raise QualtuiError("name at least one speaker label")
        records = [SpeakerName(label, name, role) for label in dict.fromkeys(wanted)]
        if role:  # one role per canonical name: keep every label of that name in step
            records += [replace(m, role=role) for m in self.all()
                        if _key(m.name) == _key(name) and _key(m.label) not in {_key(r.label) for r in records}]
        self.file.put_many(TABLE, [{"id": _key(r.label), "label": r.label, "name": r.name, "role": r.role}
                                   for r in records])
        self.project.audit("speakers.set", labels=[r.label for r in records], name=name, role=role)
        return records

    def put(self, records: Iterable[SpeakerName]) -> None:
        """Store these mappings as they are (a merge: checked and audited by its caller); one write."""
        self.file.put_many(TABLE, [{"id": _key(r.label), "label": r.label, "name": r.name, "role": r.role}
                                   for r in records])

    def reset(self, labels: Iterable[str]) -> list[str]:
        """Forget the canonical name of *labels*; returns the labels that had one."""
        removed = self.file.delete_many(TABLE, [_key(label) for label in labels])
        if removed:
            self.project.audit("speakers.reset", labels=removed)
        return removed


def merge_speakers(mine: Sequence[SpeakerName], theirs: Sequence[SpeakerName]
                   ) -> tuple[list[SpeakerName], list[tuple[str, str, str]]]:
    """What merging *theirs* into *mine* adds, and (outcome, label, detail) for each of theirs.

    A label missing here is added, with the role its canonical name has here if it has one (one role
    per name); a label read differently here keeps ours: a conflict.
    """
    by_label = {_key(m.label): m for m in mine}
    our_roles = {_key(m.name): m.role for m in mine if m.role}
    added: list[SpeakerName] = []
    notes: list[tuple[str, str, str]] = []
    for other in theirs:
        label, name = clean_label(other.label, 60), clean_label(other.name, 60)
        role = clean_label(other.role, 30).casefold()
        if not label or not name:
            continue
        said = name + (f" ({role})" if role else "")
        here = by_label.get(_key(label))
        if here is not None:
            kept = here.name + (f" ({here.role})" if here.role else "")
            same = (_key(here.name), here.role) == (_key(name), role)
            notes.append(("identical", label, said) if same
                         else ("conflict", label, f"read as {said} there; kept as {kept} here"))
            continue
        kept_role = our_roles.get(_key(name), role)
        added.append(SpeakerName(label, name, kept_role))
        notes.append(("conflict", label, f"added as {name} with the role {kept_role} it has here ({role} there)")
                     if role and kept_role != role else ("added", label, said))
    return added, notes


def renamed_records(table: dict, apply: Callable[[str], str]) -> dict:
    """The ``speakers`` table with *apply* run over labels and names (pseudonymisation), keys re-derived."""
    out: dict = {}
    for record in table.values():
        label, name = apply(str(record.get("label") or "")), apply(str(record.get("name") or ""))
        if label and name:
            out[_key(label)] = {**record, "id": _key(label), "label": label, "name": name}
    return out
