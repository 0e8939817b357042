"""The search interface. Backends: Whoosh (default, files in ``index/``) and PostgreSQL.

Every backend offers the same small interface: ``after_build(report, reindex, progress)`` brings
the index to the database (each entry records the version it was made from, so entries that an
interrupted build left stale are found and mended), ``rebuild(progress)`` makes it anew,
``indexed_versions()`` says which version of each document it holds,
``search(SearchRequest) -> SearchResults`` answers a query, ``close()`` lets go of resources.
"""

from __future__ import annotations

from .types import (
    MAX_EXPANSIONS,
    MAX_PAGE,
    PER_PAGE,
    SORTS,
    TIME_LIMIT,
    Hit,
    SearchBackend,
    SearchError,
    SearchRequest,
    SearchResults,
    Snippet,
)


def open_backend(archive) -> SearchBackend:
    """The search backend the archive's configuration names (``whoosh`` or ``postgres``)."""
    name = archive.config.search_backend
    if name == "postgres":
        from .postgres import PostgresBackend

        return PostgresBackend(archive)
    if name == "whoosh":
        from .whoosh_backend import WhooshBackend

        return WhooshBackend(archive)
    raise SearchError(f"unknown search backend {name!r}; use whoosh or postgres")


__all__ = [
    "Hit",
    "MAX_EXPANSIONS",
    "MAX_PAGE",
    "PER_PAGE",
    "SORTS",
    "SearchBackend",
    "SearchError",
    "SearchRequest",
    "SearchResults",
    "Snippet",
    "TIME_LIMIT",
    "open_backend",
]
