"""contract-scrutiny: hold outsourced council service contracts to account.

Working in Python::

    import scrutiny
    c = scrutiny.open_contract("lincolnshire-css")
    c.kpi_history("CSC_KPI_04")                      # a DataFrame
    c.scores("2016-06", "2016-06").query("rag == @scrutiny.RAG.RED")

``open_contract`` and ``RAG`` are imported on first use, so ``import scrutiny`` (and the command
line's start-up) does not pay for pandas.
"""

from __future__ import annotations

#: Public names and the module that holds each, imported on first access.
_LAZY = {
    "open_contract": "scrutiny.insight.contract_handle",
    "ContractHandle": "scrutiny.insight.contract_handle",
    "RAG": "scrutiny.core.rag",
}
__all__ = ["__version__", *_LAZY]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("contract-scrutiny")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+source"


def __getattr__(name: str):
    # Looked up on first use: the installed metadata costs ~50 ms and the contract handle pulls in
    # pandas, neither of which every command needs.
    if name == "__version__":
        value = _version()
    elif name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'scrutiny' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), "__version__", *_LAZY})
