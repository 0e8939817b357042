"""``archive build PATH...``: build only the named document files (issue 13: one edit
searchable within a second at 100,000 documents).

Each named file is read, validated and versioned as a full build would (``run_build``'s own
steps: the same ledger entry, hash, change rules and ``path:line: message`` problems); a named
path that no longer exists withdraws the document the database holds from it. Nothing else is
looked at: no other file is listed, read or stat'd, and only the named documents' ledgers and
rows are read. The stat cache is left as it is: every file this build writes (the named
document's ledger) and every row it changes has a new stat or fingerprint, so the next full
build reads them again (``stat_cache.py``, ``build_settle.py``).

What a partial build cannot see, it refuses rather than guess:

- ``documents/organisations.yaml`` changed since the last full build (every document's
  validity depends on it): the full build records the file's SHA-256 in
  ``instance/organisations-built.sha256``; a partial build needs it to match.
- a named file whose id the database holds from another file that still exists (a duplicate id,
  which a full build settles by looking at both files): name both, or build in full.

A moved file is built by naming both its old and new paths (``git diff --name-only
--no-renames`` lists both); naming only the old path withdraws the document, as a full build
would if the new file were not there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .build import (
    BuildReport,
    _reconcile,
    _record,
    _sync_organisations,
    _write_database,
    lock_database,
)
from .documents import SourceDocument
from .ledger import DocumentLedger, write_document_ledgers
from .ledger_db import load_stored
from .ledger_plan import plan_changes
from .ledger_read import read_document_ledger
from .models import Document
from .organisations import load_organisations
from .renderings import store_missing
from .source import SourceTree, _fail, settle_claims
from .source_cache import load_cached_document

BUILT_ORGANISATIONS = "organisations-built.sha256"  # in instance/
FULL_BUILD = "run `archive build` with no paths"


class NamedPathError(ValueError):
    """A named path that is not a document file of this archive (a usage error)."""


class FullBuildNeeded(ValueError):
    """Something only a full build can settle; nothing was done."""


def named_displays(root: Path, paths: list[str | Path]) -> list[str]:
    """Each named path as a full build shows it (``documents/…/x.md``, relative to the root),
    in order, once. Paths are taken relative to the current directory."""
    base = os.path.abspath(root)
    documents = os.path.join(base, "documents")
    displays: list[str] = []
    for given in paths:
        full = os.path.abspath(os.fspath(given))
        # the folder resolved as the root is (``Config.root``), the file itself not followed
        full = os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        if full == os.path.join(documents, "organisations.yaml"):
            raise FullBuildNeeded(
                f"{given}: a change to the organisations file needs a full build; {FULL_BUILD}"
            )
        if os.path.commonpath([full, documents]) != documents or full == documents:
            raise NamedPathError(f"{given}: not a file under {documents}")
        if not full.endswith(".md"):
            raise NamedPathError(f"{given}: not a document file (documents are *.md files)")
        if os.path.isdir(full):
            raise NamedPathError(f"{given}: a folder, not a document file")
        display = os.path.relpath(full, base)
        if display not in displays:
            displays.append(display)
    return displays


def organisations_digest(organisations_file: Path) -> str:
    try:
        return hashlib.sha256(organisations_file.read_bytes()).hexdigest()
    except OSError:
        return ""


def record_organisations(instance_dir: Path, digest: str) -> None:
    """After a full build: the organisations file it was made with (written atomically)."""
    path = instance_dir / BUILT_ORGANISATIONS
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(digest + "\n", encoding="ascii")
    os.replace(temporary, path)


def require_organisations_built(instance_dir: Path, organisations_file: Path) -> None:
    try:
        built = (instance_dir / BUILT_ORGANISATIONS).read_text(encoding="ascii").strip()
    except OSError:
        built = ""
    if not built:
        raise FullBuildNeeded(f"no full build is recorded for this archive yet; {FULL_BUILD}")
    if built != organisations_digest(organisations_file):
        raise FullBuildNeeded(
            f"{organisations_file.name} has changed since the last full build"
            f" (every document is checked against it); {FULL_BUILD}"
        )


def read_named(root: Path, documents_dir: Path, displays: list[str]) -> SourceTree:
    """The named files as ``read_source`` would read them (no cache, no other file)."""
    tree = SourceTree()
    orgs_file = documents_dir / "organisations.yaml"
    tree.organisations, tree.problems = load_organisations(
        orgs_file, os.path.relpath(orgs_file, root)
    )
    if tree.problems:
        raise FullBuildNeeded(
            f"{tree.problems[0]} (the organisations file has problems); {FULL_BUILD}"
        )
    known = set(tree.organisations)
    claims: dict[str, list[SourceDocument]] = {}
    prefix = str(root) + os.sep
    for display in sorted(displays, key=lambda d: Path(d).parts):  # a full build's order
        path = prefix + display
        if not os.path.isfile(path):
            continue
        document, problems, doc_id = load_cached_document(path, display, known, None)
        if problems:
            _fail(tree, display, doc_id, problems)
        else:
            claims.setdefault(document.id, []).append(document)
    settle_claims(tree, claims)
    return tree


def run_named_build(
    session: Session, tree: SourceTree, displays: list[str], root: Path, ledger_folder: Path
) -> BuildReport:
    """``run_build``'s steps for the named files' documents only, in the caller's transaction."""
    lock_database(session)
    report = BuildReport(problems=list(tree.problems))
    _sync_organisations(session, tree)
    session.flush()
    at_paths = dict(
        session.execute(
            select(Document.id, Document.source_path).where(Document.source_path.in_(displays))
        ).all()
    )
    ids = sorted(set(tree.documents) | tree.failed_ids | set(at_paths))
    stored = load_stored(session, only=ids)
    named = set(displays)
    for doc_id, source in sorted(tree.documents.items()):
        held = stored.get(doc_id)
        elsewhere = held.document.source_path if held and held.document else None
        if elsewhere and elsewhere not in named and os.path.exists(os.path.join(root, elsewhere)):
            raise FullBuildNeeded(
                f"{source.path}: its id {doc_id!r} is archived from {elsewhere}, which is still"
                f" there; name both files, or {FULL_BUILD}"
            )
    ledgers: dict[str, DocumentLedger] = {}
    for doc_id in ids:
        path = ledger_folder / f"{doc_id}.jsonl"
        if path.is_file():
            display = os.path.relpath(path, root)
            ledgers[doc_id] = read_document_ledger(path, display, doc_id)
    held = _reconcile(session, ledgers, stored, report, False, set())
    paths = {k: s.document.source_path for k, s in stored.items() if s.document}
    changes, unchanged = plan_changes(tree, ledgers, held, paths)
    report.unchanged = sorted(unchanged)
    _record(changes, ledgers, report, session)
    write_document_ledgers(ledger_folder, [ledger for ledger in ledgers.values() if ledger.dirty])
    _write_database(session, tree, ledgers, stored, held, report)
    written = report.added + report.changed + report.reinstated + report.replayed + report.adopted
    store_missing(session, written)
    for ledger in ledgers.values():
        report.problems += ledger.problems
    report.problems.sort()
    return report


def changed_since(root: Path, revision: str) -> tuple[list[str] | None, str]:
    """The document files git says changed since ``revision`` (committed or not; new files
    only once git tracks them), or None and why a full build is needed instead: git cannot
    say, ``organisations.yaml`` changed, or a ledger file changed without its document's."""
    command = ["git", "-C", str(root), "diff", "--name-only", "--no-renames", "--relative", "-z"]
    try:
        done = subprocess.run(
            [*command, revision, "--", "documents/"], capture_output=True, check=False
        )
    except OSError as exc:
        return None, f"git could not be run ({exc})"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"git could not list the changes since {revision!r} ({' '.join(message)})"
    tracked = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--", "documents/organisations.yaml"],
        capture_output=True,
        check=False,
    )
    if not tracked.stdout.strip():
        return None, "documents/ is not tracked by git here"
    names = [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    documents = [n for n in names if n.endswith(".md")]
    stems = {Path(n).stem for n in documents}
    if "documents/organisations.yaml" in names:
        return None, "documents/organisations.yaml changed"
    for name in names:
        ledger = name.startswith("documents/ledger/") and name.endswith(".jsonl")
        if ledger and Path(name).stem not in stems:
            return None, f"{name} changed without its document's file"
    return documents, ""
