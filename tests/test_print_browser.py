"""Every kind of page on paper (Chromium's print emulation): no button, form or "Cite" link is
printed, the page's address is, and a quote with its citation fits one A4 page."""

from __future__ import annotations

import re

import pytest

from tests.browser_site import site  # noqa: F401  (the module's live site)

pytestmark = pytest.mark.browser

# Controls left visible on paper: buttons, forms and their fields, links that say "Cite …".
CONTROLS = """() => {
  const shown = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const controls = [...document.querySelectorAll('button, form, input, select, textarea, summary')];
  const cite = [...document.querySelectorAll('a')].filter(a => /^\\s*Cite\\b/.test(a.textContent));
  return [...controls, ...cite].filter(shown)
    .map(e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}"`);
}"""


def test_print_drops_every_control_and_prints_the_address(browser, site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.emulate_media(media="print")
    problems = {}
    for kind, path in site.pages.items():
        page.goto(site.url + path)
        if controls := page.evaluate(CONTROLS):
            problems[f"{kind}: controls printed"] = controls
        address = page.locator(".print-address")
        printed = address.inner_text() if address.is_visible() else ""
        if site.url + path.split("?")[0] not in printed:
            problems[f"{kind}: address not printed"] = printed
        footer_links = page.locator("footer.site a")
        if any(footer_links.nth(n).is_visible() for n in range(footer_links.count())):
            problems[f"{kind}: the footer's links printed"] = True
    context.close()
    assert not problems, problems


def test_on_screen_the_address_is_not_repeated(browser, site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + site.pages["document"])
    assert not page.locator(".print-address").is_visible()
    assert page.locator("header.site").is_visible()
    context.close()


def test_a_quote_prints_on_one_a4_page_with_its_permalink_and_citation(browser, site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + site.pages["quote"])
    page.emulate_media(media="print")
    permalink = page.locator("#quote-permalink")
    assert permalink.is_visible() and site.pages["quote"] in permalink.inner_text()
    chosen = page.locator(".cite-chosen .citation").first
    assert chosen.is_visible() and chosen.inner_text().strip()
    assert page.locator("mark.quoted-words").first.is_visible()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages == 1, f"the quote took {pages} A4 pages"
    context.close()


def test_a_document_prints_its_text_and_the_address_of_its_version(browser, site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + site.pages["document"])
    page.emulate_media(media="print")
    assert page.locator("#document-body").is_visible()
    assert page.locator(".provenance").is_visible()
    address = page.locator(".print-address").inner_text()
    assert re.search(r"/documents/[a-z0-9-]+/v\d+", address)  # the version's permanent address
    assert not page.locator(".cite-paragraphs").is_visible()
    assert not page.locator(".cite-help").is_visible()
    citations = page.locator(".cite-whole .citation")
    printed = [n for n in range(citations.count()) if citations.nth(n).is_visible()]
    assert len(printed) == 1, "one citation of the document, in the first style"
    assert site.url.split("//")[1] in citations.nth(printed[0]).inner_text() or re.search(
        r"/documents/[a-z0-9-]+", citations.nth(printed[0]).inner_text()
    )
    context.close()
