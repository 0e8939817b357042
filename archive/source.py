"""Read the whole editorial source: organisations and every document, with their problems."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .documents import SourceDocument
from .organisations import OrganisationRecord, load_organisations
from .problems import Problem
from .source_cache import load_cached_document
from .source_warnings import source_warnings
from .stat_cache import StatCache


@dataclass
class SourceTree:
    """What ``documents/`` holds: valid documents, problems, and files whose id is in doubt."""

    organisations: dict[str, OrganisationRecord] = field(default_factory=dict)
    documents: dict[str, SourceDocument] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files that failed their checks: their archived versions must stay as they are.
    failed_paths: set[str] = field(default_factory=set)
    failed_ids: set[str] = field(default_factory=set)
    # Worth fixing, but not problems: ``path:line: warning: …`` (see source_warnings.py).
    warnings: list[Problem] = field(default_factory=list)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_source(
    documents_dir: Path, root: Path, progress: bool = False, cache: StatCache | None = None
) -> SourceTree:
    """Load every ``*.md`` under ``documents_dir``; one file's errors never stop the others.

    With a stat ``cache`` (builds), unchanged files are known by id and hash without being
    parsed, and no warnings are collected (they would need every file parsed).
    """
    tree = SourceTree()
    orgs_file = documents_dir / "organisations.yaml"
    tree.organisations, tree.problems = load_organisations(orgs_file, _display(orgs_file, root))
    listed = cache.listed.pop("markdown", None) if cache is not None else None
    files = listed if listed is not None else markdown_files(documents_dir, root)
    # An unreadable organisations file is one problem, not one more for every document.
    known = set(tree.organisations) if tree.organisations or not tree.problems else None
    claims: dict[str, list[SourceDocument]] = {}
    for path, display in _progress(files, progress):
        document, problems, doc_id = load_cached_document(path, display, known, cache)
        if problems:
            _fail(tree, display, doc_id, problems)
        else:
            claims.setdefault(document.id, []).append(document)
    settle_claims(tree, claims)
    if cache is None:
        orgs_display = _display(orgs_file, root)
        tree.warnings = source_warnings(tree.documents, tree.organisations, orgs_display)
    return tree


def markdown_files(documents_dir: Path, root: Path) -> list[tuple[str, str]]:
    """``(path, display)`` of every ``*.md`` file under ``documents_dir``, in path order (as
    ``sorted(rglob("*.md"))`` gives them, with plain strings: a build lists 100,000 files).

    Each folder's names are sorted on their own, its sub-folders' files taking the sub-folder's
    place: the order of sorting whole paths by their parts, without splitting 200,000 paths."""
    if not documents_dir.is_dir():
        return []
    prefix = str(root) + os.sep
    found: list[tuple[str, str]] = []
    _list_markdown(str(documents_dir), found, prefix)
    return found


def _list_markdown(folder: str, found: list, prefix: str) -> None:
    with os.scandir(folder) as listing:  # as os.walk: no descent into linked folders
        entries = [
            (e.name, e.is_dir(follow_symlinks=False))
            for e in listing
            if e.name.endswith(".md") or e.is_dir(follow_symlinks=False)
        ]
    entries.sort()
    start = folder + os.sep
    for name, is_dir in entries:
        if is_dir:
            _list_markdown(start + name, found, prefix)
        else:
            path = start + name
            found.append((path, path.removeprefix(prefix)))


def _rightful_owner(doc_id: str, documents: list[SourceDocument]) -> SourceDocument:
    """The file named ``<id>.md`` owns its id; otherwise the first file in path order."""
    if len(documents) == 1:
        return documents[0]
    named = [d for d in documents if Path(d.path).stem == doc_id]
    return (named or documents)[0]


def _fail(tree: SourceTree, display: str, doc_id: str | None, problems: list[Problem]) -> None:
    tree.problems += problems
    tree.failed_paths.add(display)
    if doc_id:
        tree.failed_ids.add(doc_id)


def _progress(files: list[Path], enabled: bool):
    if not enabled or len(files) < 200:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="reading documents", unit="doc", leave=False)


def settle_claims(tree: SourceTree, claims: dict[str, list[SourceDocument]]) -> None:
    """Give each id to the file that rightfully owns it; every other claimant is a problem."""
    for doc_id, documents in claims.items():
        winner = _rightful_owner(doc_id, documents)
        tree.documents[doc_id] = winner
        for other in documents:
            if other is not winner:
                message = f"duplicate id {doc_id!r}: {winner.path} already has it"
                _fail(tree, other.path, None, [Problem(other.path, other.id_line, message)])
    tree.problems.sort()
