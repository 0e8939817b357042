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
from .documents import version_hash
from .problems import Problem

LEDGER_DIRNAME = "ledger"
EVENTS = ("version", "withdrawn", "reinstated")
SYNC_EACH_UP_TO = 16  # files a build makes durable one by one; more are synced together
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


def write_document_ledgers(folder: Path, ledgers: list[DocumentLedger]) -> None:
    """Write changed ledgers atomically: each new file is written beside the old one and made
    durable before any is renamed over its old one, so a crash leaves old or new, never half."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ledger in ledgers:
        temporary = folder / f".{ledger.doc_id}.jsonl.tmp"
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("".join(entry.line + "\n" for entry in ledger.entries))
        written.append((temporary, folder / f"{ledger.doc_id}.jsonl"))
    _make_durable([temporary for temporary, _ in written])
    for temporary, target in written:
        os.replace(temporary, target)
    _fsync_dir(folder)
    for ledger in ledgers:
        ledger.dirty = False


def _make_durable(paths: list[Path]) -> None:
    """fsync each file; for many files one ``sync()`` of the file system costs far less (a cold
    build of 2,000 documents spent two thirds of its time in per-file fsync)."""
    if len(paths) > SYNC_EACH_UP_TO and hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # platforms without directory handles
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
