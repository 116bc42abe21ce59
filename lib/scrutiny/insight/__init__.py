"""Layer ``insight``: scored tables to findings.

Holds the exceptions register, trends and early warnings, Procurement Act 2023 ratings, the
narrative (which takes the tables a report already computed, never a contract to score again)
and the analyst's workbench handle.

May import: ``core``, ``load``, ``score``, ``abate``.
"""
