"""Read ``documents/organisations.yaml``: each organisation the documents refer to, once.

Each organisation has **one name**, ``name``, which every page, facet, dropdown, citation and
export shows. Its other names are kept so that search finds it by any of them: ``formal_name``
(the body's formal or legal name, when it differs) and ``aliases`` (other names it is known
by). ``short_name`` is still read, as one more alias, for files written before there was one
name; ``archive check`` warns when it differs from ``name``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .frontmatter import FrontMatterError, load_yaml_mapping
from .problems import Problem

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
FIELDS = {"key", "name", "short_name", "kind", "url", "formal_name", "aliases"}


@dataclass(frozen=True)
class OrganisationRecord:
    key: str
    name: str
    short_name: str
    kind: str
    url: str | None = None
    formal_name: str | None = None
    aliases: tuple[str, ...] = ()
    line: int = field(default=1, compare=False)  # where the entry starts, for messages

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the organisation goes by, its one name first, each once."""
        return unique_names(self.name, self.formal_name, self.short_name, *self.aliases)

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["line"]
        data["aliases"] = list(self.aliases)
        return data


def unique_names(*names: str | None) -> tuple[str, ...]:
    """The names given, without blanks and without repeats (case and spacing ignored)."""
    seen: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            seen.setdefault(" ".join(name.split()).casefold(), " ".join(name.split()))
    return tuple(seen.values())


def _text_problems(entry: dict, line: int, path: str) -> list[Problem]:
    problems = [
        Problem(path, line, f"organisation is missing required field {name!r}")
        for name in ("key", "name")
        if not isinstance(entry.get(name), str) or not entry.get(name).strip()
    ]
    for name in ("formal_name", "short_name"):
        value = entry.get(name)
        if value is not None and not (isinstance(value, str) and value.strip()):
            problems.append(Problem(path, line, f"field {name!r} must be non-empty text"))
    aliases = entry.get("aliases")
    if aliases is not None and not (
        isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases)
    ):
        problems.append(Problem(path, line, "field 'aliases' must be a list of names"))
    return problems


def _read_entry(entry: object, line: int, path: str) -> tuple[OrganisationRecord | None, list]:
    if not isinstance(entry, dict):
        return None, [Problem(path, line, "each organisation must be a mapping")]
    problems = [Problem(path, line, f"unknown field {k!r}") for k in sorted(set(entry) - FIELDS)]
    problems += _text_problems(entry, line, path)
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
        formal_name=(entry.get("formal_name") or "").strip() or None,
        aliases=unique_names(*(entry.get("aliases") or [])),
        line=line,
    )
    return record, []


def _name_clashes(records: list[OrganisationRecord], path: str) -> list[Problem]:
    """A name that two organisations both claim would make search and citations ambiguous."""
    owners: dict[str, str] = {}
    problems = []
    for record in records:
        for name in record.names:
            owner = owners.setdefault(name.casefold(), record.key)
            if owner != record.key:
                message = f"name {name!r} is already a name of organisation {owner!r}"
                problems.append(Problem(path, record.line, message))
    return problems


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
    problems += _name_clashes(list(records.values()), display)
    return records, problems


def _entry_lines(file: Path) -> list[int]:
    """The 1-based line of each top-level list item."""
    return [
        number
        for number, line in enumerate(file.read_text(encoding="utf-8").split("\n"), 1)
        if line.startswith("- ")
    ]
