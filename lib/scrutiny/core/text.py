"""Text that reaches a terminal or a file name: control and format characters are never passed on.

A reason, a title or a file name can hold characters that are not text at all: terminal escapes
(ESC starts an OSC title sequence or a clear-screen), a carriage return that overwrites the
line, bidi overrides (U+202E) and zero-width characters that make two codes look alike. The one
rule: Unicode categories ``Cc`` (control) and ``Cf`` (format), plus the line and paragraph
separators, are *unsafe*. :func:`printable` shows each as a visible escape (``\\x1b``,
``\\u202e``) on every terminal output; :func:`unsafe_characters` lets set-up refuse them.
Newline and tab stay as they are: they are layout, and cannot take over a terminal.
"""

from __future__ import annotations

import re
import unicodedata

#: Unicode categories that are never shown raw: control and format characters.
UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
#: Layout characters a terminal output may keep.
LAYOUT = "\n\t"

#: Candidates only (anything but printable ASCII and layout); each is then checked by category,
#: so plain text costs one regex scan.
_CANDIDATE = re.compile(r"[^\x20-\x7e\n\t]")


def _is_unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """Return ``text`` with every control or format character shown as a visible escape.

    Examples
    --------
    >>> printable("late\\x1b]0;pwned\\x07 \\x1b[2J")
    'late\\\\x1b]0;pwned\\\\x07 \\\\x1b[2J'
    >>> printable("two\\nlines\\tand \\u202eevil")
    'two\\nlines\\tand \\\\u202eevil'
    """
    return _CANDIDATE.sub(lambda m: _escape(m.group()) if _is_unsafe(m.group()) else m.group(),
                          text)


def unsafe_characters(text: str) -> list[str]:
    """The control or format characters in ``text`` (as escapes), in order; ``[]`` when clean.

    Unlike :func:`printable`, newline and tab count too: a code, slug, title or name is one line.

    >>> unsafe_characters("WST\\u200b01\\n")
    ['\\\\u200b', '\\\\x0a']
    """
    return [_escape(ch) for ch in text if _is_unsafe(ch)]


def one_line(text: str) -> str:
    """Like :func:`printable`, but newline and tab are escaped too: for a name quoted in a message.

    >>> one_line("north-waste\\n")
    'north-waste\\\\x0a'
    """
    return "".join(_escape(ch) if _is_unsafe(ch) else ch for ch in text)
