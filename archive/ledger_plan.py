"""What the files in ``documents/`` would add to the ledger: new, changed, withdrawn, reinstated.

Pure: reads a source tree and the ledgers, changes neither. ``archive build`` applies the plan;
``archive check`` and ``archive build --locked`` report it as problems to fix before committing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .documents import SourceDocument
from .ledger import DocumentLedger, Entry
from .problems import Problem
from .source import SourceTree

RUN_BUILD = "run `archive build` and commit the ledger"


@dataclass(frozen=True)
class Change:
    """One document's difference between its file and its ledger."""

    kind: str  # added | changed | reinstated | withdrawn
    doc_id: str
    source: SourceDocument | None = None
    new_version: bool = False


def plan_changes(
    tree: SourceTree,
    ledgers: dict[str, DocumentLedger],
    skip: set[str] = frozenset(),
    stored_paths: dict[str, str] | None = None,
) -> tuple[list[Change], list[str]]:
    """The changes the tree asks for, and the ids it leaves as they are."""
    changes, unchanged = [], []
    for source in tree.documents.values():
        if source.id in skip:
            continue
        ledger = ledgers.get(source.id)
        latest = ledger.latest if ledger else None
        withdrawn = bool(ledger and ledger.withdrawn_entry)
        if latest is None:
            changes.append(Change("added", source.id, source, new_version=True))
        elif latest.data["sha256"] != source.content_hash():
            kind = "reinstated" if withdrawn else "changed"
            changes.append(Change(kind, source.id, source, new_version=True))
        elif withdrawn:
            changes.append(Change("reinstated", source.id, source))
        else:
            unchanged.append(source.id)
    for doc_id, ledger in sorted(ledgers.items()):
        if doc_id in skip or doc_id in tree.documents or doc_id in tree.failed_ids:
            continue
        if not ledger.trusted or ledger.latest is None or ledger.withdrawn_entry:
            continue
        path = (stored_paths or {}).get(doc_id) or ledger.path
        if path not in tree.failed_paths:
            changes.append(Change("withdrawn", doc_id))
    return changes, unchanged


def pending_problems(changes: list[Change], ledgers: dict[str, DocumentLedger]) -> list[Problem]:
    """Each change as ``path:line: message``, for a locked build or ``archive check``."""
    problems = []
    for change in changes:
        ledger = ledgers.get(change.doc_id)
        if change.kind == "withdrawn":
            problems.append(
                Problem(
                    ledger.display,
                    len(ledger.entries),
                    f"document {change.doc_id!r} has no file in documents/ but is live in the"
                    f" ledger; restore its file, or {RUN_BUILD} to record its withdrawal",
                )
            )
            continue
        source = change.source
        if change.kind == "added":
            message = f"new document, not in the ledger yet; {RUN_BUILD}"
            line = source.id_line
        elif change.kind == "changed":
            message = f"differs from version {ledger.latest.version} in the ledger; {RUN_BUILD}"
            line = first_difference_line(source, ledger.latest)
        else:
            message = f"withdrawn in the ledger but its file is back; {RUN_BUILD}"
            line = source.id_line
        problems.append(Problem(source.path, line, message))
    return problems


def first_difference_line(source: SourceDocument, entry: Entry) -> int:
    """The file's line where it first departs from the archived version (a field, or the body)."""
    archived = entry.data["metadata"]
    fields = sorted(set(archived) | set(source.metadata))
    differing = [
        source.lines.get(f, 1) for f in fields if archived.get(f) != source.metadata.get(f)
    ]
    if differing:
        return min(differing)
    old, new = entry.data["body"].split("\n"), source.body.split("\n")
    index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    if index is None:
        index = min(len(old), len(new))
    return source.body_line + index
