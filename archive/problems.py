"""Problems found in the editorial source, reported as ``path:line: message``."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass

QUOTE_LIMIT = 80  # characters of a value quoted in a message, ellipsis included
MESSAGE_LIMIT = 400  # a message is one line a person reads, whatever the file held

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = QUOTE_LIMIT
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 8
_REPR.maxlevel = 3


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message shows it (``'memo'``, ``1``, ``[1, 2]``), at most ``limit`` long.

    Strings are cut before quoting, so the quotes still close: ``'aaaa…'``. Other values go
    through reprlib first, so a huge list is never rendered in full just to be cut.
    """
    if isinstance(value, str):
        return repr(shorten(value, limit))
    return shorten(_REPR.repr(value), limit)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one line."""

    path: str
    line: int
    message: str

    def __post_init__(self) -> None:
        # A last guard: whatever a message quotes, it stays one readable line.
        message = shorten(" ".join(self.message.split()), MESSAGE_LIMIT)
        object.__setattr__(self, "message", message)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
