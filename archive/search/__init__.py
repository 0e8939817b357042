"""The search interface. Backends: Whoosh (default, files in ``index/``) and PostgreSQL.

Placeholder until issue 3 lands: a backend that indexes nothing, so builds work without search.
"""

from __future__ import annotations


class NullBackend:
    """No search index (used until a real backend is configured)."""

    def after_build(self, report, reindex: bool = False, progress: bool = False) -> None:
        return None

    def rebuild(self, progress: bool = False) -> None:
        return None

    def close(self) -> None:
        return None


def open_backend(archive) -> NullBackend:
    return NullBackend()
