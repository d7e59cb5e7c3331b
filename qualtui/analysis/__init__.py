"""Analysis: pure functions over a project snapshot, returning plain dataclasses.

    from qualtui.analysis.corpus import Corpus, Scope
    corpus = Corpus(project, Scope.build(project, attributes=["group=staff"]))
    segments = retrieve(corpus, code_ids_for(corpus, "Coping", children=True), context=2)

Modules: ``corpus`` (what is analysed: documents, codings, turns, line numbers),
``retrieval``, ``frequencies`` (per-code counts and the code x attribute
matrix), ``cooccurrence``, ``search``, ``autocode`` (undoable coding of search hits and
speaker turns) and ``bars`` (text bar charts).  Sentences, lines and turns are defined in
``qualtui.text``.  Nothing here prints; the CLI and the TUI render the results.
"""
