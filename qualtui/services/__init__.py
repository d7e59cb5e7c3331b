"""The project's services: documents, codebook, codings and memos.

Each is reached through a ``Project`` (``project.docs``, ``project.codes``,
``project.codings``, ``project.memos``) and talks to the store only.
"""
