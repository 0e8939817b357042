"""A readable word-level difference between two versions' canonical texts."""

from __future__ import annotations

import difflib
import re

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(before: str, after: str) -> list[dict]:
    """Runs of ``equal``, ``delete`` and ``insert`` text; concatenating equal+insert gives after."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    runs: list[dict] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            runs.append({"op": "equal" if op == "equal" else "delete", "text": "".join(old[i1:i2])})
        if op in ("insert", "replace") and j2 > j1:
            runs.append({"op": "insert", "text": "".join(new[j1:j2])})
    return runs
