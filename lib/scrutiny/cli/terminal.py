"""The terminal rule for every command: stored text never sends a control character.

:func:`printable_output` routes ``sys.stdout`` and ``sys.stderr`` through
:func:`scrutiny.core.text.printable` while a command runs (the command group installs it), so a
reason or file name holding an escape sequence is shown as ``\\x1b...``, whatever command prints
it. No pandas here: ``scrutiny --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from scrutiny.core.text import printable


class PrintableStream:
    """A text stream that writes everything through :func:`printable`; the rest is delegated.

    Binary writes (``click.echo`` of bytes goes to ``.buffer``) pass unchanged: they are files
    the user asked for on stdout, not text for a terminal.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def printable_output() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`PrintableStream` for a command."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(saved[0]), PrintableStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
