"""Layer ``load``: read-only, ``data/<name>/`` to validated frames.

Holds table reading and schemas, the one YAML loader, the contract (``load.contract``) and the
schemas of the non-KPI datasets. Never writes (``ingest`` is the only writer into ``data/``).

May import: ``core``.
"""
