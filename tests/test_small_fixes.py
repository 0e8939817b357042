"""The smaller things of issue 11: errors in our words, canonical addresses, honest version
notices, dates in words only, and facet labels that match the form."""

from __future__ import annotations

import re

import pytest

STONE = "home-office-leave-no-stone-unturned"


def _text(html: str) -> str:
    """The words a reader reads: no tags, no attributes, no JSON-LD, nor the citations in
    machine formats (BibTeX, RIS, CSL-JSON in <pre>), which rightly carry the EDTF."""
    html = re.sub(r"<(script|pre)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]*>", " ", html).split())


def test_the_generic_404_is_in_our_words(client):
    page = client.get("/no-such-page")
    text = _text(page.get_data(as_text=True))
    assert page.status_code == 404
    assert "There is no page at this address" in text
    assert "requested URL was not found" not in text  # Werkzeug's wording
    assert client.get("/api/v1/no-such-page").get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        (f"/documents/{STONE}/", f"/documents/{STONE}"),
        (f"/documents/{STONE.upper()}", f"/documents/{STONE}"),
        ("/documents/Home-Office-Leave-No-Stone-Unturned/v1/", f"/documents/{STONE}/v1"),
        (f"/documents/{STONE}/v1/q/0-10/", f"/documents/{STONE}/v1/q/0-10"),
        ("/organisations/Home-Office", "/organisations/home-office"),
        (f"/api/v1/documents/{STONE}/", f"/api/v1/documents/{STONE}"),
        ("/search/?q=Grooming", "/search?q=Grooming"),
    ],
)
def test_near_miss_addresses_redirect_to_the_canonical_one(client, asked, canonical):
    response = client.get(asked)
    assert response.status_code in (301, 308)
    assert response.headers["Location"].removeprefix("http://localhost") == canonical
    assert client.get(canonical).status_code == 200


def test_an_unknown_id_is_still_a_404_not_a_redirect_loop(client):
    assert client.get("/documents/no-such-document").status_code == 404
    response = client.get("/documents/No-Such-Document/")
    assert response.status_code == 308
    assert client.get(response.headers["Location"]).status_code == 404


def test_a_bad_quote_range_links_the_document_it_names(client):
    page = client.get(f"/documents/{STONE}/v1/q/20-10")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f'href="/documents/{STONE}"' in html.split("<main", 1)[1]


def test_a_version_page_never_claims_another_version_is_current(client):
    html = client.get(f"/documents/{STONE}/v1").get_data(as_text=True)
    assert "See the current version" not in html
    assert "which may be this one" in html


def test_dates_are_in_words_only_on_pages(client):
    for path in (f"/documents/{STONE}", "/search?q=grooming", "/timeline", "/documents"):
        text = _text(client.get(path).get_data(as_text=True))
        assert "EDTF" not in text and "2019-12~" not in text, path
        assert "(month, approximate)" not in text and "precision:" not in text, path
    html = client.get(f"/documents/{STONE}").get_data(as_text=True)
    provenance = html[html.index('class="provenance"') :]
    assert provenance.count("<dt>Date</dt>") == 1
    # "Published" only when it says something "Date" does not
    data = client.get(f"/api/v1/documents/{STONE}").get_json()
    same = data["source"].get("published", {}).get("edtf") in (None, data["date"]["edtf"])
    assert ("<dt>Published</dt>" in provenance) is not same
    assert data["date"]["edtf"]  # the EDTF stays in the JSON


def test_the_kind_facet_says_what_the_dropdown_says(client):
    data = client.get("/api/v1/search?q=hearings").get_json()
    labels = {f["value"]: f["label"] for f in data["facets"]["kind"]}
    assert labels.get("event") == "Event"
    html = client.get("/search?q=hearings").get_data(as_text=True)
    assert '<option value="event">Event</option>' in html
    facets = html[html.index('class="facets"') :]
    assert ">Event</a>" in facets and ">event</a>" not in facets


def test_the_favicon_is_found(client):
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 308)
    icon = client.get(response.headers["Location"])
    try:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    finally:
        icon.close()  # a static file's response holds the file open until closed
