"""Rebuilding the index while people search: no failed or empty answer; a crash is harmless."""

from __future__ import annotations

import threading

import pytest

from archive.search import SearchRequest
from archive.search.records import iter_records

QUERIES = ["grooming", '"leave no stone unturned"', "org:nspcc", "hearing OR inquiry"]


def test_searches_keep_answering_while_reindex_runs(archive, archive_root, make_archive):
    expected = {q: archive.search.search(SearchRequest(q=q)).total for q in QUERIES}
    assert all(expected.values())
    builder = make_archive(archive_root, archive.config.database_url)  # like a second process
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def keep_searching():
        while not stop.is_set():
            for q in QUERIES:
                try:
                    results = archive.search.search(SearchRequest(q=q))
                except Exception as exc:  # noqa: BLE001 - any failure is what we look for
                    failures.append(f"{q}: {exc!r}")
                    continue
                if results.total != expected[q] or not results.hits:
                    failures.append(f"{q}: {results.total} results, expected {expected[q]}")
                answered[0] += 1

    threads = [threading.Thread(target=keep_searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            builder.build(reindex=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert answered[0] > 0


@pytest.fixture
def whoosh_archive(sqlite_archive):
    assert sqlite_archive.search.name == "whoosh"
    return sqlite_archive


def test_a_crashed_rebuild_leaves_the_old_index_serving(whoosh_archive):
    backend = whoosh_archive.search
    before = backend.search(SearchRequest(q="grooming")).total
    generation = backend.directory.current_name()

    def records_then_crash():
        with whoosh_archive.session() as session:
            for n, record in enumerate(iter_records(session)):
                if n == 5:
                    raise RuntimeError("power cut")
                yield record

    with pytest.raises(RuntimeError):
        backend.directory.rebuild(records_then_crash(), count=29)
    assert backend.directory.current_name() == generation
    generations = [p for p in backend.directory.path.iterdir() if p.is_dir()]
    assert [p.name for p in generations] == [generation]
    assert backend.search(SearchRequest(q="grooming")).total == before


def test_reindex_swaps_generations_and_removes_the_old_one(whoosh_archive):
    directory = whoosh_archive.search.directory
    old = directory.current_name()
    whoosh_archive.build(reindex=True)
    new = directory.current_name()
    assert new != old
    assert sorted(p.name for p in directory.path.iterdir() if p.is_dir()) == [new]


def test_missing_index_is_rebuilt_from_the_database(whoosh_archive):
    import shutil

    whoosh_archive.close()
    shutil.rmtree(whoosh_archive.config.index_dir)
    assert whoosh_archive.search.search(SearchRequest(q="grooming")).total > 0


def test_an_index_of_an_older_format_is_rebuilt(whoosh_archive):
    directory = whoosh_archive.search.directory
    old = directory.path / "g1"  # how the first version of the archive named generations
    (directory.path / directory.current_name()).rename(old)
    directory.pointer.write_text("g1\n")
    whoosh_archive.close()
    assert whoosh_archive.search.search(SearchRequest(q="grooming")).total > 0
    assert directory.current_name() != "g1"
    assert not old.exists()


def test_a_reopen_that_fails_halfway_does_not_break_search_for_ever(whoosh_archive, monkeypatch):
    """A rebuild elsewhere can remove the generation between "is the searcher up to date?" and
    opening the new one. Whoosh raises on closing a reader twice; the backend must not keep the
    searcher it already closed (in CI every later search failed with "Reader already closed")."""
    backend = whoosh_archive.search
    before = backend.search(SearchRequest(q="grooming")).total
    index = backend._index
    monkeypatch.setattr(type(backend._searcher), "up_to_date", lambda self: False)
    real_searcher = type(index).searcher
    calls = [0]

    def searcher_failing_once(self, **kwargs):
        calls[0] += 1
        if calls[0] == 1:
            raise FileNotFoundError("the generation was removed by a rebuild")
        return real_searcher(self, **kwargs)

    monkeypatch.setattr(type(index), "searcher", searcher_failing_once)
    assert backend.search(SearchRequest(q="grooming")).total == before
    monkeypatch.undo()
    for _ in range(3):
        assert backend.search(SearchRequest(q="grooming")).total == before
    assert calls[0] >= 2
    whoosh_archive.close()
