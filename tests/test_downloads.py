"""Lists as data: each list and search page links a CSV and a JSON of what it shows, with the
same filters; the CSV opens in Excel with its curly quotes right and never runs a formula."""

from __future__ import annotations

import csv
import io
import re

import pytest

PAGES = [
    ("/documents?kind=statement", "this list"),
    ("/organisations", "this list"),
    ("/organisations/home-office", "this list"),
    ("/search?q=grooming", "these results"),
    ("/corrections", "this list"),
    ("/timeline?kind=event", "this timeline"),
]


def _rows(response) -> list[dict]:
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"), newline="")))


@pytest.mark.parametrize(("path", "what"), PAGES)
def test_every_list_links_its_csv_and_json(client, path, what):
    html = client.get(path).get_data(as_text=True)
    assert f"Download {what}" in html
    links = re.findall(r'<a href="([^"]+)"[^>]*>(CSV|JSON)</a>', html)
    hrefs = {label: href.replace("&amp;", "&") for href, label in links}
    assert set(hrefs) == {"CSV", "JSON"}, links
    csv_response, json_response = client.get(hrefs["CSV"]), client.get(hrefs["JSON"])
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert json_response.status_code == 200 and json_response.is_json
    _rows(csv_response)


def test_the_documents_csv_holds_what_the_page_shows(client):
    shown = client.get("/api/v1/documents?kind=statement").get_json()["documents"]
    rows = _rows(client.get("/documents.csv?kind=statement"))
    assert [r["id"] for r in rows] == [d["id"] for d in shown]
    assert {r["kind"] for r in rows} == {"statement"}
    first = rows[0]
    assert first["date_in_words"] == shown[0]["date"]["in_words"]
    assert first["date_edtf"] == shown[0]["date"]["edtf"]  # the EDTF stays in the data
    assert first["url"].startswith("http://localhost/documents/")
    assert any("“" in r["title"] for r in rows)  # curly quotes, as they are


def test_the_search_csv_follows_the_page_it_was_asked_for(client):
    data = client.get("/api/v1/search?q=grooming").get_json()
    rows = _rows(client.get("/search.csv?q=grooming"))
    assert [r["id"] for r in rows] == [r["document"]["id"] for r in data["results"]]
    assert [r["rank"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert all(r["link"].startswith("http://localhost/documents/") for r in rows)
    assert _rows(client.get("/search.csv?q=grooming&kind=report"))[0]["kind"] == "report"


def test_an_organisation_csv_lists_its_documents(client):
    data = client.get("/api/v1/organisations/home-office").get_json()
    rows = _rows(client.get("/organisations/home-office.csv"))
    assert [r["id"] for r in rows] == [d["id"] for d in data["documents"]]
    assert _rows(client.get("/organisations.csv"))[0].keys() >= {"key", "name", "page"}


def test_an_empty_list_still_has_its_header(client):
    response = client.get("/corrections.csv")
    assert response.get_data().decode("utf-8").splitlines()[0].lstrip("\ufeff").startswith("id,")


def test_bad_filters_on_a_csv_are_a_clear_400(client):
    for path in ("/documents.csv?org=nobody", "/search.csv?q=x&from=soon"):
        response = client.get(path)
        assert response.status_code == 400, path
    assert client.get("/organisations/nobody.csv").status_code == 404


def test_a_cell_a_spreadsheet_would_run_is_neutralised(client):
    archive = client.application.extensions["archive"]
    source = archive.config.documents_dir / "home-office-iicsa-purpose.md"
    text = source.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    source.write_text(text.replace(f"title: {title}", 'title: "=HYPERLINK(1)"', 1))
    assert not archive.build().problems
    rows = _rows(client.get("/documents.csv"))
    assert "'=HYPERLINK(1)" in [r["title"] for r in rows]
