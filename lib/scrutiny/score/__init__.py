"""Layer ``score``: each KPI-month to its RAG status.

Holds banding against Target and Minimum Service Levels, scoring a contract's returns, and the
reconciliation of published summary counts with the KPI-level results.

May import: ``core``, ``load``.
"""
