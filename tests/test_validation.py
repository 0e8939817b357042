"""``archive check``: every malformed document gives one clear ``path:line: message``."""

from __future__ import annotations

import re
import shutil

import pytest

from archive.core import Archive

from .conftest import FIXTURES

MALFORMED = FIXTURES / "malformed"

# file → (line, what the message must say). Lines are 1-based lines of the file.
EXPECTED = {
    "no-front-matter.md": (1, "missing front matter"),
    "unclosed-front-matter.md": (1, "front matter is not closed"),
    "yaml-syntax.md": (4, "YAML error"),
    "not-a-mapping.md": (2, "front matter must be a mapping"),
    "missing-title.md": (1, "missing required field 'title'"),
    "bad-id.md": (2, "bad id 'Bad_ID!'"),
    "unknown-kind.md": (4, "unknown kind 'memo'"),
    "unknown-organisation.md": (5, "unknown organisation 'ministry-of-magic'"),
    "bad-date.md": (6, "not a valid EDTF date: '2019-13-45'"),
    "missing-publisher.md": (7, "missing required field 'source.publisher'"),
    "unknown-field.md": (5, "unknown field 'mood'"),
    "empty-body.md": (11, "document body is empty"),
    "non-utf8.md": (12, "not valid UTF-8"),
    "duplicate-id.md": (2, "duplicate id 'home-office-iicsa-purpose'"),
    "duplicate-field.md": (5, "duplicate field 'title'"),
    "javascript-url.md": (10, "must be an http(s) URL"),
    "missing-organisations.md": (1, "missing required field 'organisations'"),
    "missing-date.md": (1, "missing required field 'date'"),
}
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<message>.+)$")


def test_every_fixture_is_listed():
    assert sorted(p.name for p in MALFORMED.glob("*.md")) == sorted(EXPECTED)


def test_shipped_corpus_is_valid(archive_root, run_cli):
    result = run_cli(archive_root, "check")
    assert result.exit_code == 0, result.output
    assert "All documents are valid" in result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_document_gives_one_clear_line(name, archive_root, run_cli):
    shutil.copy(MALFORMED / name, archive_root / "documents" / name)
    result = run_cli(archive_root, "check")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line]
    assert len(problems) == 1, problems
    match = LINE.match(problems[0])
    assert match, problems[0]
    line, message = EXPECTED[name]
    assert match["path"] == f"documents/{name}"
    assert int(match["line"]) == line, problems[0]
    assert message in match["message"]
    assert "Traceback" not in result.output


def test_all_malformed_at_once_still_builds_the_rest(archive_root, make_archive):
    shipped = {p.stem for p in (archive_root / "documents").glob("*.md")}
    for path in MALFORMED.glob("*.md"):
        shutil.copy(path, archive_root / "documents" / path.name)
    archive = make_archive(archive_root)
    report = archive.build()
    assert {p.path for p in report.problems} == {f"documents/{n}" for n in EXPECTED}
    assert sorted(report.replayed) == sorted(shipped)  # from the ledger, none added


def test_check_reports_problem_in_organisations_file(archive_root, run_cli):
    orgs = archive_root / "documents" / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + "- name: No key here\n", encoding="utf-8")
    result = run_cli(archive_root, "check")
    assert result.exit_code == 1
    last_line = len(orgs.read_text(encoding="utf-8").splitlines())
    assert (
        f"documents/organisations.yaml:{last_line}: organisation is missing required field 'key'"
        in (result.stdout)
    )


def test_check_library_call_returns_problems(archive_root):
    shutil.copy(MALFORMED / "bad-date.md", archive_root / "documents")
    archive = Archive.open(archive_root)
    try:
        assert [str(p) for p in archive.check()] == [
            "documents/bad-date.md:6: field 'date': not a valid EDTF date: '2019-13-45'"
        ]
    finally:
        archive.close()
