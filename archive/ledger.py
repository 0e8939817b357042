"""The version ledger: every version and withdrawal of every document, committed beside them.

One JSON Lines file per document, ``documents/ledger/<id>.jsonl``, so two editors changing two
documents never touch the same file. Each line is one entry written as canonical JSON (sorted
keys, no spaces, UTF-8), so an entry is the same bytes on every machine, and each entry holds the
SHA-256 of the line before it: rewriting an old entry breaks every later link. Entries are only
ever appended. The database and the search index are derived from these files; see
``archive/ledger_build.py`` for how a build writes both.

Entry kinds (``event``): ``version`` (the metadata and body exactly as archived, their SHA-256,
the canonical text with its SHA-256 and paragraph offsets, and the rules that computed it),
``withdrawn`` (the file was deleted) and ``reinstated`` (the same words came back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import CANONICAL_RULES
from .documents import ID_PATTERN, version_hash
from .problems import Problem

LEDGER_DIRNAME = "ledger"
EVENTS = ("version", "withdrawn", "reinstated")
REQUIRED = {
    "version": {"document", "event", "previous", "archived_at", "version", "sha256", "metadata",
                "body", "canonical", "path"},
    "withdrawn": {"document", "event", "previous", "archived_at", "version"},
    "reinstated": {"document", "event", "previous", "archived_at", "version", "path"},
}  # fmt: skip


def dumps(data: dict) -> str:
    """The canonical one-line JSON of an entry."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no time zone")
    return parsed.astimezone(dt.UTC)


def short_hash(sha256: str) -> str:
    """How pages and citations name a version: ``sha256:`` and its first eight hex digits."""
    return f"sha256:{sha256[:8]}"


@dataclass(frozen=True)
class Entry:
    """One line of a ledger file, as stored, and what it says."""

    data: dict
    line: str
    lineno: int

    @property
    def event(self) -> str:
        return self.data["event"]

    @property
    def version(self) -> int:
        return self.data["version"]

    @property
    def archived_at(self) -> dt.datetime:
        return parse_time(self.data["archived_at"])

    @property
    def digest(self) -> str:
        return sha256_text(self.line)


@dataclass
class DocumentLedger:
    """The entries of one document's ledger file and the problems found in them."""

    doc_id: str
    display: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dirty: bool = False  # entries were appended and the file must be written

    @property
    def trusted(self) -> bool:
        return not self.problems

    @property
    def versions(self) -> list[Entry]:
        return [e for e in self.entries if e.event == "version"]

    @property
    def latest(self) -> Entry | None:
        versions = self.versions
        return versions[-1] if versions else None

    @property
    def withdrawn_entry(self) -> Entry | None:
        """The withdrawal in force: a later version or reinstatement makes the document live."""
        last = self.entries[-1] if self.entries else None
        return last if last is not None and last.event == "withdrawn" else None

    @property
    def path(self) -> str | None:
        """Where the document's file was when it was last archived or reinstated."""
        placed = [e for e in self.entries if "path" in e.data]
        return placed[-1].data["path"] if placed else None

    def append(self, data: dict) -> Entry:
        data = {**data, "document": self.doc_id}
        data["previous"] = self.entries[-1].digest if self.entries else None
        entry = Entry(data, dumps(data), len(self.entries) + 1)
        self.entries.append(entry)
        self.dirty = True
        return entry


def version_entry(
    number: int,
    metadata: dict,
    body: str,
    path: str,
    archived_at: dt.datetime,
    canonical,
    rules: int = CANONICAL_RULES,
) -> dict:
    """A new version; ``canonical`` is an ``archive.canonical.Canonical`` (text and offsets)
    computed by canonical-text ``rules``."""
    return {
        "event": "version",
        "version": number,
        "sha256": version_hash(metadata, body),
        "archived_at": format_time(archived_at),
        "path": path,
        "metadata": metadata,
        "body": body,
        "canonical": {
            "rules": rules,
            "sha256": sha256_text(canonical.text),
            "paragraphs": [list(pair) for pair in canonical.paragraphs],
            "text": canonical.text,
        },
    }


def state_entry(event: str, number: int, archived_at: dt.datetime, path: str | None) -> dict:
    """A withdrawal (the file went away) or a reinstatement (the same words came back)."""
    data = {"event": event, "version": number, "archived_at": format_time(archived_at)}
    if event == "reinstated":
        data["path"] = path
    return data


def ledger_dir(documents_dir: Path) -> Path:
    return documents_dir / LEDGER_DIRNAME


def read_ledger(documents_dir: Path, root: Path) -> dict[str, DocumentLedger]:
    """Every document's ledger under ``documents/ledger/``, checked (cheaply: no Markdown)."""
    folder = ledger_dir(documents_dir)
    ledgers: dict[str, DocumentLedger] = {}
    if not folder.is_dir():
        return ledgers
    for path in sorted(folder.iterdir()):
        display = _display(path, root)
        doc_id = path.name.removesuffix(".jsonl")
        if not path.name.endswith(".jsonl") or not ID_PATTERN.match(doc_id):
            if not path.name.startswith("."):
                ledgers[path.name] = DocumentLedger(
                    path.name, display, problems=[Problem(display, 1, "not a ledger file")]
                )
            continue
        ledgers[doc_id] = read_document_ledger(path, display, doc_id)
    return ledgers


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_document_ledger(path: Path, display: str, doc_id: str) -> DocumentLedger:
    ledger = DocumentLedger(doc_id, display)
    try:
        text = path.read_bytes().decode("utf-8")
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


def write_document_ledger(folder: Path, ledger: DocumentLedger) -> None:
    """Write one document's ledger atomically (a new file renamed over the old)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{ledger.doc_id}.jsonl"
    temporary = folder / f".{ledger.doc_id}.jsonl.tmp"
    content = "".join(entry.line + "\n" for entry in ledger.entries)
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    _fsync_dir(folder)
    ledger.dirty = False


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # platforms without directory handles
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
