"""The one error the store raises for a problem with the project files (the CLI prints it as one line)."""


class StoreError(Exception):
    """A problem with the project files that the user can understand."""
