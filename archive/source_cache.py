"""Documents a build knows from the stat cache: their id and version hash, without parsing.

A ``CachedSource`` stands in for a ``SourceDocument`` whose file is unchanged since the build
that cached it. Planning needs only its id, path and ``content_hash()``; anything more (its
metadata or body, when a version must be written from it) reads and checks the file then, and
refuses to go on if it no longer holds what was cached.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .documents import SourceDocument, load_document
from .problems import Problem
from .stat_cache import StatCache, read_cached


class SourceChanged(RuntimeError):
    """A file changed while the build was reading it; building again picks the change up."""


class CachedSource:
    """A valid document known by its cached id, line of ``id:`` and version hash."""

    def __init__(self, found: dict, path: str, file: str | Path, known: set[str] | None):
        self.id, self.id_line, self._sha256 = found["id"], found["line"], found["sha256"]
        self.path, self._file, self._known = path, file, known

    def content_hash(self) -> str:
        return self._sha256

    @cached_property
    def document(self) -> SourceDocument:
        document, _, _ = load_document(Path(self._file), self.path, self._known)
        if document is None or document.content_hash() != self._sha256:
            raise SourceChanged(f"{self.path} changed during the build; run `archive build` again")
        return document

    def __getattr__(self, name: str):
        # metadata, body, lines, body_line, kind: only when a version is written from it
        if name.startswith("_") or name == "document":
            raise AttributeError(name)
        return getattr(self.document, name)


def load_cached_document(
    file: str | Path, display: str, known: set[str] | None, cache: StatCache | None
) -> tuple[SourceDocument | CachedSource | None, list[Problem], str | None]:
    """``load_document``, answered from the cache when the file is as it was."""
    read = read_cached(cache, file, display)
    if read.found is not None:
        return CachedSource(read.found, display, file, known), [], read.found["id"]
    document, problems, doc_id = load_document(Path(file), display, known, data=read.data)
    if cache is not None and document is not None:
        found = {"id": document.id, "line": document.id_line, "sha256": document.content_hash()}
        cache.put(display, read.stat, read.sha256, found)
    return document, problems, doc_id
