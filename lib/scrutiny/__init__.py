"""contract-scrutiny: hold outsourced council service contracts to account."""

from __future__ import annotations


def __getattr__(name: str):
    # Looked up on first use: reading the installed metadata costs ~50 ms of every start-up.
    if name == "__version__":
        global __version__
        from importlib.metadata import PackageNotFoundError, version

        try:
            __version__ = version("contract-scrutiny")
        except PackageNotFoundError:  # running from a source tree without installation
            __version__ = "0.0.0+source"
        return __version__
    raise AttributeError(f"module 'scrutiny' has no attribute {name!r}")
