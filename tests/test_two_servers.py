"""Two web servers on two machines, one PostgreSQL database, builds run from a third place.

Each "machine" is its own archive root (its own clone of documents/, its own files): nothing is
shared between them but the database. A build from the third root must be visible on both
servers within a second, search included, and a quote permalink must answer the same JSON on
both.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from .conftest import SHIPPED_DOCUMENTS, _free_port, copy_corpus

pytestmark = pytest.mark.postgres
STATEMENT = "home-office-iicsa-purpose"
BASE_URL = "https://archive.example.org"


def _serve(app):
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=_free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.effective_port}"


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _until(check, seconds: float = 1.0):
    """Poll ``check`` until it holds or ``seconds`` pass; return how long it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not visible within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_build_from_a_third_place_shows_on_both_servers(tmp_path, make_archive, postgres_url):
    from webapp import create_app

    roots = [copy_corpus(SHIPPED_DOCUMENTS, tmp_path / name) for name in ("a", "b", "builder")]
    builder = make_archive(roots[2], postgres_url)
    assert not builder.build().problems
    servers = []
    for root in roots[:2]:
        archive = make_archive(root, postgres_url, base_url=BASE_URL)
        servers.append(_serve(create_app({"TESTING": True}, archive=archive)))
    try:
        bases = [base for _, _, base in servers]
        before = _get(f"{bases[0]}/api/v1/documents/{STATEMENT}")["version"]["number"]
        path = roots[2] / "documents" / f"{STATEMENT}.md"
        text = path.read_text(encoding="utf-8")
        edited = text.replace("learn lessons", "learn the lessons") + "\nQuetzalcoatlus.\n"
        path.write_text(edited, encoding="utf-8")
        assert builder.build().changed == [STATEMENT]

        def current(base):
            return _get(f"{base}/api/v1/documents/{STATEMENT}")["version"]["number"] == before + 1

        def found(base):
            hits = _get(f"{base}/api/v1/search?q=quetzalcoatlus")["results"]
            return [hit["document"]["id"] for hit in hits] == [STATEMENT]

        for base in bases:
            _until(lambda base=base: current(base) and found(base))
        quote = f"/api/v1/documents/{STATEMENT}/v1/q/52-80"  # "learn lessons for the future"
        answers = [_get(base + quote) for base in bases]
        assert answers[0] == answers[1]
        assert answers[0]["standing"]["status"] == "changed"
        assert answers[0]["quote"]["url"].startswith(BASE_URL)
    finally:
        for server, thread, _ in servers:
            server.close()
            thread.join(timeout=5)
