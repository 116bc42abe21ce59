"""contract-scrutiny: hold outsourced council service contracts to account."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("contract-scrutiny")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
