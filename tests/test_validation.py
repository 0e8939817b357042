"""``archive check``: every malformed document gives one clear ``path:line: message``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import select

from archive.core import Archive
from archive.models import Document
from archive.problems import MESSAGE_LIMIT, Problem, quoted
from archive.source import read_source

from .conftest import FIXTURES, PROJECT

MALFORMED = FIXTURES / "malformed"

# file → (line, what the message must say). Lines are 1-based lines of the file.
EXPECTED = {
    "no-front-matter.md": (1, "missing front matter"),
    "unclosed-front-matter.md": (1, "front matter is not closed"),
    "yaml-syntax.md": (
        3,
        "did not find expected ',' or ']' (line 4), in the '[' list that starts here",
    ),
    "yaml-unclosed-quote.md": (3, "(line 9), in the quoted text that starts here at column 8"),
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
    # Characters no archive can hold: PostgreSQL (NUL), XML (C0, U+FFFE/U+FFFF), HTML (the rest)
    "control-nul-in-body.md": (13, "control character U+0000 (NUL) at column 7: remove it"),
    "control-nul-in-title.md": (3, "control character U+0000 (NUL) at column 14"),
    "control-in-field-name.md": (10, "control character U+0001 at column 3"),
    "control-escaped-x01.md": (3, "control character U+0001 written as an escape"),
    "control-escaped-u0001.md": (3, "control character U+0001 written as an escape"),
    "control-escaped-nul-in-source.md": (8, "control character U+0000 (NUL) written as an escape"),
    "control-del-in-body.md": (11, "control character U+007F (DEL) at column 6"),
    "control-c1-in-title.md": (3, "U+0092 at column 18: remove it; it cannot be stored or shown"),
    "noncharacter-in-body.md": (13, "noncharacter U+FFFF at column 1"),
    "noncharacter-in-source.md": (8, "noncharacter U+FFFE at column 23"),
    "escaped-surrogate.md": (3, "found invalid Unicode character escape code"),
    "stray-carriage-return.md": (13, "carriage return (U+000D) without a line feed at column 7"),
    "line-separator-in-front-matter.md": (3, "line separator U+2028 at column 14: YAML reads it"),
    "cr-only-line-endings.md": (1, "line endings are CR only; save the file with LF or CRLF"),
    # YAML that would cost more than it says
    "yaml-alias.md": (10, "YAML anchors (&name) and aliases (*name) are not allowed"),
    "yaml-alias-bomb.md": (9, "YAML anchors (&name) and aliases (*name) are not allowed"),
    "deep-nesting.md": (5, "values nest more than 20 levels deep"),
    "field-name-not-text.md": (10, "field name 2019 is not text"),
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
    # only this file's lines: check may also print warnings about the shipped documents
    problems = [
        line for line in result.stdout.splitlines() if line.startswith(f"documents/{name}:")
    ]
    assert len(problems) == 1, result.stdout
    match = LINE.match(problems[0])
    assert match, problems[0]
    line, message = EXPECTED[name]
    assert match["path"] == f"documents/{name}"
    assert int(match["line"]) == line, problems[0]
    assert message in match["message"]
    assert "Traceback" not in result.output


def test_all_malformed_at_once_still_builds_the_rest(archive_root, make_archive):
    shipped = {p.stem for p in (archive_root / "documents" / "ledger").glob("*.jsonl")}
    for path in MALFORMED.glob("*.md"):
        shutil.copy(path, archive_root / "documents" / path.name)
    archive = make_archive(archive_root)
    report = archive.build()
    assert {p.path for p in report.problems} == {f"documents/{n}" for n in EXPECTED}
    assert sorted(report.replayed) == sorted(shipped)  # from the ledger (withdrawn too), none added


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


VALID = """---
id: {id}
title: {title}
kind: statement
organisations: [home-office]
date: "2019-12-28"
source:
  title: A test source
  publisher: A test publisher
