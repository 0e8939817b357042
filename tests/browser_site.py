"""One live archive (the shipped corpus) for the browser tests that visit every kind of page, and
the address of one page of each kind, found through the JSON API (the corpus may change)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.core import Archive
from tests.conftest import SHIPPED_DOCUMENTS, copy_corpus, serving, skip_unless_available

AXE = (
    Path(__file__).resolve().parent / "browser_assets" / "node_modules" / "axe-core" / "axe.min.js"
)


@dataclass
class Site:
    url: str
    pages: dict[str, str]  # kind of page -> path


def page_kinds(client) -> dict[str, str]:
    documents = client.get("/api/v1/documents").get_json()["documents"]
    statement = next(d for d in documents if d["kind"] == "statement")
    doc = client.get(f"/api/v1/documents/{statement['id']}/v1").get_json()
    length = len(doc["canonical_text"])
    org = statement["organisations"][0]["key"]
    base = f"/documents/{statement['id']}"
    return {
        "home": "/",
        "timeline": "/timeline",
        "search": "/search?q=grooming",
        "search with an error": "/search?q=grooming&from=Decmber+2019",
        "documents": "/documents",
        "document": base,
        "version": f"{base}/v1",
        "history": f"{base}/history",
        "quote": f"{base}/v1/q/{length // 4}-{min(length, length // 4 + 120)}",
        "organisations": "/organisations",
        "organisation": f"/organisations/{org}",
        "corrections": "/corrections",
        "about": "/about",
        "editorial policy": "/editorial-policy",
        "404": "/no-such-page",
    }


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """The shipped corpus served on a free port for the whole module."""
    from webapp import create_app

    root = copy_corpus(SHIPPED_DOCUMENTS, tmp_path_factory.mktemp("site") / "root")
    archive = Archive.open(root)
    try:
        assert not archive.build().problems
        app = create_app({"TESTING": True}, archive=archive)
        pages = page_kinds(app.test_client())
        with serving(app) as url:
            yield Site(url, pages)
    finally:
        archive.close()


def axe_violations(page) -> list[dict]:
    """Every axe-core violation on the page, of any impact (the page's context bypasses CSP)."""
    if not AXE.exists():
        skip_unless_available("axe-core is missing: npm ci --prefix tests/browser_assets")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document)).violations.map(v => ({
            id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
