"""What the user is told when an operation fails: one line, never a traceback, safe to print."""

from __future__ import annotations

import errno

from qualtui.text.normalise import safe_for_terminal


def describe_error(exc: BaseException) -> str:
    """One line for the user about a failed operation, never a traceback; safe to print."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full; nothing was half-written, free some space and try again"
        if exc.errno == errno.EROFS:
            return "the project folder is read-only"
        if exc.errno == errno.ELOOP:
            return (f"{safe_for_terminal(str(exc.filename or exc))} is a symbolic link; qualtui does not follow "
                    "links inside a project: run 'qualtui check' to see what to do")
        if isinstance(exc, PermissionError):
            return f"permission denied: {safe_for_terminal(str(exc.filename or exc))}"
        return safe_for_terminal(f"{exc.strerror or exc} {exc.filename or ''}".strip())
    return safe_for_terminal(str(exc) or type(exc).__name__)
