"""Read ``documents/organisations.yaml``: each organisation the documents refer to, once."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .frontmatter import FrontMatterError, load_yaml_mapping
from .problems import Problem

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
FIELDS = {"key", "name", "short_name", "kind", "url"}


@dataclass(frozen=True)
class OrganisationRecord:
    key: str
    name: str
    short_name: str
    kind: str
    url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _read_entry(entry: object, line: int, path: str) -> tuple[OrganisationRecord | None, list]:
    if not isinstance(entry, dict):
        return None, [Problem(path, line, "each organisation must be a mapping")]
    problems = [Problem(path, line, f"unknown field {k!r}") for k in sorted(set(entry) - FIELDS)]
    problems += [
        Problem(path, line, f"organisation is missing required field {name!r}")
        for name in ("key", "name")
        if not isinstance(entry.get(name), str) or not entry.get(name).strip()
    ]
    key = entry.get("key")
    if isinstance(key, str) and not KEY_PATTERN.match(key):
        problems.append(Problem(path, line, f"bad organisation key {key!r}: use [a-z0-9-]"))
    if problems:
        return None, problems
    record = OrganisationRecord(
        key=key,
        name=entry["name"].strip(),
        short_name=str(entry.get("short_name") or entry["name"]).strip(),
        kind=str(entry.get("kind") or "organisation").strip(),
        url=entry.get("url") or None,
    )
    return record, []


def load_organisations(file: Path, display: str) -> tuple[dict[str, OrganisationRecord], list]:
    """Load the organisations file; return the valid records by key and the problems found."""
    if not file.exists():
        return {}, [Problem(display, 1, "organisations file is missing")]
    try:
        data, _ = load_yaml_mapping(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return {}, [Problem(display, 1, "file is not valid UTF-8")]
    except FrontMatterError as exc:
        return {}, [Problem(display, exc.line, str(exc))]
    if not isinstance(data, list):
        return {}, [Problem(display, 1, "organisations file must be a YAML list")]
    lines = _entry_lines(file)
    records: dict[str, OrganisationRecord] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(data):
        line = lines[index] if index < len(lines) else 1
        record, found = _read_entry(entry, line, display)
        problems += found
        if record and record.key in records:
            problems.append(Problem(display, line, f"duplicate organisation key {record.key!r}"))
        elif record:
            records[record.key] = record
    return records, problems


def _entry_lines(file: Path) -> list[int]:
    """The 1-based line of each top-level list item."""
    return [
        number
        for number, line in enumerate(file.read_text(encoding="utf-8").split("\n"), 1)
        if line.startswith("- ")
    ]
