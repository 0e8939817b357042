"""The FTS5 MATCH expression for a benchmark query: what SQLite FTS5 (and Datasette) is asked."""

from __future__ import annotations


def fts5_match(q: dict, joiner: str = " ") -> str:
    """A phrase as written; plain words each quoted (so FTS5 syntax in them is just text)."""
    text = q["q"]
    if text.startswith('"'):
        return text
    return joiner.join(f'"{word}"' for word in text.split())
