"""A long transcript in real headless Chromium: a link to a paragraph on another part
(``/documents/<id>#p1234``) lands on that paragraph, and so does following one from a part;
without JavaScript the list of parts says where each paragraph is."""

from __future__ import annotations

import re

import pytest

from tests.conftest import serving
from tests.transcript_helpers import LONG_ID, transcript_archive

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from webapp import create_app

    archive = transcript_archive(tmp_path_factory.mktemp("transcripts") / "root")
    with serving(create_app({"TESTING": True}, archive=archive)) as url:
        yield url
    archive.close()


def landed_on(page, number: int) -> None:
    target = page.locator(f"#p{number}")
    target.wait_for(state="attached")
    assert page.evaluate(f"document.querySelector('#p{number}').matches(':target')")
    assert target.is_visible()
    box, height = target.bounding_box(), page.viewport_size["height"]
    assert box is not None and box["y"] + box["height"] > 0 and box["y"] < height, box


def test_a_paragraph_link_lands_on_its_part(page, site):
    page.goto(f"{site}/documents/{LONG_ID}#p1234")
    page.wait_for_url(re.compile(r"\?part=7#p1234$"))
    landed_on(page, 1234)
    assert page.locator(".parts a[aria-current]").inner_text() == "Paragraphs 1201–1400"


def test_a_version_link_and_a_hash_change_land_too(page, site):
    page.goto(f"{site}/documents/{LONG_ID}/v1?part=2#p250")
    landed_on(page, 250)
    page.evaluate("window.location.hash = '#p1801'")
    page.wait_for_url(re.compile(r"/v1\?part=10#p1801$"))
    landed_on(page, 1801)


def test_the_ends_of_parts_land_too(page, site):
    """The last paragraph of a part, the first of the next and the document's last: each
    lands on its own part (a part's range is inclusive at both ends)."""
    page.goto(f"{site}/documents/{LONG_ID}#p1400")
    page.wait_for_url(re.compile(r"\?part=7#p1400$"))
    landed_on(page, 1400)
    page.evaluate("window.location.hash = '#p1401'")
    page.wait_for_url(re.compile(r"\?part=8#p1401$"))
    landed_on(page, 1401)
    parts = page.locator(".parts a[data-last]")
    last = int(parts.nth(parts.count() - 1).get_attribute("data-last"))
    page.goto(f"{site}/documents/{LONG_ID}?part=2#p{last}")
    page.wait_for_url(re.compile(rf"\?part={parts.count()}#p{last}$"))
    landed_on(page, last)


def test_without_javascript_the_parts_say_where_each_paragraph_is(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/documents/{LONG_ID}#p1234")
    assert page.locator("#p1234").count() == 0  # not on part 1, and nothing moved us
    link = page.get_by_role("link", name="Paragraphs 1201–1400")
    link.click()
    page.goto(page.url + "#p1234")
    landed_on(page, 1234)
    context.close()
