"""Search in real headless Chromium: a result takes the reader to the paragraph of the best hit,
where the words are marked on arrival (a static script; CSP allows no inline script); without
JavaScript the anchor still leads there. axe-core finds no serious problem on the search page.
"""

from __future__ import annotations

import pytest

from tests.test_cite_browser import axe_violations

pytestmark = pytest.mark.browser


def test_following_a_result_marks_the_words_in_its_paragraph(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server}/search?q=%22leave+no+stone+unturned%22")
    first = page.locator("ol.results a.doc-title").first
    href = first.get_attribute("href")
    assert "?hl=" in href and "#p" in href
    first.click()
    page.wait_for_selector("mark.search-hit")
    anchor = href.split("#")[1]
    marked = page.locator(f"#{anchor} mark.search-hit").all_inner_texts()
    assert [w.lower() for w in marked] == ["leave", "no", "stone", "unturned"]
    assert page.locator("mark.search-hit").count() == len(marked)  # only in that paragraph
    assert page.evaluate("location.hash") == f"#{anchor}"
    assert [e for e in errors if not e.endswith("/favicon.ico")] == []


def test_marks_leave_the_paragraph_text_unchanged(page, live_server):
    page.goto(f"{live_server}/documents/home-office-leave-no-stone-unturned")
    before = page.locator(".para").first.inner_text()
    page.goto(f"{live_server}/documents/home-office-leave-no-stone-unturned?hl=stone#p1")
    page.wait_for_selector("mark.search-hit")
    assert page.locator(".para").first.inner_text() == before


def test_without_javascript_the_link_still_reaches_the_paragraph(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/search?q=grooming")
    href = page.locator("ol.results a.doc-title").first.get_attribute("href")
    page.goto(live_server + href)
    anchor = href.split("#")[1]
    assert page.locator(f"#{anchor}").count() == 1
    assert page.locator("mark.search-hit").count() == 0
    context.close()


def test_axe_finds_no_serious_problem_on_the_search_page(browser, live_server):
    context = browser.new_context(bypass_csp=True)  # to inject axe-core for the test only
    page = context.new_page()
    page.goto(f"{live_server}/search?q=grooming")
    assert axe_violations(page) == []
    page.goto(f"{live_server}/search?q=grroming")
    assert axe_violations(page) == []
    page.goto(f"{live_server}/search")
    assert axe_violations(page) == []
    context.close()
