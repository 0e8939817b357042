"""The version ledger: appended by builds, replayed into the database, checked, tamper-evident."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select, update

from archive.ledger_read import read_ledger
from archive.models import Version
from archive.search import SearchRequest
from webapp import create_app

from .conftest import rewind_to_first_version

STATEMENT = "home-office-iicsa-purpose"
OTHER = "home-office-leave-no-stone-unturned"


@pytest.fixture
def archive_root(archive_root):
    """STATEMENT and OTHER as they were at version 1: these tests count versions from there."""
    rewind_to_first_version(archive_root, STATEMENT, OTHER)
    return archive_root


def _line_of(root, words, doc_id=STATEMENT) -> int:
    text = (root / "documents" / f"{doc_id}.md").read_text(encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if words in line)


def _ledger_path(root, doc_id=STATEMENT):
    return root / "documents" / "ledger" / f"{doc_id}.jsonl"


def _lines(root, doc_id=STATEMENT) -> list[str]:
    return _ledger_path(root, doc_id).read_text(encoding="utf-8").splitlines()


def _write_lines(root, lines, doc_id=STATEMENT) -> None:
    _ledger_path(root, doc_id).write_text("".join(line + "\n" for line in lines), "utf-8")


def _edit(root, old, new, doc_id=STATEMENT):
    path = root / "documents" / f"{doc_id}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rows(archive, doc_id=STATEMENT):
    with archive.session() as session:
        versions = session.scalars(
            select(Version).where(Version.document_id == doc_id).order_by(Version.number)
        )
        return [(v.number, v.sha256, v.archived_at, v.canonical_text) for v in versions]


@pytest.fixture
def three_versions(archive, archive_root):
    """The statement with versions 1, 2 and 3 in the ledger and the database."""
    _edit(archive_root, "learn lessons for the future", "learn lessons, second")
    archive.build()
    _edit(archive_root, "learn lessons, second", "learn lessons, third")
    report = archive.build()
    assert report.changed == [STATEMENT]
    assert len(_lines(archive_root)) == 3
    return archive


def test_a_build_appends_one_entry_per_change_and_rewrites_none(archive, archive_root):
    before = _lines(archive_root)
    _edit(archive_root, "learn lessons for the future", "learn lessons (corrected)")
    archive.build()
    after = _lines(archive_root)
    assert after[: len(before)] == before
    entry = json.loads(after[-1])
    assert (entry["event"], entry["version"]) == ("version", 2)
    assert "learn lessons (corrected)" in entry["canonical"]["text"]
    (archive_root / "documents" / f"{OTHER}.md").unlink()
    archive.build()
    withdrawal = json.loads(_lines(archive_root, OTHER)[-1])
    assert (withdrawal["event"], withdrawal["version"]) == ("withdrawn", 1)
    assert archive.verify() == []


def test_deleting_the_database_and_index_rebuilds_the_same_archive(
    sqlite_archive, archive_root, make_archive
):
    _edit(archive_root, "learn lessons for the future", "learn lessons, second")
    sqlite_archive.build()
    before = _rows(sqlite_archive)
    sqlite_archive.close()
    shutil.rmtree(archive_root / "instance")
    shutil.rmtree(archive_root / "index")
    rebuilt = make_archive(archive_root)
    report = rebuilt.build()
    assert report.added == report.changed == []
    ledgers = list((archive_root / "documents" / "ledger").glob("*.jsonl"))
    assert len(report.replayed) == len(ledgers)  # live and withdrawn documents alike
    assert _rows(rebuilt) == before
    found = rebuilt.search.search(SearchRequest(q="second"))
    assert STATEMENT in [hit.document_id for hit in found.hits]


def test_losing_the_ledger_loses_nothing_while_the_database_lives(three_versions, archive_root):
    saved = {p.name: p.read_bytes() for p in (archive_root / "documents" / "ledger").iterdir()}
    for path in (archive_root / "documents" / "ledger").iterdir():
        path.unlink()
    report = three_versions.build()
    assert len(report.adopted) == len(saved)
    restored = {p.name: p.read_bytes() for p in (archive_root / "documents" / "ledger").iterdir()}
    assert restored == saved  # the same entries, times and chain, byte for byte


def test_a_database_ahead_of_the_ledger_is_adopted(archive, archive_root):
    """A build killed after its database commit but before its ledger write loses nothing."""
    saved = _lines(archive_root)
    _edit(archive_root, "learn lessons for the future", "learn lessons, interrupted")
    archive.build()
    v2 = _rows(archive)[1]
    _write_lines(archive_root, saved)  # as if the ledger write never happened
    report = archive.build()
    assert report.adopted == [STATEMENT] and report.changed == []
    assert json.loads(_lines(archive_root)[-1])["version"] == 2
    assert _rows(archive)[1] == v2
    assert archive.verify() == []


def test_a_database_that_contradicts_the_ledger_is_left_alone_and_reported(archive, archive_root):
    _edit(archive_root, "learn lessons for the future", "learn lessons, here")
    archive.build()
    lines = _lines(archive_root)
    with archive.transaction() as session:  # another history: v2 with other words
        session.execute(
            update(Version)
            .where(Version.document_id == STATEMENT, Version.number == 2)
            .values(sha256="0" * 64)
        )
    before = _rows(archive)
    report = archive.build()
    assert any("version 2 is sha256:" in p.message for p in report.problems)
    assert _rows(archive) == before and _lines(archive_root) == lines
    problems = archive.verify()
    assert any("differs from the ledger in sha256" in p.message for p in problems)


def _change_one_character(lines):
    entry = json.loads(lines[0])
    lines[0] = lines[0].replace("learn lessons for the future", "learn lessons for the futurE")
    assert lines[0] != json.dumps(entry)
    return lines


def _remove_middle(lines):
    return [lines[0], lines[2]]


def _swap(lines):
    return [lines[1], lines[0], lines[2]]


@pytest.mark.parametrize(
    "tamper",
    [_change_one_character, _remove_middle, _swap],
    ids=["one-character", "removed-entry", "reordered"],
)
def test_tampering_is_reported_and_never_served(
    three_versions, archive_root, run_cli, make_archive, tmp_path, tamper
):
    served_v1 = _rows(three_versions)[0]
    _write_lines(archive_root, tamper(_lines(archive_root)))
    ledger_file = f"documents/ledger/{STATEMENT}.jsonl"
    for command in ("verify", "check"):
        result = run_cli(archive_root, command)
        assert result.exit_code == 1, command
        assert f"{ledger_file}:" in result.output, (command, result.output)
    report = three_versions.build()
    assert any(p.path == ledger_file for p in report.problems)
    assert _rows(three_versions)[0] == served_v1  # this server keeps what it archived
    # A new server built from the tampered ledger serves nothing of this document.
    fresh = make_archive(archive_root, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert any(p.path == ledger_file for p in fresh.build().problems)
    client = create_app({"TESTING": True}, archive=fresh).test_client()
    assert client.get(f"/documents/{STATEMENT}/v1").status_code == 404
    assert client.get(f"/documents/{OTHER}/v1").status_code == 200


def test_locked_build_appends_nothing_and_says_what_to_do(archive, archive_root, run_cli):
    lines = _lines(archive_root)
    _edit(archive_root, "learn lessons for the future", "learn lessons (locked)")
    result = run_cli(archive_root, "build", "--locked")
    assert result.exit_code == 1
    changed_line = _line_of(archive_root, "learn lessons (locked)")
    message = (
        f"documents/{STATEMENT}.md:{changed_line}: differs from version 1 in the ledger;"
        " run `archive build` and commit the ledger"
    )
    assert message in result.output
    assert _lines(archive_root) == lines
    assert [row[0] for row in _rows(archive)] == [1]


def test_check_reports_every_kind_of_pending_change(archive, archive_root, run_cli):
    _edit(archive_root, "A Home Office spokesman", "A Home Office spokeswoman")
    (archive_root / "documents" / f"{OTHER}.md").unlink()
    new = archive_root / "documents" / "fx-new-statement.md"
    text = (archive_root / "documents" / f"{STATEMENT}.md").read_text(encoding="utf-8")
    new.write_text(text.replace(f"id: {STATEMENT}", "id: fx-new-statement"), "utf-8")
    result = run_cli(archive_root, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    speaker_line = next(
        n for n, line in enumerate(text.splitlines(), 1) if line.startswith("speaker:")
    )
    assert f"documents/{STATEMENT}.md:{speaker_line}: differs from version 1" in result.output
    assert any(line.startswith(f"documents/ledger/{OTHER}.jsonl:1: ") for line in lines)
    assert "documents/fx-new-statement.md:2: new document, not in the ledger yet" in result.output
    assert run_cli(archive_root, "build").exit_code == 0
    assert run_cli(archive_root, "check").exit_code == 0


def test_a_new_archive_without_a_ledger_checks_clean_until_built(tmp_path, run_cli):
    root = tmp_path / "new"
    assert run_cli(tmp_path, "init", str(root)).exit_code == 0
    assert run_cli(root, "check").exit_code == 0
    assert run_cli(root, "build").exit_code == 0
    assert len(read_ledger(root / "documents", root)) == 1
    assert run_cli(root, "check").exit_code == 0
    assert run_cli(root, "verify").exit_code == 0


@pytest.mark.parametrize("missing", ["documents", "organisations"])
def test_a_missing_source_withdraws_nothing(archive, archive_root, run_cli, missing):
    if missing == "documents":
        for path in (archive_root / "documents").glob("*.md"):
            path.unlink()
    else:
        (archive_root / "documents" / "organisations.yaml").unlink()
    result = run_cli(archive_root, "build")
    assert result.exit_code == 1
    assert "nothing was" in result.output and "withdrawn" in result.output
    client = create_app({"TESTING": True}, archive=archive).test_client()
    assert client.get(f"/documents/{STATEMENT}").status_code == 200
    assert archive.verify() == []


def test_quote_page_and_citations_name_the_version_by_its_short_hash(client):
    """Anyone holding the repository can check the cited version: its hash is in the ledger."""
    path = "/documents/lancashire-police-lcc-joint-statement-cse/v1/q/0-40"
    data = client.get("/api/v1" + path).get_json()
    assert data["version"]["short_hash"] == "sha256:9acec09e"
    assert data["version"]["sha256"].startswith("9acec09e")
    assert "sha256:9acec09e" in client.get(path).get_data(as_text=True)
    for style, citation in data["citations"].items():
        texts = [e["text"] for e in citation["entries"] if e["kind"] != "in-text"]
        assert any("sha256:9acec09e" in text for text in texts), style
    current = client.get("/api/v1/documents/lancashire-police-lcc-joint-statement-cse").get_json()
    latest = json.loads(
        _lines(
            client.application.extensions["archive"].config.root,
            "lancashire-police-lcc-joint-statement-cse",
        )[-1]
    )
    assert current["version"]["short_hash"] == "sha256:" + latest["sha256"][:8]
