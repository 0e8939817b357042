"""Pages and their JSON twins: what a reader and a program see."""

from __future__ import annotations

import pytest

STATEMENT = "lancashire-police-lcc-joint-statement-cse"


def test_front_page_says_what_the_archive_holds(client):
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "spring 2020" in text
    assert "Latest additions" in text
    assert 'href="/timeline"' in text and 'href="/search"' in text
    data = client.get("/api/v1/").get_json()
    assert data["counts"]["statement"] == 3
    assert data["latest"]


def test_documents_filter_by_organisation_and_kind(client):
    data = client.get("/api/v1/documents?org=home-office&kind=statement").get_json()
    ids = [d["id"] for d in data["documents"]]
    assert ids and all("home-office" in i for i in ids)
    assert all(d["kind"] == "statement" for d in data["documents"])
    everything = client.get("/api/v1/documents").get_json()
    assert everything["total"] > data["total"]
    html = client.get("/documents?org=home-office&kind=statement").get_data(as_text=True)
    assert 'value="home-office" selected' in html


def test_documents_are_listed_in_date_order(client):
    earliest = [
        d["date"]["earliest"] for d in client.get("/api/v1/documents").get_json()["documents"]
    ]
    assert earliest == sorted(earliest)


@pytest.mark.parametrize("query", ["org=nobody", "kind=memo", "org=%00"])
def test_unknown_filter_is_a_clear_400(client, query):
    page = client.get(f"/documents?{query}")
    assert page.status_code == 400
    assert "unknown" in page.get_data(as_text=True)
    error = client.get(f"/api/v1/documents?{query}").get_json()["error"]
    assert error["code"] == "bad_request"


def test_document_page_numbers_paragraphs_and_shows_provenance(client):
    html = client.get(f"/documents/{STATEMENT}").get_data(as_text=True)
    assert 'id="p1"' in html and 'id="p2"' in html
    for label in ("Source", "Publisher", "Date", "Version", "SHA-256", "Archived"):
        assert f"<dt>{label}</dt>" in html
    assert "As reported in the Lancashire Telegraph, c. 28–31 December 2019" in html  # a paper
    assert "c. December 2019" in html
    shown = html.split("<main", 1)[1]  # the page itself (its JSON-LD may name EDTF)
    assert "precision: month" not in shown and "EDTF" not in shown  # dates in words only


def test_document_json_twin_carries_text_and_provenance(client):
    data = client.get(f"/api/v1/documents/{STATEMENT}").get_json()
    assert data["document"]["id"] == STATEMENT
    assert data["source"]["publisher"] == "Lancashire Telegraph"
    assert data["date"] == {
        "edtf": "2019-12~",
        "in_words": "c. December 2019",
        "precision": "month",
        "qualifier": "approximate",
        "earliest": "2019-12-01",
        "latest": "2019-12-31",
    }
    paragraph = data["paragraphs"][0]
    assert data["canonical_text"][paragraph["start"] : paragraph["end"]] == paragraph["text"]
    assert len(data["version"]["sha256"]) == 64


def test_version_page_is_immutable_and_cacheable(client):
    page = client.get(f"/documents/{STATEMENT}/v1")
    assert page.status_code == 200
    assert "immutable" in page.headers["Cache-Control"]
    assert "max-age=31536000" in page.headers["Cache-Control"]
    again = client.get(
        f"/documents/{STATEMENT}/v1", headers={"If-None-Match": page.headers["ETag"]}
    )
    assert again.status_code == 304
    api = client.get(f"/api/v1/documents/{STATEMENT}/v1")
    assert api.headers["ETag"] != page.headers["ETag"]


@pytest.mark.parametrize(
    "url",
    [
        "/documents/no-such-document",
        "/documents/NOT_AN_ID",
        "/documents/..%2F..%2Fetc%2Fpasswd",
        f"/documents/{STATEMENT}/v99",
        f"/documents/{STATEMENT}/v0",
        "/organisations/nobody",
        "/no/such/page",
    ],
)
def test_missing_things_get_a_proper_404(client, url):
    page = client.get(url)
    assert page.status_code == 404
    assert "Not found" in page.get_data(as_text=True)
    api = client.get("/api/v1" + url)
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] in ("not_found",)


def test_organisation_page_lists_its_documents_in_date_order(client):
    data = client.get("/api/v1/organisations/home-office").get_json()
    assert data["organisation"]["name"] == "Home Office"
    ids = [d["id"] for d in data["documents"]]
    assert "home-office-iicsa-purpose" in ids
    earliest = [d["date"]["earliest"] for d in data["documents"]]
    assert earliest == sorted(earliest)


def test_history_shows_every_version(client):
    data = client.get(f"/api/v1/documents/{STATEMENT}/history").get_json()
    numbers = [v["number"] for v in data["versions"]]
    assert numbers == list(range(len(numbers), 0, -1))  # newest first, none missing
    assert data["versions"][-1]["diff"] is None  # version 1 has nothing before it
    assert all(v["diff"] for v in data["versions"][:-1])


def test_openapi_describes_every_page_twin(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/documents", "/api/v1/documents/{doc_id}/v{number}"):
        assert path in spec["paths"]


def test_pages_are_readable_on_a_phone_and_need_no_javascript(client):
    html = client.get(f"/documents/{STATEMENT}").get_data(as_text=True)
    assert 'name="viewport"' in html
    assert "<noscript" not in html  # nothing needs a fallback: the text is in the HTML
    assert "Our dedicated teams of officers" in html


def test_every_page_has_a_content_note(client):
    for url in ("/", "/documents", f"/documents/{STATEMENT}", "/organisations/nspcc"):
        assert "Content note" in client.get(url).get_data(as_text=True)
