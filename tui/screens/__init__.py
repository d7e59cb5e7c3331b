"""Screens of the coding app: the coding screen and its dialogs."""
