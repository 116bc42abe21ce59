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

import importlib.util as _importlib_util
import sys as _sys


def _lazy_submodule(name: str):
    """Register the submodule ``name`` to be executed on first attribute access, not on import.

    ``load.schemas`` builds every pandera schema at import, and pandera costs ~0.7 s to import.
    A command answered from the scored-contract cache (``scrutiny.score.cache``) validates no
    table, so it should not pay that; ``from scrutiny.load import schemas`` stays as it is and the
    first ``schemas.KPIS`` runs the module (the standard library's ``importlib.util.LazyLoader``).
    """
    qualified = f"{__name__}.{name}"
    if qualified in _sys.modules:
        return _sys.modules[qualified]
    spec = _importlib_util.find_spec(qualified)
    spec.loader = _importlib_util.LazyLoader(spec.loader)
    module = _importlib_util.module_from_spec(spec)
    _sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


schemas = _lazy_submodule("schemas")
