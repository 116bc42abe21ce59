"""Layer ``abate``: RAG to abatement points to service credits.

Holds the terms (``terms.yaml``), the vectorised points kernel, contract abatement and its
scenarios (relief: what mitigation and glides are worth).

May import: ``core``, ``load``, ``score``.
"""
