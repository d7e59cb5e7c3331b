"""Keeping a project whole: integrity checks, repair and backups."""
