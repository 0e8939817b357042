"""Load one Markdown document from ``documents/`` and check it against the contract."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import canonical_text
from .dates import InvalidDate, parse_date
from .frontmatter import FrontMatterError, split_front_matter
from .problems import Problem, quoted
from .transcript_pages import pages_problems, pages_text_problems
from .transcripts import hearing_day_problem

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")
KINDS = ("statement", "report", "article", "transcript", "event")
FIELDS = {
    "id", "title", "kind", "organisations", "speaker", "date", "source", "tags",
    "summary", "context", "see_also", "milestone", "after_hearings", "change_note",
    "hearing_day", "pages",
}  # fmt: skip
SOURCE_FIELDS = {"title", "publisher", "url", "published", "via", "reference"}
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"]+$")
# The longest EDTF date we accept ("2020-04-20~/2020-05-01?") is 23 characters; anything much
# longer is refused unparsed (edtf's grammar is slow on long input) and quoted cut short.
MAX_DATE_LENGTH = 64


@dataclass(frozen=True)
class SourceDocument:
    """A valid document as written in ``documents/``: its metadata and Markdown body."""

    id: str
    metadata: dict
    body: str
    path: str
    id_line: int = 1
    # Where each field and the body start in the file, for messages about them.
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    body_line: int = 1

    @property
    def kind(self) -> str:
        return self.metadata["kind"]

    def content_hash(self) -> str:
        """SHA-256 of the canonical form of body and metadata: what makes a version distinct."""
        return version_hash(self.metadata, self.body)


def version_hash(metadata: dict, body: str) -> str:
    canonical = json.dumps(
        {"body": body, "metadata": metadata},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Checker:
    """Collects problems for one file, each at the line of the field it concerns."""

    def __init__(self, display: str, lines: dict[str, int]):
        self.display, self.lines, self.problems = display, lines, []

    def add(self, field: str | None, message: str) -> None:
        line = self.lines.get(field, 1) if field else 1
        self.problems.append(Problem(self.display, line, message))

    def text(self, data: dict, name: str, required: bool, where: str = "") -> None:
        value = data.get(name)
        field = where + name
        if value is None:
            if required:
                self.add(where.rstrip(".") or None, f"missing required field {field!r}")
        elif not isinstance(value, str) or not value.strip():
            self.add(field, f"field {field!r} must be non-empty text")

    def date(self, data: dict, name: str, where: str = "") -> None:
        value, field = data.get(name), where + name
        if value is None:
            return
        if isinstance(value, list | dict) or len(str(value)) > MAX_DATE_LENGTH:
            self.add(field, f"field {field!r}: not a valid EDTF date: {quoted(value)}")
            return
        try:
            parse_date(value)
        except InvalidDate as exc:
            self.add(field, f"field {field!r}: {exc}")


def _check_source(check: _Checker, value: object, field: str) -> None:
    if not isinstance(value, dict):
        check.add(field, f"field {field!r} must be a mapping with title and publisher")
        return
    for unknown in sorted(set(value) - SOURCE_FIELDS):
        check.add(f"{field}.{unknown}", f"unknown field {field}.{quoted(unknown)}")
    for name in ("title", "publisher"):
        check.text(value, name, required=True, where=f"{field}.")
    for name in ("via", "reference"):
        check.text(value, name, required=False, where=f"{field}.")
    url = value.get("url")
    if url is not None and not (isinstance(url, str) and URL_PATTERN.match(url)):
        check.add(f"{field}.url", f"field '{field}.url' must be an http(s) URL")
    check.date(value, "published", where=f"{field}.")


def _check_fields(check: _Checker, data: dict, organisations: set[str] | None) -> None:
    for unknown in sorted(set(data) - FIELDS):
        check.add(unknown, f"unknown field {quoted(unknown)}")
    doc_id = data.get("id")
    if doc_id is None:
        check.add(None, "missing required field 'id'")
    elif not isinstance(doc_id, str) or not ID_PATTERN.match(doc_id):
        check.add("id", f"bad id {quoted(doc_id)}: use 3–80 characters of a-z, 0-9 and '-'")
    for name in ("title",):
        check.text(data, name, required=True)
    for name in ("speaker", "summary", "context", "change_note"):
        check.text(data, name, required=False)
    kind = data.get("kind")
    if kind is None:
        check.add(None, "missing required field 'kind'")
    elif kind not in KINDS:
        check.add("kind", f"unknown kind {quoted(kind)}: use one of {', '.join(KINDS)}")
    if data.get("date") is None:
        check.add(None, "missing required field 'date'")
    check.date(data, "date")
    if data.get("source") is None:
        check.add(None, "missing required field 'source'")
    else:
        _check_source(check, data["source"], "source")
    _check_organisations(check, data, organisations)
    _check_lists(check, data)


def _check_organisations(check: _Checker, data: dict, known: set[str] | None) -> None:
    orgs = data.get("organisations")
    if orgs is None:
        if data.get("kind") != "event":
            check.add(None, "missing required field 'organisations'")
        return
    if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
        check.add("organisations", "field 'organisations' must be a list of organisation keys")
        return
    if data.get("kind") != "event" and not orgs:
        check.add("organisations", "field 'organisations' must name at least one organisation")
    for key in orgs:
        if known is not None and key not in known:
            check.add(
                "organisations", f"unknown organisation {quoted(key)} (not in organisations.yaml)"
            )


def _check_lists(check: _Checker, data: dict) -> None:
    tags = data.get("tags")
    if tags is not None and not (
        isinstance(tags, list) and all(isinstance(t, str) and TAG_PATTERN.match(t) for t in tags)
    ):
        check.add("tags", "field 'tags' must be a list of lowercase slugs")
    see_also = data.get("see_also")
    if see_also is not None:
        if not isinstance(see_also, list):
            check.add("see_also", "field 'see_also' must be a list of sources")
        else:
            for item in see_also:
                _check_source(check, item, "see_also")
    if data.get("milestone") not in (None, "hearings"):
        check.add("milestone", "field 'milestone' can only be 'hearings'")
    if data.get("after_hearings") not in (None, True, False):
        check.add("after_hearings", "field 'after_hearings' must be true or false")
    problem = hearing_day_problem(data.get("hearing_day"), data.get("kind"))
    if problem:
        check.add("hearing_day", problem)
    for name, message in pages_problems(data.get("pages"), data.get("kind")):
        check.add(name, message)


def load_document(
    path: Path, display: str, organisations: set[str] | None = None, data: bytes | None = None
) -> tuple[SourceDocument | None, list[Problem], str | None]:
    """Read and check one file (or its ``data``, already read); return the document (if
    valid), its problems and its id."""
    data = path.read_bytes() if data is None else data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "file is not valid UTF-8")], None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    try:
        parsed = split_front_matter(text)
    except FrontMatterError as exc:
        return None, [Problem(display, exc.line, str(exc))], None
    check = _Checker(display, parsed.lines)
    _check_fields(check, parsed.data, organisations)
    if not parsed.body.strip():
        check.problems.append(Problem(display, parsed.body_line, "document body is empty"))
    doc_id = parsed.data.get("id") if isinstance(parsed.data.get("id"), str) else None
    if not check.problems and parsed.data.get("pages") is not None:  # a transcript's pages
        found = canonical_text(parsed.body)
        for name, message in pages_text_problems(
            parsed.data["pages"], found.text, found.paragraphs
        ):
            check.add(name, message)
    if check.problems:
        return None, check.problems, doc_id
    document = SourceDocument(
        id=doc_id,
        metadata=parsed.data,
        body=parsed.body,
        path=display,
        id_line=parsed.lines.get("id", 1),
        lines=parsed.lines,
        body_line=parsed.body_line,
    )
    return document, [], doc_id
