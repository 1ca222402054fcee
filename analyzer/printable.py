"""Text from files made safe to print: control characters shown as escapes, never obeyed.

File names, ZIP member names, CSV headers and notes come from whoever made the
file. Printed raw, an ANSI escape sequence in a name can retitle or clear the
user's terminal, and a newline or carriage return can forge a line such as
``imported  fake.fit``. Everything the analyzer prints or stores as a message
therefore goes through :func:`printable`, which writes every character a
terminal would act on as a visible Python-style escape (``\\x1b``, ``\\n``,
``\\u202e``).

The characters escaped are those of Unicode categories ``Cc`` (C0 and C1
controls, DEL), ``Zl`` and ``Zp`` (line and paragraph separators) and the
bidirectional formatting characters of Unicode Standard Annex #9, Table 2
(embeddings, overrides, isolates and marks), which can make a terminal show
text in another order than it is stored ("Trojan Source", Boucher & Anderson
2021, https://trojansource.codes).
"""

from __future__ import annotations

import re

# Cc (C0 controls, DEL, C1 controls: fixed by Unicode's stability policy), Zl, Zp, and the
# bidirectional formatting characters of UAX #9 Table 2 (ALM, LRM, RLM, LRE..RLO, LRI..PDI).
_CONTROL_CLASS = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[{_CONTROL_CLASS}]")
# The same without line feed, carriage return and tab, which a whole output keeps for its layout.
_CONTROLS_BUT_LAYOUT = re.compile(rf"(?![\n\r\t])[{_CONTROL_CLASS}]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """Return ``str(text)`` with every control character written as an escape.

    Use it on anything that came from a file or a user (a name, a message
    quoting a value) before it is printed or shown as one line.

    Examples
    --------
    >>> printable("run\\x1b]0;owned\\x07.fit")
    'run\\\\x1b]0;owned\\\\x07.fit'
    >>> printable("a.csv\\nimported  fake.fit")
    'a.csv\\\\nimported  fake.fit'
    """
    return _CONTROLS.sub(_escape, str(text))


def printable_output(text: str) -> str:
    """Like :func:`printable`, but keep line ends and tabs: for whole outputs (a CSV, a report).

    Used on everything the command line writes (:mod:`analyzer.cli`), so that
    no escape sequence reaches the terminal whichever command printed it.
    Carriage returns are kept for the import progress line, which rewrites
    itself with them; names inside any line go through :func:`printable`,
    so a carriage return from a file never reaches the terminal either.
    """
    return _CONTROLS_BUT_LAYOUT.sub(_escape, text)
