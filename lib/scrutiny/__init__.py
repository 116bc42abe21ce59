"""contract-scrutiny: hold outsourced council service contracts to account.

Working in Python::

    import scrutiny
    c = scrutiny.open_contract("lincolnshire-css")
    c.kpi_history("CSC_KPI_04")                      # a DataFrame
    c.scores("2016-06", "2016-06").query("rag == @scrutiny.RAG.RED")

``open_contract`` and ``RAG`` are imported on first use, so ``import scrutiny`` (and the command
line's start-up) does not pay for pandas.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("contract-scrutiny")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

#: Public names and the module that holds each, imported on first access.
_LAZY = {
    "open_contract": "scrutiny.insight.workbench",
    "ContractHandle": "scrutiny.insight.workbench",
    "RAG": "scrutiny.core.rag",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'scrutiny' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
