"""Atom feeds: new and changed documents, and subscriptions to a search (parsed by feedparser)."""

from __future__ import annotations

import feedparser
import pytest

from tests.hostile import CLEANED, SECURITY_HEADERS, archive_text_xml_cannot_hold

STONE = "home-office-leave-no-stone-unturned"


def current_version(client, doc_id: str) -> int:
    return client.get(f"/api/v1/documents/{doc_id}").get_json()["version"]["number"]


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_documents_feed_lists_new_and_changed_documents(client, sqlite_archive):
    feed = parse(client.get("/feeds/documents.atom"))
    assert feed.version == "atom10"
    assert feed.feed.title == "Inquiry archive: new and changed documents"
    for entry in feed.entries:  # a first version is new; a later one says which it is
        number = int(entry.link.rsplit("/v", 1)[1])
        expected = "New: " if number == 1 else f"Changed (version {number}): "
        assert entry.title.startswith(expected), entry.title
    links = {e.link for e in feed.entries}
    latest = current_version(client, STONE)
    assert f"http://localhost/documents/{STONE}/v{latest}" in links


def test_documents_feed_shows_a_change_first(client, sqlite_archive, archive_root):
    number = current_version(client, STONE) + 1
    path = archive_root / "documents" / f"{STONE}.md"
    path.write_text(path.read_text() + "\nA later sentence.\n")
    sqlite_archive.build()
    feed = parse(client.get("/feeds/documents.atom"))
    first = feed.entries[0]
    assert first.title.startswith(f"Changed (version {number}): ")
    assert first.link == f"http://localhost/documents/{STONE}/v{number}"


def test_search_feed(client):
    feed = parse(client.get("/search.atom?q=%22leave+no+stone+unturned%22"))
    assert "leave no stone unturned" in feed.feed.title
    assert (
        feed.entries[0].link
        == f"http://localhost/documents/{STONE}/v{current_version(client, STONE)}"
    )
    assert "leave no stone unturned" in feed.entries[0].summary
    assert any(link.rel == "self" for link in feed.feed.links)


def test_search_feed_with_bad_parameters_is_400(client):
    assert client.get("/search.atom?q=x&org=nobody").status_code == 400
    empty = parse(client.get("/search.atom?q=zzzzqqq"))
    assert empty.entries == []


@pytest.mark.parametrize(
    ("url", "character"),
    [
        ("/search.atom?q=%01", "U+0001"),
        ("/search.atom?q=leave&org=%0B", "U+000B"),
        ("/feeds/documents.atom?q=%EF%BF%BE", "U+FFFE"),  # a non-character
        ("/feeds/documents.atom?x%00y=1", "U+0000"),  # in a parameter's name
    ],
)
def test_feeds_refuse_parameters_xml_cannot_hold(client, url, character):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert all(name in response.headers for name in SECURITY_HEADERS)
    message = response.get_data(as_text=True)
    assert character in message and "remove it" in message


def test_feeds_take_tabs_and_newlines(client):
    feed = parse(client.get("/search.atom?q=leave%09no%0Astone"))
    assert (
        feed.entries[0].link
        == f"http://localhost/documents/{STONE}/v{current_version(client, STONE)}"
    )


def test_feeds_survive_archived_text_xml_cannot_hold(client, sqlite_archive):
    archive_text_xml_cannot_hold(sqlite_archive, STONE)
    feed = parse(client.get("/feeds/documents.atom"))
    entry = next(e for e in feed.entries if e.link.endswith(f"/{STONE}/v1"))
    assert entry.title == f"New: {CLEANED}"
    assert entry.summary == CLEANED
    found = parse(client.get("/search.atom?q=%22leave+no+stone+unturned%22"))
    assert found.entries[0].title == CLEANED
