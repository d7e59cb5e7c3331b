"""User-facing errors: the CLI prints their message on one line, no traceback."""


class QualtuiError(Exception):
    """Something the user can fix: bad input, unknown name, missing project."""


class UsageProblem(QualtuiError):
    """The command was called in a way that cannot work (exit 2, like a usage error)."""

    exit_code = 2


class NotFoundError(QualtuiError):
    pass


class ChangedMeanwhile(QualtuiError):
    """A record being written as it is typed was changed by someone else since this editor last saved it."""


class ImportRejected(QualtuiError):
    """A file could not be imported; nothing was changed."""
