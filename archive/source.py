"""Read the whole editorial source: organisations and every document, with their problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .documents import SourceDocument, load_document
from .organisations import OrganisationRecord, load_organisations
from .problems import Problem


@dataclass
class SourceTree:
    """What ``documents/`` holds: valid documents, problems, and files whose id is in doubt."""

    organisations: dict[str, OrganisationRecord] = field(default_factory=dict)
    documents: dict[str, SourceDocument] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files that failed their checks: their archived versions must stay as they are.
    failed_paths: set[str] = field(default_factory=set)
    failed_ids: set[str] = field(default_factory=set)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_source(documents_dir: Path, root: Path, progress: bool = False) -> SourceTree:
    """Load every ``*.md`` under ``documents_dir``; one file's errors never stop the others."""
    tree = SourceTree()
    orgs_file = documents_dir / "organisations.yaml"
    tree.organisations, tree.problems = load_organisations(orgs_file, _display(orgs_file, root))
    files = sorted(documents_dir.rglob("*.md")) if documents_dir.is_dir() else []
    first_seen: dict[str, str] = {}
    for path in _progress(files, progress):
        display = _display(path, root)
        document, problems, doc_id = load_document(path, display, set(tree.organisations))
        if document and document.id in first_seen:
            problems = [
                Problem(
                    display, 2, f"duplicate id {document.id!r} (also in {first_seen[document.id]})"
                )
            ]
            document = None
        if problems:
            tree.problems += problems
            tree.failed_paths.add(display)
            if doc_id:
                tree.failed_ids.add(doc_id)
            continue
        first_seen[document.id] = display
        tree.documents[document.id] = document
    tree.problems.sort()
    return tree


def _progress(files: list[Path], enabled: bool):
    if not enabled or len(files) < 200:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="reading documents", unit="doc", leave=False)
