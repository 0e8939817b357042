"""``archive export`` / ``archive import``: lossless, byte-identical, across databases."""

from __future__ import annotations

import json

import pytest

from archive.core import ArchiveError
from webapp import create_app

STATEMENT = "home-office-iicsa-purpose"


@pytest.fixture
def history_archive(archive, archive_root):
    """The shipped corpus with some history: an edit (v2) and a withdrawn document."""
    path = archive_root / "documents" / f"{STATEMENT}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("learn lessons", "learn the lessons"),
        encoding="utf-8",
    )
    (archive_root / "documents" / "home-office-leave-no-stone-unturned.md").unlink()
    report = archive.build()
    assert report.changed == [STATEMENT]
    return archive


def _round_trip(source, target, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    source.export(first)
    imported = target.import_(first)
    target.export(second)
    return first, second, imported


def test_export_import_export_is_byte_identical(history_archive, tmp_path, make_archive):
    empty_root = tmp_path / "empty"
    (empty_root / "documents").mkdir(parents=True)
    target = make_archive(empty_root, f"sqlite:///{tmp_path / 'target.sqlite3'}")
    first, second, imported = _round_trip(history_archive, target, tmp_path)
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert imported == len(data["documents"])
    statement = next(d for d in data["documents"] if d["id"] == STATEMENT)
    assert [v["number"] for v in statement["versions"]] == [1, 2]
    withdrawn = [d["id"] for d in data["documents"] if d["withdrawn_at"]]
    assert withdrawn == ["home-office-leave-no-stone-unturned"]


@pytest.mark.postgres
def test_sqlite_to_postgres_round_trip_is_byte_identical(
    archive_root, tmp_path, make_archive, postgres_url
):
    source = make_archive(archive_root)
    source.build()
    empty_root = tmp_path / "empty"
    (empty_root / "documents").mkdir(parents=True)
    target = make_archive(empty_root, postgres_url)
    first, second, _ = _round_trip(source, target, tmp_path)
    assert first.read_bytes() == second.read_bytes()
    exported = {d["id"]: d for d in json.loads(first.read_text(encoding="utf-8"))["documents"]}
    client = create_app({"TESTING": True}, archive=target).test_client()
    served = client.get(f"/api/v1/documents/{STATEMENT}/v1").get_json()
    assert served["version"]["sha256"] == exported[STATEMENT]["versions"][0]["sha256"]
    assert served["canonical_text"] == exported[STATEMENT]["versions"][0]["canonical_text"]


def test_import_refuses_a_database_that_holds_documents(archive, tmp_path):
    dump = tmp_path / "dump.json"
    archive.export(dump)
    with pytest.raises(ArchiveError, match="already holds documents"):
        archive.import_(dump)


def test_import_refuses_tampered_content_and_writes_nothing(archive, tmp_path, make_archive):
    dump = tmp_path / "dump.json"
    archive.export(dump)
    data = json.loads(dump.read_text(encoding="utf-8"))
    data["documents"][0]["versions"][0]["markdown"] += " (tampered)"
    dump.write_text(json.dumps(data), encoding="utf-8")
    empty_root = tmp_path / "empty"
    (empty_root / "documents").mkdir(parents=True)
    target = make_archive(empty_root, f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with pytest.raises(ArchiveError, match="SHA-256 does not match"):
        target.import_(dump)
    target.export(tmp_path / "after.json")
    assert json.loads((tmp_path / "after.json").read_text())["documents"] == []


@pytest.mark.parametrize(
    "content",
    [b"not json", b'{"format": "something-else"}', b"\xff\xfe", b'{"format": "inquiry'],
    ids=["not-json", "wrong-format", "binary", "truncated"],
)
def test_import_of_a_bad_file_is_a_clear_cli_error(content, tmp_path, run_cli):
    root = tmp_path / "root"
    (root / "documents").mkdir(parents=True)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run_cli(root, "import", str(bad))
    assert result.exit_code == 1
    assert "Error:" in result.output and "bad.json" in result.output
    assert "Traceback" not in result.output
