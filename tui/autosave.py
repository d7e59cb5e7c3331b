"""Save what is being typed without being asked: every editor's text is on disk within a second.

An editor creates an ``Autosave`` when it opens (a ``LiveEdit`` plus a function
that reads its widgets) and calls ``changed()`` on every edit, which only notes
the time: the write happens ``DELAY`` seconds after the last keystroke (or
after ``LONGEST`` seconds of typing without a pause), so keystrokes never wait
for the disk.  ``close()`` saves what is left and records the whole session as
one undo step.  ``flush_all`` is what the app runs on SIGHUP/SIGTERM.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any

from qualtui.safeio.messages import describe_error
from qualtui.editing.history import History
from qualtui.editing.live_edit import LiveEdit

DELAY = 0.5    # seconds after the last keystroke
LONGEST = 3.0  # seconds of typing without a pause before a save anyway

_OPEN: "weakref.WeakSet[Autosave]" = weakref.WeakSet()


class Autosave:
    def __init__(self, owner, edit: LiveEdit, read: Callable[[], Any], history: History, what: str,
                 saved: Callable[[], None] | None = None) -> None:
        """*owner*: the widget whose timers and notifications are used; *what*: for errors ("save the memo");
        *saved*: called after each write that reached the disk (to show the stored state)."""
        self.owner, self.edit, self.read, self.history, self.what = owner, edit, read, history, what
        self.saved = saved
        self.app = owner.app
        self._timer = None
        self._first: float | None = None  # first change not saved yet
        self._last = 0.0
        self.closed = False
        self._error: str | None = None  # the last error shown (not repeated at every pause)
        self._told_rescue = False
        _OPEN.add(self)

    def changed(self) -> None:
        now = time.monotonic()
        self._last = now
        if self._first is None:
            self._first = now
        if self._timer is None:
            self._timer = self.owner.set_timer(DELAY, self._due)

    def _due(self) -> None:
        self._timer = None
        if self._first is None or self.closed:
            return
        wait = min(self._last + DELAY, self._first + LONGEST) - time.monotonic()
        if wait > 0.02:
            self._timer = self.owner.set_timer(wait, self._due)
        else:
            self.flush()

    def flush(self) -> bool:
        """Write the text now if it changed; False (and an error shown) if the write failed."""
        if self.closed:
            return True
        self._first = None
        try:
            wrote = self.edit.save(self.read())
        except Exception as exc:  # the text stays in the editor; the next change or close tries again
            self._first = time.monotonic()
            message = f"Could not {self.what}: {describe_error(exc)} (the text is still here)"
            if message != self._error:
                self._error = message
                self.owner.notify(message, severity="error", timeout=8)
            return False
        self._error = None
        if self.edit.rescued and not self._told_rescue:
            self._told_rescue = True
            why = "changed by someone else while you typed (their text is kept as they left it)" \
                if self.edit.rescue_reason == "changed" else "deleted meanwhile (by another coder?)"
            self.owner.notify(f"What you are writing about was {why}: your text is kept as a journal entry "
                              "(J lists it).", severity="warning", timeout=12)
        if wrote and self.saved is not None:
            self.saved()
        return True

    def close(self) -> bool:
        """Save and end the session: one undo step for all of it.  False if the last save failed."""
        if self.closed:
            return True
        self._error = None  # closing is asked for: show a failure even if it was shown before
        if not self.flush():
            return False
        self.closed = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.history.record(self.edit.change())
        _OPEN.discard(self)
        return True


def flush_all(app) -> None:
    """Save every open editor of *app* now (the terminal is going away)."""
    for autosave in list(_OPEN):
        if autosave.app is app:
            autosave.flush()
