"""Layer ``load``: read-only, ``data/<name>/`` to validated frames.

Holds the names of every file of a data folder (``load.folder``, the one place they are spelled),
table reading and schemas, the one YAML loader, the contract (``load.contract``), its mitigation
reasons, abatement terms and store of returns (``load.reasons``, ``load.terms``,
``load.receipts``), the check that the store is still evidence (``load.evidence``), what a report
used, fingerprinted for freshness (``load.fingerprints``), and the schemas and loaders of the
non-KPI datasets (``load.portfolio``, ``load.shared_service``, ``load.action_plan``,
``load.partnership``). Every read of ``data/``
goes through here, validated by its schema. Never writes (``ingest`` is the only writer into
``data/``, using the names of ``load.folder``).

May import: ``core``.
"""
