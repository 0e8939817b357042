"""About, editorial policy and corrections: linked from every footer (error pages too), each with
its JSON twin, described in the OpenAPI document; and the favicon where browsers look for it."""

from __future__ import annotations

from lxml import html as lxml_html

from webapp import create_app

pytest_plugins = ("tests.trust_fixtures",)


def tree(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def test_about_says_what_the_archive_holds_and_why(trust_client):
    page = tree(trust_client.get("/about"))
    assert page.xpath("//h1")[0].text == "About the archive"
    headings = [h.text for h in page.xpath("//section/h2")]
    assert headings == [
        "What the archive holds",
        "Why",
        "How it keeps them",
        "A note on the subject",
    ]
    assert "holds no names or identifying details of victims" in page.text_content()
    data = trust_client.get("/api/v1/about").get_json()
    assert [s["id"] for s in data["sections"]] == ["what", "why", "how", "care"]
    assert data["counts"] == {"statement": 1, "article": 1, "report": 1, "event": 1}


def test_the_editorial_policy_gives_the_rules_and_how_to_report_an_error(trust_client):
    page = tree(trust_client.get("/editorial-policy"))
    ids = [s.get("id") for s in page.xpath("//section")]
    assert ids == ["verbatim", "dates", "victims", "corrections", "report-an-error"]
    text = " ".join(page.text_content().split())
    assert "“c.” marks an approximate date and “(uncertain)” an uncertain one" in text
    assert "No contact address has been set for this copy of the archive." in text
    data = trust_client.get("/api/v1/editorial-policy").get_json()
    assert data["contact"] is None and data["sections"][2]["heading"] == "No details of victims"


def test_a_contact_address_is_shown_when_the_operator_sets_one(trust_archive):
    app = create_app({"TESTING": True, "ARCHIVE_CONTACT": "errors@example.org"}, trust_archive)
    page = tree(app.test_client().get("/editorial-policy"))
    assert page.xpath("//p[@class='contact']/a/@href") == ["mailto:errors@example.org"]


def test_every_footer_links_the_three_pages_error_pages_too(trust_client):
    for url in ("/", "/about", "/corrections", "/documents/no-such-document"):
        footer = tree(trust_client.get(url)).xpath("//footer[@class='site wrap']//a/@href")
        assert {"/about", "/editorial-policy", "/corrections"} <= set(footer), url
        assert "/editorial-policy#report-an-error" in footer


def test_the_openapi_document_lists_the_new_endpoints(trust_client):
    paths = trust_client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/about", "/api/v1/editorial-policy", "/api/v1/corrections"} <= set(paths)


def test_the_favicon_is_where_browsers_look(trust_client):
    response = trust_client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
