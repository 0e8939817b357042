"""Search finds a document by any name of its organisations, on both backends.

The organisations file of the test's copy of the corpus is rewritten here, never the shipped
one: Lancashire Police keeps its one name, with its formal name and an alias beside it.
"""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import text

from archive.search import SearchRequest
from archive.search.records import iter_records

JOINT = "lancashire-police-lcc-joint-statement-cse"
POLICE = "lancashire-police"


def set_names(root, key: str, **names) -> None:
    """Give organisation ``key`` these names in the archive root's organisations file."""
    path = root / "documents" / "organisations.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["key"] == key:
            entry.pop("short_name", None)
            entry.pop("formal_name", None)
            entry.pop("aliases", None)
            entry.update(names)
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), "utf-8")


def found(archive, q: str) -> set[str]:
    results = archive.search.search(SearchRequest(q=q, per_page=50))
    return {hit.document_id for hit in results.hits}


def texts(archive) -> dict[str, str]:
    with archive.session() as session:
        return {r.id: f"{r.title}\n{r.body}".lower() for r in iter_records(session)}


def naming(archive, key: str) -> set[str]:
    """The live documents that name organisation ``key``."""
    with archive.session() as session:
        return {r.id for r in iter_records(session) if key in r.organisations}


@pytest.fixture
def named(archive_root, database_url, make_archive):
    """The shipped corpus built with Lancashire Police's formal name and an alias."""
    set_names(
        archive_root,
        POLICE,
        name="Lancashire Police",
        formal_name="Lancashire Constabulary",
        aliases=["Red Rose Constabulary"],
    )
    archive = make_archive(archive_root, database_url)
    assert not archive.build().problems
    return archive


def test_the_formal_name_finds_the_organisations_documents(named):
    corpus = texts(named)
    assert "constabulary" not in corpus[JOINT]  # only its organisation's name has the word
    police = naming(named, POLICE)
    assert JOINT in police
    assert found(named, "Lancashire Constabulary") >= police
    assert found(named, '"Lancashire Constabulary"') >= police
    assert JOINT in found(named, "constabulary joint statement")


def test_an_alias_finds_them_and_only_them(named):
    corpus = texts(named)
    assert not any("red rose" in t for t in corpus.values())
    assert found(named, "Red Rose Constabulary") == naming(named, POLICE)
    assert found(named, '"red rose constabulary"') == naming(named, POLICE)


def test_a_phrase_does_not_run_from_one_name_into_the_next(named):
    # Its names are indexed "Lancashire Police", "Lancashire Constabulary", "Red Rose
    # Constabulary", in that order: "constabulary red" joins the end of one to the next.
    corpus = texts(named)
    assert not any("constabulary red" in t for t in corpus.values())
    assert found(named, '"constabulary red"') == set()
    assert found(named, '"police lancashire"') == {
        d for d, t in corpus.items() if "police lancashire" in t
    }


def test_names_weigh_less_than_the_words_of_a_document(named):
    # Every document naming the police has "Lancashire" among its names; one whose own
    # words are about Lancashire comes first.
    results = named.search.search(SearchRequest(q="lancashire", per_page=50))
    assert results.hits[0].document_id != "event-2014-07-07-inquiry-announced"
    corpus = texts(named)
    top = results.hits[0].document_id
    assert corpus[top].count("lancashire") >= 2


def test_a_changed_alias_is_found_after_the_next_build(named, archive_root):
    police = naming(named, POLICE)
    set_names(archive_root, POLICE, name="Lancashire Police", aliases=["Pendle Hill Force"])
    report = named.build()
    assert not report.problems
    assert not (report.added or report.changed)  # no document changed, only a name
    assert found(named, "Pendle Hill Force") == police
    assert found(named, '"red rose constabulary"') == set()
    assert found(named, "red rose") == set()  # neither word is anywhere else
    assert JOINT not in found(named, '"Lancashire Constabulary"')
    assert named.verify() == []


def test_an_index_without_the_names_is_mended_by_the_next_build(named, archive_root):
    """An index written before names were indexed is stale, and rebuilt, not served as is."""
    if named.search.name == "postgres":
        with named.engine.begin() as connection:  # as migration 0007 leaves the old rows
            connection.execute(text("UPDATE search.entries SET names_digest = NULL"))
    else:
        directory = named.search.directory
        old = directory.path / "g1-f8"  # how format 8, before the names, named a generation
        (directory.path / directory.current_name()).rename(old)
        directory.pointer.write_text("g1-f8\n")
        named.close()
    named.build()
    assert JOINT in found(named, "Red Rose Constabulary")
    if named.search.name == "postgres":
        with named.engine.connect() as connection:
            stale = "SELECT count(*) FROM search.entries WHERE names_digest IS NULL"
            assert connection.scalar(text(stale)) == 0
