"""Bad input on what issue 13 added: paged lists (``?page=``), a long transcript's parts
(``?part=``) and quote ranges in and past a hearing-length transcript, on the pages and their
``/api/v1`` twins. Every answer is a clear 4xx (JSON with a message on the API), never a 5xx;
``tests/test_fuzz.py`` covers the shipped corpus, which has no long transcript."""

from __future__ import annotations

import pytest

from tests.transcript_helpers import LONG_ID, SHORT_ID, transcript_archive

HOSTILE = [
    "0", "-1", "-0", "+1", "1.5", "1e3", "abc", "\x00", "١٢", "９", "½", "Ⅻ", "NaN",
    "100000000", "012345678901", str(2**63), str(2**64), "9" * 400, "1,2", "[1]",
]  # fmt: skip
LISTS = ["/documents", "/timeline", "/organisations/home-office"]
PARTED = [f"/documents/{LONG_ID}", f"/documents/{LONG_ID}/v1"]
SPANS = [
    "0-0", "5-4", "-1-5", "1--5", "a-b", "1-2-3", "1", "p1234", "1–5",
    "999999990-999999999", "1-999999999", str(2**64) + "-" + str(2**64 + 5), "1-" + "9" * 400,
]  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from webapp import create_app

    archive = transcript_archive(tmp_path_factory.mktemp("bad-input") / "root")
    yield create_app({"TESTING": True}, archive=archive).test_client()
    archive.close()


def _refused(response, api: bool) -> str:
    """The status is a 4xx; on the API, the body is JSON saying what was wrong."""
    assert 400 <= response.status_code < 500, (response.status_code, response.request.url)
    if api:
        error = response.get_json()["error"]
        assert error["message"], error
    return str(response.status_code)


@pytest.mark.parametrize("path", LISTS)
def test_a_hostile_page_is_a_4xx(client, path):
    for value in HOSTILE:
        for api in (False, True):
            response = client.get(("/api/v1" if api else "") + path, query_string={"page": value})
            _refused(response, api)
    assert client.get(path, query_string={"page": str(2**64)}).status_code == 400
    assert client.get(path, query_string={"page": "99999999"}).status_code == 404


@pytest.mark.parametrize("path", PARTED)
def test_a_hostile_part_is_a_404_naming_the_parts(client, path):
    for value in [*HOSTILE, "11", "99"]:
        for api in (False, True):
            response = client.get(("/api/v1" if api else "") + path, query_string={"part": value})
            assert _refused(response, api) == "404"
            if api:
                assert "parts 1 to 10" in response.get_json()["error"]["message"]
    assert client.get(path, query_string={"part": "10"}).status_code == 200


@pytest.mark.parametrize("doc_id", [LONG_ID, SHORT_ID])
def test_a_quote_range_outside_the_transcript_is_a_4xx(client, doc_id):
    length = len(client.get(f"/api/v1/documents/{doc_id}").get_json()["canonical_text"])
    for span in [*SPANS, f"{length - 5}-{length + 5}", f"{length}-{length + 10}"]:
        for api in (False, True):
            base = f"/api/v1/documents/{doc_id}/v1/q/" if api else f"/documents/{doc_id}/v1/q/"
            _refused(client.get(base + span), api)
            _refused(client.get(base + span, query_string={"part": "2"}), api)
    assert client.get(f"/documents/{doc_id}/v1/q/{length - 5}-{length}").status_code == 200
