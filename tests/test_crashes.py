"""Builds killed with SIGKILL at chosen moments lose nothing, and the next build mends the index.

Each case runs the real ``archive build`` in a child process that kills itself (SIGKILL, so no
handler, ``finally`` or ``atexit`` runs) at one stage: while reading the documents, right after
the database commit, in the middle of the search index update (Whoosh has written its new
segment but not its table of contents; PostgreSQL has deleted the old entries in a transaction
that never commits), and in the middle of ``--reindex``. Then a normal build runs, and every
version must be intact and every search right: each current document's unique word finds it,
and no replaced word finds anything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import select

from archive.models import Document
from archive.search import SearchRequest
from archive.verify import verify

from .conftest import PROJECT

DOCUMENTS = 40
KILLER = r"""
import os, signal, sys

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

stage = sys.argv[1]
if stage == "reading":
    import archive.source_cache as source
    original, calls = source.load_document, []

    def load(*args, **kwargs):
        calls.append(1)
        if len(calls) == 20:
            die()
        return original(*args, **kwargs)

    source.load_document = load
elif stage == "after-commit":
    from archive.search import postgres, whoosh_backend
    whoosh_backend.WhooshBackend.after_build = die
    postgres.PostgresBackend.after_build = die
else:  # index-update, reindex: mid-commit of the index
    import whoosh.index
    from archive.search import postgres
    write_toc = whoosh.index.TOC.write

    def commit(toc, *args, **kwargs):  # generation 0 is a new, empty index: let it be
        if toc.generation > 0:
            die()
        return write_toc(toc, *args, **kwargs)

    whoosh.index.TOC.write = commit
    postgres.PostgresBackend._fill = die
from archive.cli import main
main(sys.argv[2:], prog_name="archive")
"""


def _word(n: int, family: str) -> str:
    """A word no other document has: letters only, so every analyser keeps it whole."""
    letters = "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{n:03d}")
    return f"{family}{letters}q"


def _write(root, n: int, family: str) -> None:
    body = f"Paragraph of document {n} about the inquiry, with the word {_word(n, family)}."
    (root / "documents" / f"fx-crash-{n:03d}.md").write_text(
        f"---\nid: fx-crash-{n:03d}\ntitle: Crash test document {n}\nkind: statement\n"
        "organisations: [home-office]\ndate: 2019-12-28\n"
        "source: {title: A source, publisher: A publisher}\n---\n" + body + "\n",
        encoding="utf-8",
    )


@pytest.fixture
def crash_root(tmp_path):
    root = tmp_path / "root"
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "organisations.yaml").write_text(
        "- key: home-office\n  name: Home Office\n  short_name: Home Office\n  kind: government\n",
        encoding="utf-8",
    )
    for n in range(DOCUMENTS):
        _write(root, n, "old")
    return root


def _killed_build(root, database_url: str, stage: str) -> None:
    env = {**os.environ, "ARCHIVE_DATABASE_URL": database_url, "ARCHIVE_ROOT": str(root)}
    args = ["build", "--reindex"] if stage == "reindex" else ["build"]
    done = subprocess.run(
        [sys.executable, "-c", KILLER, stage, *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr[-2000:])


def _finds(archive, word: str) -> list[str]:
    return [hit.document_id for hit in archive.search.search(SearchRequest(q=word)).hits]


@pytest.mark.parametrize("stage", ["reading", "after-commit", "index-update", "reindex"])
def test_a_killed_build_loses_nothing_and_the_next_one_mends_the_index(
    crash_root, database_url, make_archive, stage
):
    archive = make_archive(crash_root, database_url)
    assert archive.build().added  # every document as version 1, indexed
    for n in range(0, DOCUMENTS, 2):  # half the documents get new words: version 2
        _write(crash_root, n, "new")
    archive.close()

    _killed_build(crash_root, database_url, stage)

    after = make_archive(crash_root, database_url)
    report = after.build()
    assert not report.problems
    with after.session() as session:
        assert verify(session, after.read_ledger(), after.search.indexed_versions()) == []
    for n in range(DOCUMENTS):
        doc_id = f"fx-crash-{n:03d}"
        if n % 2 == 0:
            assert _finds(after, _word(n, "new")) == [doc_id], n
            assert _finds(after, _word(n, "old")) == [], n
        else:
            assert _finds(after, _word(n, "old")) == [doc_id], n
    with after.session() as session:
        numbers = dict(session.execute(select(Document.id, Document.current_version)).all())
    assert numbers == {f"fx-crash-{n:03d}": 2 if n % 2 == 0 else 1 for n in range(DOCUMENTS)}


def test_verify_reports_a_stale_index(crash_root, make_archive, run_cli):
    archive = make_archive(crash_root)
    archive.build()
    _write(crash_root, 3, "new")
    _killed_build(crash_root, archive.config.database_url, "after-commit")
    result = run_cli(crash_root, "verify")
    assert result.exit_code == 1
    assert "documents/ledger/fx-crash-003.jsonl:1: the search index holds another version" in (
        result.output
    )
    assert run_cli(crash_root, "build").exit_code == 0
    assert run_cli(crash_root, "verify").exit_code == 0
