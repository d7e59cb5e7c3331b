"""The project's services: documents, codebook, codings, memos, speakers and Framework summaries.

Each is reached through a ``Project`` (``project.docs``, ``project.codes``, ``project.codings``,
``project.memos``, ``project.speakers``, ``project.framework``) and talks to the store only.
"""
