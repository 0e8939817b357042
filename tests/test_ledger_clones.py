"""The repository is the archive: every clone, on any database, serves the same versions.

These tests clone this repository with git (what a new server does), build the clones and
compare them; the ledger they read is the committed one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.documents import load_document
from archive.ledger import parse_time
from archive.ledger_read import read_ledger
from archive.models import Document, Version
from webapp import create_app

from .conftest import FIXTURES, PROJECT, skip_unless_available

STARTING_COMMIT = "efa8a0c"  # the main that servers ran when the ledger began
PERMALINKS = json.loads((FIXTURES / "permalinks-2026-11-29.json").read_text(encoding="utf-8"))
STATEMENT = "home-office-iicsa-purpose"
MOVED = "home-office-leave-no-stone-unturned"
GONE = "nspcc-lancashire-grooming-crimes-2019"
DELETED = "lancashire-police-lcc-joint-statement-cse"


def _git(*args: str, cwd: Path) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def clone(tmp_path):
    """Clone a repository (this project by default) into a new folder under tmp_path."""
    if shutil.which("git") is None or not (PROJECT / ".git").exists():
        skip_unless_available("the clone tests need git and this project as a git repository")
    count = iter(range(100))

    def _clone(source: Path = PROJECT) -> Path:
        target = tmp_path / f"clone{next(count)}"
        _git("clone", "-q", str(source), str(target), cwd=tmp_path)
        return target

    return _clone


def _snapshot(archive) -> list[tuple]:
    """Everything a permalink depends on, for every version of every document."""
    with archive.session() as session:
        versions = session.scalars(select(Version).order_by(Version.document_id, Version.number))
        rows = [
            (v.document_id, v.number, v.sha256, v.archived_at, v.canonical_text, v.paragraphs)
            for v in versions
        ]
        documents = session.scalars(select(Document).order_by(Document.id))
        rows += [(d.id, d.current_version, d.created_at, d.withdrawn_at) for d in documents]
    return rows


def _built(make_archive, root: Path, database_url: str | None = None):
    archive = make_archive(root, database_url)
    report = archive.build(locked=True)  # a clean clone needs no new ledger entry
    assert not report.problems, report.problems
    return archive


def _quote(client, link: dict) -> dict:
    span = f"{link['start']}-{link['end']}"
    path = f"/api/v1/documents/{link['document']}/v{link['version']}/q/{span}"
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_json()


@pytest.mark.postgres
def test_two_clones_on_two_databases_agree_on_every_version(clone, make_archive, postgres_url):
    first, second = clone(), clone()
    on_sqlite = _built(make_archive, first)
    on_postgres = _built(make_archive, second, postgres_url)
    snapshot = _snapshot(on_sqlite)
    assert snapshot == _snapshot(on_postgres)
    on_sqlite.close()
    shutil.rmtree(first / "instance")
    shutil.rmtree(first / "index")
    assert _snapshot(_built(make_archive, first)) == snapshot


def test_a_clone_serves_every_permalink_issued_before_the_ledger(clone, make_archive):
    archive = _built(make_archive, clone())
    client = create_app({"TESTING": True}, archive=archive).test_client()
    for link in PERMALINKS["permalinks"]:
        assert _quote(client, link)["quote"]["text"] == link["exact"]


def test_the_ledger_starts_with_the_documents_as_they_stood(clone):
    """Bootstrap: v1 of each shipped document is its file at the starting commit, archived at
    the time that commit's history says the file last changed."""
    root = clone()
    try:
        _git("cat-file", "-e", f"{STARTING_COMMIT}^{{commit}}", cwd=root)
    except subprocess.CalledProcessError:
        pytest.skip(f"this clone's history does not reach {STARTING_COMMIT} (a shallow clone)")
    listed = _git("ls-tree", "--name-only", STARTING_COMMIT, "documents/", cwd=root).split()
    files = [name for name in listed if name.endswith(".md")]
    ledgers = read_ledger(root / "documents", root)
    assert {Path(name).stem for name in files} <= set(ledgers)  # and documents added since
    old = root / "at-start"
    for name in files:
        old.mkdir(exist_ok=True)
        (old / Path(name).name).write_text(_git("show", f"{STARTING_COMMIT}:{name}", cwd=root))
        document, problems, _ = load_document(old / Path(name).name, name)
        assert not problems, problems
        first = ledgers[document.id].versions[0]
        assert (first.version, first.data["sha256"]) == (1, document.content_hash())
        committed = _git("log", "-1", "--format=%cI", STARTING_COMMIT, "--", name, cwd=root)
        assert first.archived_at == parse_time(committed.strip())


def _edit(root: Path, doc_id: str, change) -> None:
    path = root / "documents" / f"{doc_id}.md"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _drop_first_paragraph(text: str) -> str:
    head, _, body = text.partition("\n---\n")
    return head + "\n---\n" + body.strip("\n").split("\n\n", 1)[1] + "\n"


def _insert_first_paragraph(text: str) -> str:
    head, _, body = text.partition("\n---\n")
    return head + "\n---\nA new opening paragraph, added by an editor.\n\n" + body


def test_a_correction_committed_upstream_keeps_v1_on_every_new_clone(clone, make_archive):
    editor = clone()
    shipped = len(read_ledger(editor / "documents", editor)[STATEMENT].versions)
    _edit(editor, STATEMENT, lambda t: t.replace("learn lessons", "learn the lessons"))
    _edit(editor, MOVED, _insert_first_paragraph)
    _edit(editor, GONE, _drop_first_paragraph)
    (editor / "documents" / f"{DELETED}.md").unlink()
    report = make_archive(editor).build()
    assert (report.changed, report.withdrawn) == (sorted([STATEMENT, MOVED, GONE]), [DELETED])
    _git("add", "documents", cwd=editor)
    _git("commit", "-q", "-m", "Corrections", cwd=editor)

    archive = _built(make_archive, clone(editor))
    client = create_app({"TESTING": True}, archive=archive).test_client()
    for link in PERMALINKS["permalinks"]:
        assert _quote(client, link)["quote"]["text"] == link["exact"]
    first = {link["document"]: link for link in PERMALINKS["permalinks"][::-1]}
    expected = {STATEMENT: "changed", MOVED: "moved", GONE: "gone", DELETED: "gone"}
    for doc_id, status in expected.items():
        assert _quote(client, first[doc_id])["standing"]["status"] == status, doc_id
    page = client.get(f"/documents/{DELETED}")
    assert page.status_code == 410
    assert f'href="/documents/{DELETED}/v1"'.encode() in page.data
    assert client.get(f"/documents/{DELETED}/v1").status_code == 200
    current = client.get(f"/api/v1/documents/{STATEMENT}").get_json()["version"]["number"]
    assert current == shipped + 1