---
{body}
"""


def test_characters_text_may_hold_are_accepted(archive_root):
    body = "Tab\there, a no-break\u00a0space, 𝄞, a zero\ufeffwidth and a\u2028line separator."
    text = VALID.format(id="fine-characters", title='"Tab\\there and \\u2019 quoted"', body=body)
    (archive_root / "documents" / "fine-characters.md").write_text(text, encoding="utf-8")
    crlf = VALID.format(id="crlf-endings", title="Windows line endings", body="Words.")
    (archive_root / "documents" / "crlf-endings.md").write_bytes(
        crlf.replace("\n", "\r\n").encode()
    )
    tree = read_source(archive_root / "documents", archive_root)
    assert tree.problems == []
    assert tree.documents["fine-characters"].body == body
    assert tree.documents["fine-characters"].metadata["title"] == "Tab\there and ’ quoted"
    assert tree.documents["crlf-endings"].body == "Words."


@pytest.mark.parametrize("name", ["control-nul-in-body.md", "control-escaped-x01.md"])
def test_a_control_character_never_reaches_the_database(
    name, archive_root, make_archive, database_url
):
    """Before, a NUL passed the check and the PostgreSQL build died with a DataError."""
    shipped = {p.stem for p in (archive_root / "documents" / "ledger").glob("*.jsonl")}
    shutil.copy(MALFORMED / name, archive_root / "documents" / name)
    archive = make_archive(archive_root, database_url)
    report = archive.build()
    assert [p.path for p in report.problems] == [f"documents/{name}"]
    with archive.session() as session:
        assert set(session.scalars(select(Document.id))) == shipped


def test_a_title_with_an_escaped_control_character_stays_out_of_the_feed(
    archive_root, make_archive
):
    from webapp import create_app

    shutil.copy(MALFORMED / "control-escaped-u0001.md", archive_root / "documents")
    archive = make_archive(archive_root)
    assert [p.line for p in archive.build().problems] == [3]
    response = (
        create_app({"TESTING": True}, archive=archive).test_client().get("/feeds/documents.atom")
    )
    feed = response.get_data(as_text=True)
    assert response.status_code == 200 and "\x01" not in feed and "&#1;" not in feed
    assert "control-escaped-u0001" not in feed


# Run apart, with its address space capped, so a regression fails instead of eating the machine.
BOMB = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from archive.documents import load_document
tracemalloc.start()
started = time.perf_counter()
_, problems, _ = load_document(Path(sys.argv[1]), "bomb.md")
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak": tracemalloc.get_traced_memory()[1],
                  "problems": [str(p) for p in problems]}))
"""


def test_an_alias_bomb_is_refused_at_once_in_little_memory():
    """10^9 "lol"s from 600 bytes: before, `archive check` ran past 60 s and 4.9 GB."""
    command = [sys.executable, "-c", BOMB, str(MALFORMED / "yaml-alias-bomb.md")]
    try:
        run = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the alias bomb was not refused within 30 s")
    assert run.returncode == 0, run.stderr[-2000:]
    measured = json.loads(run.stdout)
    assert measured["problems"] == [
        "bomb.md:9: YAML anchors (&name) and aliases (*name) are not allowed: write each value out"
    ]
    assert measured["seconds"] < 0.25  # measured: under 2 ms
    assert measured["peak"] < 1_000_000  # bytes; measured: 20 kB


def test_messages_quote_at_most_80_characters_of_a_value(archive_root, run_cli):
    huge = "x" * 5000
    text = (
        VALID.format(id=huge, title="Long values", body="Words.")
        .replace("kind: statement", f"kind: {huge}\n{'f' * 900}: 1\norganisations: [{huge}]")
        .replace("organisations: [home-office]\n", "")
        .replace('"2019-12-28"', huge)
    )
    (archive_root / "documents" / "long-values.md").write_text(text, encoding="utf-8")
    result = run_cli(archive_root, "check")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "long-values.md:" in line]
    assert len(lines) == 5, result.stdout
    cut = "'" + "x" * 79 + "…'"
    for start in ("bad id ", "unknown kind ", "unknown organisation ", "field 'date': "):
        assert any(f": {start}" in line and cut in line for line in lines), (start, lines)
    assert any("unknown field '" + "f" * 79 + "…'" in line for line in lines), lines
    assert max(len(line) for line in lines) < 200


def test_no_message_is_enormous():
    problem = Problem("documents/a.md", 1, "first line\n" + "y" * 100_000)
    assert len(problem.message) == MESSAGE_LIMIT and problem.message.endswith("…")
    assert "\n" not in str(problem)
    assert quoted("z" * 81) == "'" + "z" * 79 + "…'" and quoted("z" * 80) == "'" + "z" * 80 + "'"
    assert len(quoted(list(range(10**6)))) <= 80
    assert quoted(None) == "None" and quoted(2019) == "2019"


def test_anchors_are_refused_in_the_organisations_file_too(archive_root, run_cli):
    orgs = archive_root / "documents" / "organisations.yaml"
    text = orgs.read_text(encoding="utf-8")
    line = len(text.splitlines()) + 1
    orgs.write_text(text + "- &again {key: again, name: Again}\n- *again\n", encoding="utf-8")
    result = run_cli(archive_root, "check")
    assert result.exit_code == 1
    assert f"documents/organisations.yaml:{line}: YAML anchors (&name)" in result.stdout
