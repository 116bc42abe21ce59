"""Layer ``ingest``: the only writer into ``data/``.

Holds validating and merging new returns into a contract's files, all-or-nothing.

May import: ``core``, ``load`` only.
"""
