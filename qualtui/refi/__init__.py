"""REFI-QDA interoperability: .qdpx projects and .qdc codebooks (export and import).

    from qualtui.refi.export import export_qdpx, export_qdc
    from qualtui.refi.import_ import import_qdpx, import_qdc

Exports are strict (valid against the REFI-QDA 1.0 schemas, deterministic);
imports are lenient (vendor variants) and report everything they could not
carry over, as the standard asks (REFI-QDA 1.0, www.qdasoftware.org).
"""
