"""A qualtui project: the entry point of the core API.

    project = Project.open(find_project_root(None))
    doc = project.docs.get("SU01")
    coding = project.codings.add(doc.id, code.id, 10, 42)

Every mutating call is durable on disk before it returns and is recorded in
the audit log.  Reads always reflect other processes' writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from stores import ProjectStore, StoreError
from qualtui import __version__
from qualtui.errors import QualtuiError
from qualtui.services.codebook import CodeService
from qualtui.services.indexes import INDEXES
from qualtui.services.codings import CodingService
from qualtui.services.documents import DocumentService
from qualtui.services.framework import FrameworkService
from qualtui.services.memos import MemoService
from qualtui.services.speakers import SpeakerService
from qualtui.team.identity import resolve_coder
from qualtui.text.normalise import clean_label, escape_undecodable, text_from_path

PROJECT_ENV = "QUALTUI_PROJECT"


def find_project_root(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> Path:
    """--project, else $QUALTUI_PROJECT, else the nearest enclosing project folder (like git)."""
    if explicit:
        root = Path(explicit).expanduser()
        if not ProjectStore.is_project(root):
            raise QualtuiError(f"{root} is not a qualtui project (run 'qualtui init {root}')")
        return root.resolve()
    env = os.environ.get(PROJECT_ENV)
    if env:
        root = Path(env).expanduser()
        if not ProjectStore.is_project(root):
            raise QualtuiError(f"${PROJECT_ENV}={env} is not a qualtui project")
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if ProjectStore.is_project(folder):
            return folder
    raise QualtuiError("not inside a qualtui project; use --project PATH, set $QUALTUI_PROJECT, or run 'qualtui init PATH'")


class Project:
    def __init__(self, store: ProjectStore, coder: str) -> None:
        self.store = store
        self.coder = coder
        self.docs = DocumentService(self)
        self.codes = CodeService(self)
        self.codings = CodingService(self)
        self.memos = MemoService(self)
        self.speakers = SpeakerService(self)
        self.framework = FrameworkService(self)

    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def name(self) -> str:
        return clean_label(str(self.store.meta().get("name") or "")) or clean_label(text_from_path(self.root.name)) or "project"

    @classmethod
    def init(cls, path: str | os.PathLike, *, name: str | None = None, shared_group: bool = False,
             coder: str | None = None) -> "Project":
        from qualtui.safeio.output_paths import refuse_inside_any_project

        root = Path(path).expanduser()
        refuse_inside_any_project(root)
        # everything that will be stored is checked before the folder is made
        coder = resolve_coder(coder)
        project_name = clean_label(name or "", 120) or clean_label(text_from_path(root.resolve().name), 120)
        try:
            store = ProjectStore.create(root, shared_group=shared_group, summaries=INDEXES,
                                        meta={"name": project_name, "created_with": __version__})
        except StoreError as exc:
            raise QualtuiError(str(exc)) from None
        except PermissionError:
            raise QualtuiError(f"permission denied creating {root}") from None
        project = cls(store, coder)
        project.audit("init", name=project.name, shared_group=shared_group)
        return project

    @classmethod
    def open(cls, path: str | os.PathLike, *, coder: str | None = None) -> "Project":
        try:
            store = ProjectStore.open(Path(path), INDEXES)
        except StoreError as exc:
            raise QualtuiError(str(exc)) from None
        return cls(store, resolve_coder(coder))

    def audit(self, action: str, **details: Any) -> None:
        # a path the user gave (an export file) may hold bytes that are not UTF-8
        details = {k: escape_undecodable(v) if isinstance(v, str) else v for k, v in details.items()}
        self.store.audit({"coder": self.coder, "action": action, **details})

    def change_token(self) -> tuple:
        """Changes whenever the project-wide file is replaced (by any process)."""
        return (self.store.project.signature(),)
