"""Reading the ledger back, and the checks every build makes of it (structure, chain, hashes).

Cheap checks only: no Markdown is rendered here. ``archive verify`` adds the expensive ones.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .documents import ID_PATTERN, version_hash
from .ledger import EVENTS, REQUIRED, DocumentLedger, Entry, ledger_dir, parse_time, sha256_text
from .problems import Problem


def read_ledger(documents_dir: Path, root: Path) -> dict[str, DocumentLedger]:
    """Every document's ledger under ``documents/ledger/``, checked (cheaply: no Markdown)."""
    ledgers: dict[str, DocumentLedger] = {}
    for path, display, doc_id in ledger_files(documents_dir, root):
        if doc_id is None:
            ledgers[os.path.basename(path)] = not_a_ledger(os.path.basename(path), display)
        else:
            ledgers[doc_id] = read_document_ledger(Path(path), display, doc_id)
    return ledgers


def ledger_files(documents_dir: Path, root: Path):
    """``(path, display, doc_id)`` (strings) for each file in the ledger folder, in name order;
    ``doc_id`` is None for a file that is not a ledger (hidden files are skipped)."""
    folder = ledger_dir(documents_dir)
    if not folder.is_dir():
        return
    display, base = _display(folder, root), str(folder)
    for name in sorted(os.listdir(folder)):
        doc_id = name.removesuffix(".jsonl")
        if name.endswith(".jsonl") and ID_PATTERN.match(doc_id):
            yield f"{base}/{name}", f"{display}/{name}", doc_id
        elif not name.startswith("."):
            yield f"{base}/{name}", f"{display}/{name}", None


def not_a_ledger(name: str, display: str) -> DocumentLedger:
    return DocumentLedger(name, display, problems=[Problem(display, 1, "not a ledger file")])


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_document_ledger(
    path: Path, display: str, doc_id: str, data: bytes | None = None
) -> DocumentLedger:
    ledger = DocumentLedger(doc_id, display)
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError:
        ledger.problems.append(Problem(display, 1, "ledger file is not valid UTF-8"))
        return ledger
    lines = text.split("\n")
    if lines[-1] != "":
        ledger.problems.append(
            Problem(display, len(lines), "last line is incomplete (no newline at the end)")
        )
    for lineno, line in enumerate(lines[:-1], 1):
        line = line.removesuffix("\r")
        try:
            data = json.loads(line)
        except ValueError:
            ledger.problems.append(Problem(display, lineno, "entry is not valid JSON"))
            continue
        entry = Entry(data if isinstance(data, dict) else {}, line, lineno)
        for message in entry_problems(entry, ledger):
            ledger.problems.append(Problem(display, lineno, message))
        ledger.entries.append(entry)
    return ledger


def entry_problems(entry: Entry, ledger: DocumentLedger) -> list[str]:
    """What is wrong with ``entry`` coming after ``ledger.entries`` (structure, chain, hashes)."""
    data = entry.data
    event = data.get("event")
    if event not in EVENTS:
        return [f"unknown or missing event {str(event)[:40]!r}"]
    missing = sorted(REQUIRED[event] - set(data))
    if missing:
        return [f"{event} entry lacks {', '.join(missing)}"]
    problems = []
    previous = ledger.entries[-1] if ledger.entries else None
    if data["previous"] != (previous.digest if previous else None):
        problems.append(
            "hash chain broken: 'previous' is not the SHA-256 of the line before "
            "(an entry was changed, removed or moved)"
        )
    if data["document"] != ledger.doc_id:
        problems.append(f"entry names document {str(data['document'])[:80]!r}, not the file's")
    try:
        parse_time(data["archived_at"])
    except (TypeError, ValueError):
        problems.append("archived_at is not an ISO 8601 time with a zone")
    problems += _order_problems(entry, ledger)
    if event == "version":
        problems += version_problems(data)
    return problems


def _order_problems(entry: Entry, ledger: DocumentLedger) -> list[str]:
    latest = ledger.latest
    number = latest.version if latest and isinstance(latest.version, int) else 0
    expected = number + 1 if entry.data["event"] == "version" else number
    if entry.data["version"] != expected:
        return [f"{entry.data['event']} entry has version {entry.data['version']!r}; expected"
                f" {expected}"]  # fmt: skip
    withdrawn = ledger.withdrawn_entry is not None
    if entry.data["event"] == "withdrawn" and (withdrawn or number == 0):
        return ["withdrawal of a document that is not live"]
    if entry.data["event"] == "reinstated" and not withdrawn:
        return ["reinstatement of a document that is not withdrawn"]
    return []


def version_problems(data: dict) -> list[str]:
    """A version entry's content against its own hashes and offsets."""
    metadata, body, canonical = data["metadata"], data["body"], data["canonical"]
    if not isinstance(metadata, dict) or not isinstance(body, str):
        return ["version entry's metadata must be a mapping and its body text"]
    problems = []
    if version_hash(metadata, body) != data["sha256"]:
        problems.append("SHA-256 does not match the entry's metadata and body")
    if metadata.get("id") != data["document"]:
        problems.append("metadata id differs from the entry's document")
    if not isinstance(canonical, dict) or not isinstance(canonical.get("text"), str):
        return [*problems, "canonical text missing"]
    text = canonical["text"]
    if canonical.get("sha256") != sha256_text(text):
        problems.append("canonical text does not match its SHA-256")
    if not _offsets_fit(canonical.get("paragraphs"), len(text)):
        problems.append("paragraph offsets do not fit the canonical text")
    return problems


def _offsets_fit(paragraphs: object, length: int) -> bool:
    if not isinstance(paragraphs, list):
        return False
    position = 0
    for pair in paragraphs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(n) is int for n in pair)):
            return False
        if not position <= pair[0] <= pair[1] <= length:
            return False
        position = pair[1]
    return True
