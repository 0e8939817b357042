"""Citing on a phone and copying, in real headless Chromium: a selection made without a mouse
(by script, as a finger's long press makes one) brings the Cite control; the panel is a sheet
whose Close and permalink are on screen, that closes three ways and gives focus back; and a
copied selection holds only the words, whatever controls sit between paragraphs."""

from __future__ import annotations

import pytest

from tests.test_cite_browser import app  # noqa: F401  (the quotes fixture corpus, served)

pytestmark = pytest.mark.browser

DOC = "fx-joint-statement"
P2 = "We’re committed to “working together” with partners, and we’ll keep doing so."
P3 = "Café staff in Łódź and Zürich — naïve or not — read it; the word “façade” appears once."

# Select from the start of `first` in paragraph a to the end of `last` in paragraph b.
SELECT = """([a, first, b, last]) => {
  function point(id, words, atEnd) {
    const walker = document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT);
    let node, text = '', nodes = [];
    while ((node = walker.nextNode())) { nodes.push([node, text.length]); text += node.data; }
    let at = text.indexOf(words);
    if (at < 0) throw new Error('not found: ' + words);
    if (atEnd) at += words.length;
    for (const [n, base] of nodes) {
      if (at >= base && at <= base + n.data.length) return [n, at - base];
    }
  }
  const range = document.createRange();
  range.setStart(...point(a, first, false));
  range.setEnd(...point(b, last, true));
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""

# Is the element wholly inside the viewport, left to right and top to bottom?
IN_VIEW = """(el) => { const r = el.getBoundingClientRect();
  return r.width > 0 && r.left >= 0 && r.top >= 0
    && r.right <= innerWidth && r.bottom <= innerHeight; }"""

# A point above the open panel with no link, button or field within 48 px (Chromium moves a tap
# near a clickable element onto it): a tap there is "outside". The page is scrolled first so
# that the heading, plain text, is what shows above the sheet.
OUTSIDE = """() => {
  window.scrollTo(0, document.querySelector('h1').getBoundingClientRect().top + scrollY - 8);
  const top = document.getElementById('cite-panel').getBoundingClientRect().top;
  const clickable = 'a, button, input, select, summary, [tabindex]:not([tabindex="-1"])';
  const controls = [...document.querySelectorAll(clickable)]
    .filter(el => !document.getElementById('cite-panel').contains(el))
    .map(el => el.getBoundingClientRect()).filter(r => r.width > 0);
  const far = (x, y) => controls.every(r =>
    Math.max(r.left - x, 0, x - r.right) + Math.max(r.top - y, 0, y - r.bottom) > 48);
  for (let y = top - 48; y > 0; y -= 4) for (let x = 8; x < innerWidth; x += 8) {
    if (far(x, y)) return {x, y};
  }
  return null;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 390, "height": 844}
    )
    yield context.new_page()
    context.close()


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def next_frames(page) -> None:
    """Let the page run two animation frames (the Cite control is placed in one)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def open_sheet(page) -> None:
    page.locator("#cite-button").wait_for(state="visible")
    page.locator("#cite-button").tap()
    page.locator("#cite-panel").wait_for(state="visible")
    page.locator("#cite-permalink:not(:empty)").wait_for()


def test_a_touch_selection_brings_the_control_and_the_sheet_closes_three_ways(phone, live_server):
    page = phone
    page.goto(f"{live_server}/documents/{DOC}")
    page.evaluate(SELECT, ["p2", "committed", "p2", "together”"])
    open_sheet(page)
    assert page.locator("#cite-words").text_content() == "committed to “working together”"
    for part in ("#cite-permalink", "#cite-close", "#cite-panel-h"):
        assert page.locator(part).evaluate(IN_VIEW), f"{part} is not on screen"
    panel = page.locator("#cite-panel")
    assert panel.evaluate("el => el.scrollWidth <= el.clientWidth"), "the sheet is clipped"
    assert focused(page) == "cite-panel-h"

    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert focused(page) == "cite-button"  # the selection is still there, and so is its control

    open_sheet(page)
    page.locator("#cite-close").tap()
    panel.wait_for(state="hidden")
    assert focused(page) == "cite-button"

    open_sheet(page)
    outside = page.evaluate(OUTSIDE)
    assert outside is not None, "the sheet leaves nothing outside it to tap"
    page.touchscreen.tap(outside["x"], outside["y"])
    panel.wait_for(state="hidden")
    # the tap may have ended the selection: focus is on its control, or else on its paragraph
    assert focused(page) == ("cite-button" if page.locator("#cite-button").is_visible() else "p2")


def test_after_copy_link_the_control_stays_hidden_behind_the_sheet(phone, live_server):
    page = phone
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(f"{live_server}/documents/{DOC}")
    page.evaluate(SELECT, ["p3", "Café", "p3", "staff"])
    open_sheet(page)
    copy = page.get_by_role("button", name="Copy link")
    copy.tap()
    page.locator("[data-copy=cite-permalink][data-copied]").wait_for()
    next_frames(page)
    assert page.locator("#cite-panel").is_visible()
    assert page.locator("#cite-button").is_hidden()


@pytest.mark.parametrize("width", [320, 390])
def test_nothing_on_the_sheet_is_clipped_on_a_narrow_phone(browser, live_server, width):
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": width, "height": 640}
    )
    page = context.new_page()
    page.goto(f"{live_server}/documents/{DOC}")
    page.evaluate(SELECT, ["p3", "Café", "p3", "once"])
    open_sheet(page)
    for part in ("#cite-permalink", "#cite-close", "#cite-panel-h"):
        assert page.locator(part).evaluate(IN_VIEW), f"{part} is not on screen at {width} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    overflowing = page.locator("#cite-panel *").evaluate_all(
        "els => els.filter(el => el.getBoundingClientRect().right > innerWidth + 0.5)"
        ".map(el => el.id || el.className || el.tagName)"
    )
    assert overflowing == []
    context.close()


def copied(page) -> str:
    page.keyboard.press("ControlOrMeta+c")
    return page.evaluate("navigator.clipboard.readText()")


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/documents/{DOC}")
    page.locator("#p2 + .cite-para-holder").wait_for()  # cite.js has put the links in place
    yield page
    context.close()


def test_copying_two_paragraphs_gives_only_the_words(desk):
    desk.evaluate(SELECT, ["p2", "keep", "p3", "Café"])
    assert copied(desk) == "keep doing so.\n\nCafé"
    desk.evaluate(SELECT, ["p2", "We’re", "p3", "once."])
    assert copied(desk) == P2 + "\n\n" + P3
    desk.evaluate(SELECT, ["p3", "Łódź", "p3", "Zürich"])
    assert copied(desk) == "Łódź and Zürich"


def test_the_cite_links_are_unselectable_and_in_the_page_type(desk):
    holder = desk.locator("#p2 + .cite-para-holder")
    assert holder.evaluate("el => getComputedStyle(el).userSelect") == "none"
    link_font = desk.locator("#cite-p2").evaluate("el => getComputedStyle(el).fontFamily")
    text_font = desk.locator("#p2").evaluate("el => getComputedStyle(el).fontFamily")
    assert "serif" in text_font and "Georgia" not in link_font
    size = desk.locator("#cite-p2").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size < desk.locator("#p2").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    desk.evaluate(SELECT, ["p1", "This", "p3", "once."])
    assert "Cite paragraph" not in desk.evaluate("getSelection().toString()")
