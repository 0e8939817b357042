"""``archive export`` / ``archive import``: lossless, byte-identical, across databases."""

from __future__ import annotations

import hashlib
import json

import pytest

from archive.core import ArchiveError
from webapp import create_app

from .conftest import PROJECT

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
    shipped = (PROJECT / "documents" / "ledger" / f"{STATEMENT}.jsonl").read_text("utf-8")
    versions = len(shipped.splitlines()) + 1  # the shipped versions and the fixture's edit
    assert [(e["event"], e["version"]) for e in statement["ledger"]] == [
        ("version", n) for n in range(1, versions + 1)
    ]
    police = next(o for o in data["organisations"] if o["key"] == "lancashire-police")
    assert (police["name"], police["formal_name"]) == (
        "Lancashire Police",
        "Lancashire Constabulary",
    )
    withdrawn = [d["id"] for d in data["documents"] if d["ledger"][-1]["event"] == "withdrawn"]
    assert "home-office-leave-no-stone-unturned" in withdrawn  # the fixture's withdrawal
    assert STATEMENT not in withdrawn


def test_import_writes_the_ledger_byte_for_byte(history_archive, archive_root, tmp_path, run_cli):
    dump = tmp_path / "dump.json"
    history_archive.export(dump)
    target = tmp_path / "target"
    (target / "documents").mkdir(parents=True)
    assert run_cli(target, "import", str(dump)).exit_code == 0
    source_ledger = archive_root / "documents" / "ledger"
    names = sorted(p.name for p in source_ledger.glob("*.jsonl"))
    assert sorted(p.name for p in (target / "documents" / "ledger").glob("*.jsonl")) == names
    for name in names:
        imported = (target / "documents" / "ledger" / name).read_bytes()
        assert imported == (source_ledger / name).read_bytes(), name
    verified = run_cli(target, "verify")
    assert verified.exit_code == 0, verified.output


def _format_1(data: dict) -> dict:
    """The same archive as a format 1 export (before the ledger): database rows per version."""
    documents = []
    for row in data["documents"]:
        versions = [e for e in row["ledger"] if e["event"] == "version"]
        last = row["ledger"][-1]
        documents.append(
            {
                "id": row["id"],
                "source_path": row["source_path"],
                "created_at": versions[0]["archived_at"],
                "withdrawn_at": last["archived_at"] if last["event"] == "withdrawn" else None,
                "current_version": versions[-1]["version"],
                "versions": [
                    {
                        "number": v["version"],
                        "sha256": v["sha256"],
                        "archived_at": v["archived_at"],
                        "metadata": v["metadata"],
                        "markdown": v["body"],
                        "canonical_text": v["canonical"]["text"],
                        "paragraphs": v["canonical"]["paragraphs"],
                    }
                    for v in versions
                ],
            }
        )
    return {**data, "format_version": 1, "documents": documents}


def test_a_format_1_export_still_imports(history_archive, tmp_path, make_archive):
    dump, old = tmp_path / "dump.json", tmp_path / "old.json"
    history_archive.export(dump)
    data = json.loads(dump.read_text(encoding="utf-8"))
    old.write_text(json.dumps(_format_1(data)), encoding="utf-8")
    empty_root = tmp_path / "empty"
    (empty_root / "documents").mkdir(parents=True)
    target = make_archive(empty_root, f"sqlite:///{tmp_path / 'target.sqlite3'}")
    assert target.import_(old) == len(data["documents"])
    again = tmp_path / "again.json"
    target.export(again)
    # Format 1 files were written before canonical-text rules were numbered: all rules 1.
    assert _without_rules(json.loads(again.read_text(encoding="utf-8"))) == _without_rules(data)


def _without_rules(data: dict) -> dict:
    for row in data["documents"]:
        for entry in row["ledger"]:
            entry.pop("previous")
            entry.get("canonical", {}).pop("rules", None)
    return data


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
    first_version = exported[STATEMENT]["ledger"][0]
    assert served["version"]["sha256"] == first_version["sha256"]
    assert served["canonical_text"] == first_version["canonical"]["text"]


def test_import_refuses_a_database_that_holds_documents(archive, tmp_path):
    dump = tmp_path / "dump.json"
    archive.export(dump)
    with pytest.raises(ArchiveError, match="already holds documents"):
        archive.import_(dump)


def _empty_target(tmp_path, make_archive):
    empty_root = tmp_path / "empty"
    (empty_root / "documents").mkdir(parents=True)
    return make_archive(empty_root, f"sqlite:///{tmp_path / 'target.sqlite3'}"), empty_root


def _tampered(archive, tmp_path, change) -> object:
    dump = tmp_path / "dump.json"
    archive.export(dump)
    data = json.loads(dump.read_text(encoding="utf-8"))
    change(data)
    dump.write_text(json.dumps(data), encoding="utf-8")
    return dump


def _first_entry(data: dict) -> dict:
    return data["documents"][0]["ledger"][0]


def _statement(data: dict) -> dict:
    return next(row for row in data["documents"] if row["id"] == STATEMENT)


def _forge_canonical(data: dict) -> None:
    """Forged words that a permalink would show, with their own SHA-256 made to match."""
    canonical = _first_entry(data)["canonical"]
    canonical["text"] = canonical["text"].replace("the", "no", 1)
    canonical["sha256"] = hashlib.sha256(canonical["text"].encode()).hexdigest()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _first_entry(d).update(body=_first_entry(d)["body"] + " (x)"), "SHA-256"),
        (_forge_canonical, "canonical text"),
        (lambda d: d["documents"].append(d["documents"][0]), "more than once"),
        (lambda d: _statement(d)["ledger"].reverse(), "hash chain broken"),
        (lambda d: _first_entry(d).pop("archived_at"), "lacks archived_at"),
    ],
    ids=["body", "canonical-text", "duplicate-document", "reordered", "missing-field"],
)
def test_import_refuses_tampered_or_broken_files_and_writes_nothing(
    history_archive, tmp_path, make_archive, change, message
):
    dump = _tampered(history_archive, tmp_path, change)
    target, root = _empty_target(tmp_path, make_archive)
    with pytest.raises(ArchiveError, match=message):
        target.import_(dump)
    target.export(tmp_path / "after.json")
    assert json.loads((tmp_path / "after.json").read_text())["documents"] == []
    assert not (root / "documents" / "ledger").exists()


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
