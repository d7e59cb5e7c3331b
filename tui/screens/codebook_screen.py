"""The codebook screen: the code tree with counts, every codebook operation by key, and a detail pane.

Each edit is a core function (``qualtui.editing.edits``, ``qualtui.editing.codebook_ops``) run
through the app's edit pipeline, so u / ctrl+r here and in the coding screen
undo and redo it.  Enter opens the retrieval view; a jump chosen there is
passed on as this screen's result (``JumpTo``).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Markdown, Static, Tree

from qualtui.editing import codebook_ops, edits
from qualtui.analysis.corpus import Corpus
from qualtui.analysis.retrieval import retrieve
from qualtui.editing.live_edit import LiveEdit, StoredCodeEntry, StoredMemo
from qualtui.model import Code
from qualtui.services.codebook import PALETTE
from qualtui.text.normalise import clean_label
from tui.edit_pipeline import CODEBOOK, Outcome
from tui.keymap import binding_maker
from tui.messages import JumpTo
from tui.screens.codebook_detail import (code_label, colour_choices, delete_question, detail_markdown,
                                         merge_question, plural)
from tui.dialogs.codebook import ENTRY_FIELDS, CodeEntryForm, SplitDialog
from tui.dialogs.simple import ChooseDialog, ConfirmDialog
from tui.dialogs.memo_editor import MemoEditDialog
from tui.dialogs.pickers import TOP_LEVEL, CodeChooser, TextPrompt
from tui.screens.screen_base import ProjectScreen

_b = binding_maker("codebook")
POLL_SECONDS = 2.0


class CodebookScreen(ProjectScreen):
    DEFAULT_CSS = """
    CodebookScreen #cb-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    CodebookScreen #cb-panes { height: 1fr; }
    CodebookScreen #cb-tree { width: 3fr; min-width: 30; border-right: vkey $panel-lighten-2; }
    CodebookScreen #cb-detail { width: 2fr; padding: 0 1; }
    CodebookScreen #cb-hint { height: auto; max-height: 3; background: $panel; color: $foreground 70%; padding: 0 1; }
    """
    BINDINGS = [
        _b("j", "cursor(1)", "Next code", "down"),
        _b("k", "cursor(-1)", "Previous code", "up"),
        _b("n", "create(False)", "New top-level code (or theme)", "create"),
        _b("N,a", "create(True)", "New sub-code of the highlighted code", "create_child"),
        _b("r", "rename", "Rename the code", "rename"),
        _b("c", "recolor", "Change the code's colour", "recolor"),
        _b("m", "move", "Move the code under another parent (or to the top level)", "move"),
        _b("M", "merge", "Merge the code into another (codings, sub-codes, memos move; asks)", "merge"),
        _b("S", "split", "Split: move marked codings to a new code", "split"),
        _b("D", "delete", "Delete the code (asks; shows what goes; u undoes)", "delete"),
        _b("g", "toggle_codable", "Toggle codable code / grouping (theme heading)", "toggle_codable"),
        _b("e", "edit_entry", "Edit definition, inclusion, exclusion and example", "edit_entry"),
        _b("w", "edit_memo", "Write or edit the code memo", "edit_memo"),
        _b("enter", "retrieve", "Open the retrieval view: every segment coded with the code", "retrieve"),
    ]

    def __init__(self, project, history, *, current_document: str | None = None) -> None:
        super().__init__(project, history, current_document=current_document)
        self.codes: dict[str, Code] = {}
        self.paths: dict[str, str] = {}
        self.counts: dict[str, tuple[int, int]] = {}
        self.rolled: dict[str, int] = {}   # segments of a code and all its sub-codes
        self._shown_detail: str | None = None
        self._token: tuple | None = None
        self.select_next: str | None = None  # the code to highlight once an edit shows

    def compose(self) -> ComposeResult:
        yield Static("Codebook", id="cb-title")
        with Horizontal(id="cb-panes"):
            tree: Tree[str] = Tree("Codebook", id="cb-tree")
            tree.show_root = False
            tree.auto_expand = False
            yield tree
            with VerticalScroll(id="cb-detail"):
                yield Markdown("", id="cb-markdown", open_links=False)
        yield Static("? keys  Enter retrieve  n new  a sub-code  r rename  c colour  m move  M merge  S split  "
                     "D delete  g group  e entry  w memo  u undo  esc back", id="cb-hint", markup=False)

    @property
    def tree(self) -> Tree[str]:
        return self.query_one("#cb-tree", Tree)

    def on_mount(self) -> None:
        self.reload()
        self.tree.focus()
        self.set_interval(POLL_SECONDS, self.poll)

    def change_token(self) -> tuple:
        """Changes when any process changes the codebook or any document's codings (a stat per file)."""
        return (self.project.change_token(),
                tuple(self.project.docs.signature(d.id) for d in self.project.docs.all()))

    def poll(self) -> None:
        """Another process's edits show within POLL_SECONDS, as in the coding screen."""
        if self.app.screen is not self:
            return  # a dialog is open: do not rebuild the tree under it
        try:
            token = self.change_token()
        except Exception:  # a half-written file or a vanished document: try again next time
            return
        if token != self._token:
            self.reload()

    # showing ----------------------------------------------------------------------------------
    @property
    def current(self) -> Code | None:
        node = self.tree.cursor_node
        return self.codes.get(node.data) if node is not None and node.data else None

    def show_edit(self, outcome: Outcome) -> None:
        """A code's colour or kind changed: its row is relabelled from the returned record.  Another codebook
        change re-reads the tree but not the counts (no codings file changed); anything else re-reads both."""
        select, self.select_next = self.select_next, None
        code, old = outcome.records, self.codes.get(getattr(outcome.records, "id", None))
        if outcome.kind == CODEBOOK and old is not None and (code.name, code.parent) == (old.name, old.parent):
            self.codes[code.id] = code
            for node in self.code_nodes():
                if node.data == code.id:
                    node.set_label(self.label(code))
            self._token = self.change_token()
            self._shown_detail = None
            self.show_detail()
        else:
            self.reload(select=select, counts=outcome.kind != CODEBOOK)

    def label(self, code: Code) -> Text:
        return code_label(code, self.counts.get(code.id, (0, 0)), self.rolled.get(code.id, 0), self.no_color)

    def reload(self, select: str | None = None, *, counts: bool = True) -> None:
        keep = select or (self.current.id if self.current else None)
        try:
            self._token = self.change_token()
            rows = self.project.codes.tree()
            if counts:
                self.counts = self.project.codings.counts()
        except Exception as exc:
            self.report("read the codebook", exc)
            return
        all_codes = [code for _, code in rows]
        self.codes = {c.id: c for c in all_codes}
        self.paths = {c.id: self.project.codes.path(c, all_codes) for c in all_codes}
        tree = self.tree
        collapsed = {n.data for n in self.code_nodes() if n.data and not n.is_expanded and n.children}
        tree.clear()
        nodes = {None: tree.root}
        parents = {c.id: (c.parent if c.parent in self.codes else None) for c in all_codes}
        self.rolled = {c.id: self.counts.get(c.id, (0, 0))[0] for c in all_codes}
        for depth, code in sorted(rows, key=lambda row: -row[0]):   # deepest first: children before parents
            if parents[code.id] is not None:
                self.rolled[parents[code.id]] += self.rolled[code.id]
        for _, code in rows:
            node = nodes[parents[code.id]].add(self.label(code), data=code.id, expand=code.id not in collapsed)
            nodes[code.id] = node
        for code_id, node in nodes.items():
            if code_id is not None and not node.children:
                node.allow_expand = False
        segments = sum(s for s, _ in self.counts.values())
        self.query_one("#cb-title", Static).update(
            f"Codebook: {plural(len(all_codes), 'code')}, {plural(segments, 'coding')}   (? help)")
        target = nodes.get(keep) if keep else None
        if target is None and rows:
            target = nodes[rows[0][1].id]
        if target is not None:
            self._move_to(target)
        self._shown_detail = None
        self.show_detail()

    def _move_to(self, node) -> None:
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        _ = self.tree.last_line  # lays the lines out now, so the cursor is on the code before the next key
        self.tree.move_cursor(node, animate=False)

    def code_nodes(self):
        stack = list(self.tree.root.children)
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children)

    @on(Tree.NodeHighlighted)
    def highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self.show_detail()

    def show_detail(self) -> None:
        code = self.current
        if code is None:
            text = "No codes yet. Press **n** to create one (or **a** for a sub-code)."
            key = None
        else:
            key = code.id
            try:
                memos = self.project.memos.all(kind="code", target=code.id)
            except Exception as exc:
                self.report("read the code memo", exc)
                memos = []
            text = detail_markdown(code, self.paths.get(code.id, code.name), self.counts.get(code.id, (0, 0)), memos)
        if key == self._shown_detail and key is not None:
            return
        self._shown_detail = key
        self.query_one("#cb-markdown", Markdown).update(text)

    # actions ------------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        (self.tree.action_cursor_down if step > 0 else self.tree.action_cursor_up)()

    def _need_code(self) -> Code | None:
        code = self.current
        if code is None:
            self.notify("No code is highlighted", severity="warning")
        return code

    def action_create(self, as_child: bool) -> None:
        parent = self._need_code() if as_child else None
        if as_child and parent is None:
            return
        title = f"New sub-code of {clean_label(parent.name)!r}" if parent else "New top-level code"

        def done(name: str | None) -> None:
            if name:
                code = self.run_edit("create the code", lambda: edits.create_code(
                    self.project, name, parent=parent.id if parent else None), CODEBOOK)
                if code:
                    self.select_next = code.id

        self.app.push_screen(TextPrompt(title, placeholder="code name"), done)

    def action_rename(self) -> None:
        code = self._need_code()
        if code is None:
            return

        def done(name: str | None) -> None:
            if name and name != code.name:
                self.run_edit("rename the code", lambda: edits.update_code(self.project, code.id, name=name),
                              CODEBOOK)

        self.app.push_screen(TextPrompt(f"Rename {clean_label(code.name)!r}", code.name), done)

    def action_recolor(self) -> None:
        code = self._need_code()
        if code is None:
            return
        def done(index: int | None) -> None:
            if index is not None and PALETTE[index] != code.color:
                self.run_edit("change the colour",
                              lambda: edits.update_code(self.project, code.id, color=PALETTE[index]), CODEBOOK)

        self.app.push_screen(ChooseDialog(f"Colour of {clean_label(code.name)!r}",
                                          colour_choices(code.color, self.no_color)), done)

    def _others(self, code: Code) -> list[Code]:
        excluded = {code.id} | {c.id for c in self.project.codes.descendants(code.id, list(self.codes.values()))}
        return [c for c in self.codes.values() if c.id not in excluded]

    def action_move(self) -> None:
        code = self._need_code()
        if code is None:
            return

        def done(target: str | None) -> None:
            if target is None:
                return
            parent = None if target == TOP_LEVEL else target
            if parent != code.parent:
                self.run_edit("move the code", lambda: edits.update_code(self.project, code.id, parent=parent),
                              CODEBOOK)

        self.app.push_screen(CodeChooser(f"Move {clean_label(code.name)!r} under", self._others(code), self.paths,
                                         top_level=code.parent is not None, no_color=self.no_color), done)

    def action_merge(self) -> None:
        code = self._need_code()
        if code is None:
            return

        def chosen(target_id: str | None) -> None:
            if target_id is None or target_id == TOP_LEVEL:
                return
            target = self.codes[target_id]
            question = merge_question(code, target, codebook_ops.plan_delete(self.project, code.id))

            def confirmed(yes: bool | None) -> None:
                if yes:
                    result = self.run_edit("merge the codes",
                                           lambda: codebook_ops.merge_codes(self.project, code.id, target_id))
                    if result:
                        self.select_next = target_id
                        self.notify(f"Merged: {plural(result.moved, 'coding')} moved"
                                    + (f", {result.duplicates} identical skipped" if result.duplicates else ""))

            self.app.push_screen(ConfirmDialog(question), confirmed)

        self.app.push_screen(CodeChooser(f"Merge {clean_label(code.name)!r} into", self._others(code),
                                         self.paths, no_color=self.no_color), chosen)

    def action_split(self) -> None:
        code = self._need_code()
        if code is None:
            return
        try:
            segments = retrieve(Corpus(self.project), [code.id])
        except Exception as exc:
            self.report("read the codings", exc)
            return
        if not segments:
            self.notify(f"{clean_label(code.name)!r} has no codings to split", severity="warning")
            return

        def done(answer: tuple[str, list[str], bool] | None) -> None:
            if answer:
                name, ids, as_child = answer
                new = self.run_edit("split the code", lambda: codebook_ops.split_code(
                    self.project, code.id, name, ids, as_child=as_child))
                if new:
                    self.select_next = new.id
                    self.notify(f"{plural(len(ids), 'coding')} moved to {clean_label(new.name)!r}")

        self.app.push_screen(SplitDialog(code, segments), done)

    def action_delete(self) -> None:
        code = self._need_code()
        if code is None:
            return
        try:
            plan = codebook_ops.plan_delete(self.project, code.id)
        except Exception as exc:
            self.report("delete the code", exc)
            return
        parent = self.codes.get(code.parent) if code.parent else None

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_edit("delete the code", lambda: codebook_ops.delete_code(self.project, code.id))

        self.app.push_screen(ConfirmDialog(delete_question(code, plan, parent)), confirmed)

    def action_toggle_codable(self) -> None:
        code = self._need_code()
        if code is not None:
            self.run_edit("change the code", lambda: edits.update_code(self.project, code.id,
                                                                       codable=not code.codable), CODEBOOK)

    def action_edit_entry(self) -> None:
        code = self._need_code()
        if code is None:
            return
        try:
            edit = LiveEdit(StoredCodeEntry(self.project, code.id, tuple(field for field, _ in ENTRY_FIELDS)))
        except Exception as exc:
            self.report("open the codebook entry", exc)
            return
        self.app.push_screen(CodeEntryForm(code, self.paths.get(code.id, code.name), edit, self.history),
                             lambda _: self.reload())

    def action_edit_memo(self) -> None:
        code = self._need_code()
        if code is None:
            return
        try:
            memo = self.project.memos.about("code", code.id)
            edit = LiveEdit(StoredMemo(self.project, "code", code.id, memo.id if memo else None))
        except Exception as exc:
            self.report("read the code memo", exc)
            return
        self.app.push_screen(MemoEditDialog(f"Memo on code {clean_label(code.name)!r}", edit, self.history),
                             lambda _: self.reload())

    def action_retrieve(self) -> None:
        from tui.screens.retrieval_screen import RetrievalScreen

        code = self._need_code()
        if code is None:
            return

        def done(result: JumpTo | None) -> None:
            if isinstance(result, JumpTo):
                self.dismiss(result)

        # a theme (a code with sub-codes) is retrieved with its sub-codes' segments
        children = any(c.parent == code.id for c in self.codes.values())
        self.app.push_screen(RetrievalScreen(self.project, self.history, current_document=self.current_document,
                                             code_id=code.id, children=children), done)

    @on(Tree.NodeSelected)
    def selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.action_retrieve()
