"""Layer ``insight``: scored tables to findings.

Holds the exceptions register, trends and early warnings, Procurement Act 2023 ratings, the
narrative (which takes the tables a report already computed, never a contract to score again)
and the contract handle (``insight.contract_handle``: ``scrutiny.open_contract``), the one
owner of a contract's loaded and computed tables.

May import: ``core``, ``load``, ``score``, ``abate``.
"""
