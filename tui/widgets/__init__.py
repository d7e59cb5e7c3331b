"""Reusable widgets of the coding screen."""
