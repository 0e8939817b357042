"""Two web servers on two machines, one PostgreSQL database, builds run from a third place.

Each "machine" is a process of its own, started as ``deploy/systemd/archive-web.service``
starts one (its gunicorn command, one worker here) from an empty archive root of its own, as
a web machine has (``deploy/``): nothing is shared between the two but the database, not even
a process's caches. A build from a third root, a checkout of the documents, must be visible
on both servers within a second of the build's end, search included, and a quote permalink
must answer the same JSON on both.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request

import pytest

from .conftest import PROJECT, SHIPPED_DOCUMENTS, copy_corpus
from .test_deploy import _environment_file, _start_web_unit

pytestmark = pytest.mark.postgres
STATEMENT = "home-office-iicsa-purpose"
BASE_URL = "https://archive.example.org"


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _web_machine(root, postgres_url: str):
    """A web server process from ``root`` (empty), configured as archive.env configures one."""
    root.mkdir()
    env = {**os.environ, **_environment_file(), "ARCHIVE_ROOT": str(root)}
    env.update(ARCHIVE_DATABASE_URL=postgres_url, ARCHIVE_READ_DATABASE_URL="")
    env.update(ARCHIVE_BASE_URL=BASE_URL, ARCHIVE_TRUSTED_HOSTS="", PYTHONPATH=str(PROJECT))
    process, port = _start_web_unit(env, root, workers=1)
    return process, f"http://127.0.0.1:{port}"


def test_a_build_from_a_third_place_shows_on_both_servers(tmp_path, make_archive, postgres_url):
    builder_root = copy_corpus(SHIPPED_DOCUMENTS, tmp_path / "builder")
    builder = make_archive(builder_root, postgres_url)
    assert not builder.build().problems
    servers = []
    try:
        for name in ("machine-a", "machine-b"):
            servers.append(_web_machine(tmp_path / name, postgres_url))
        bases = [base for _, base in servers]
        before = _get(f"{bases[0]}/api/v1/documents/{STATEMENT}")["version"]["number"]
        assert _get(f"{bases[1]}/api/v1/documents/{STATEMENT}")["version"]["number"] == before
        assert not _get(f"{bases[1]}/api/v1/search?q=quetzalcoatlus")["results"]
        path = builder_root / "documents" / f"{STATEMENT}.md"
        text = path.read_text(encoding="utf-8")
        edited = text.replace("learn lessons", "learn the lessons") + "\nQuetzalcoatlus.\n"
        path.write_text(edited, encoding="utf-8")
        assert builder.build().changed == [STATEMENT]
        built = time.monotonic()

        def shows_it(base: str) -> bool:
            current = _get(f"{base}/api/v1/documents/{STATEMENT}")["version"]["number"]
            hits = _get(f"{base}/api/v1/search?q=quetzalcoatlus")["results"]
            return current == before + 1 and [h["document"]["id"] for h in hits] == [STATEMENT]

        waiting = set(bases)
        while waiting:  # both polled in turn, timed from the build's end
            waiting = {base for base in waiting if not shows_it(base)}
            assert not waiting or time.monotonic() - built <= 1.0, f"not within 1 s: {waiting}"
        quote = f"/api/v1/documents/{STATEMENT}/v1/q/52-80"  # "learn lessons for the future"
        answers = [_get(base + quote) for base in bases]
        assert answers[0] == answers[1]
        assert answers[0]["standing"]["status"] == "changed"
        assert answers[0]["quote"]["url"].startswith(BASE_URL)
        assert answers[0]["quote"]["text"] == "learn lessons for the future"
    finally:
        for process, _ in servers:
            os.killpg(process.pid, signal.SIGTERM)
        for process, _ in servers:
            process.wait(timeout=30)
    for name in ("machine-a", "machine-b"):  # the web machines wrote no file
        assert list((tmp_path / name).iterdir()) == []
