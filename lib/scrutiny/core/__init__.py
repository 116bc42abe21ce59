"""Layer ``core``: the vocabulary and pure helpers every other layer shares; no I/O.

Holds months and month ranges, RAG codes and labels (``core.rag``), return status words, periods
in force, atomic file writes (``core.atomic``) and spreadsheet defusing
(``core.spreadsheet.defuse``).

May import: nothing of ``scrutiny`` but ``exceptions`` and ``config``. Everything may import it.
"""
