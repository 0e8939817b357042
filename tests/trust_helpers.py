"""Shared by the trust tests: where the fictional corpus is (tests/fixtures/trust/) and how to
publish a correction of one of its documents (a new version with a change note). The fixtures
that build it are in tests/trust_fixtures.py (``pytest_plugins``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES

TRUST = FIXTURES / "trust"
STATEMENT = "fx-reported-statement"
GAZETTE_URL = "https://example.org/gazette/2019/12/fixture-cases"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def document_file(root: Path, doc_id: str) -> Path:
    return root / "documents" / f"{doc_id}.md"


def correct_statement(root: Path, archive, note: str | None) -> None:
    """Version 2 of the statement: one organisation dropped and a word corrected."""
    path = document_file(root, STATEMENT)
    edit(
        path, "organisations: [fixture-police, fixture-council]", "organisations: [fixture-police]"
    )
    edit(path, "and we will keep doing so.", "and we will go on doing so.")
    if note:
        edit(path, "tags: [fixture]\n", f"change_note: {note}\ntags: [fixture]\n")
    report = archive.build()
    assert report.changed == [STATEMENT], report.summary()
