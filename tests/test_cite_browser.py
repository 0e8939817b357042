"""Citing in real headless Chromium: select words with the mouse → Cite → the permalink shows
exactly those words; the keyboard path; across paragraphs, curly quotes, dashes and non-ASCII
letters; axe-core finds no serious or critical problem.

axe-core comes from npm into tests/browser_assets/node_modules (CI runs
``npm ci --prefix tests/browser_assets``; to add it by hand:
``npm install --prefix tests/browser_assets axe-core``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, copy_corpus, skip_unless_available

pytestmark = pytest.mark.browser

AXE = (
    Path(__file__).resolve().parent / "browser_assets" / "node_modules" / "axe-core" / "axe.min.js"
)
DOC = "fx-joint-statement"

# Range rectangles of the first and last characters of `words` inside paragraph `para`.
RECTS = """([para, words]) => {
  const el = document.getElementById(para);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node, text = '', nodes = [];
  while ((node = walker.nextNode())) { nodes.push([node, text.length]); text += node.data; }
  const at = text.indexOf(words);
  if (at < 0) throw new Error('not found: ' + words);
  function rect(i) {
    for (const [n, base] of nodes) if (i >= base && i < base + n.data.length) {
      const r = document.createRange(); r.setStart(n, i - base); r.setEnd(n, i - base + 1);
      const b = r.getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height};
    }
  }
  return [rect(at), rect(at + words.length - 1)];
}"""


@pytest.fixture
def app(tmp_path, make_archive):
    from webapp import create_app

    archive = make_archive(copy_corpus(FIXTURES / "quotes", tmp_path / "root"))
    assert not archive.build().problems
    return create_app({"TESTING": True}, archive=archive)


def drag_select(page, start_para, start_words, end_para, end_words):
    first, _ = page.evaluate(RECTS, [start_para, start_words])
    _, last = page.evaluate(RECTS, [end_para, end_words])
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=8)
    page.mouse.up()


def cite_selection(page) -> str:
    page.locator("#cite-button").wait_for(state="visible")
    page.locator("#cite-button").click()
    page.locator("#cite-panel").wait_for(state="visible")
    return page.locator("#cite-permalink").get_attribute("href")


def marked_words(page) -> str:
    return "\n\n".join(page.locator("mark.quoted-words").all_text_contents())


@pytest.mark.parametrize(
    ("para", "first", "last", "expected"),
    [
        ("p2", "committed", "together”", "committed to “working together”"),
        ("p1", "tests", "—", "tests —"),
        ("p3", "Łódź", "Zürich", "Łódź and Zürich"),
        ("p3", "naïve", "not", "naïve or not"),
        ("p2", "mitted", "to", "committed to"),  # a part-word selection snaps to whole words
        ("p2", "We’re", "We’re", "We’re"),
    ],
)
def test_mouse_selection_gives_a_permalink_to_exactly_those_words(
    page, live_server, para, first, last, expected
):
    page.goto(f"{live_server}/documents/{DOC}")
    drag_select(page, para, first, para, last)
    permalink = cite_selection(page)
    assert page.locator("#cite-words").text_content() == expected
    page.goto(live_server + permalink)
    assert marked_words(page) == expected


def test_a_selection_across_two_paragraphs_round_trips(page, live_server):
    page.goto(f"{live_server}/documents/{DOC}")
    drag_select(page, "p2", "keep", "p3", "Café")
    permalink = cite_selection(page)
    page.goto(live_server + permalink)
    assert page.locator("mark.quoted-words").all_text_contents() == ["keep doing so.", "Café"]
    data = page.request.get(live_server + "/api/v1" + permalink).json()
    assert data["quote"]["text"] == "keep doing so.\n\nCafé"


def test_the_cite_panel_offers_citations_and_copy_buttons(page, live_server):
    page.goto(f"{live_server}/documents/{DOC}")
    drag_select(page, "p3", "Café", "p3", "staff")
    cite_selection(page)
    panel = page.locator("#cite-panel")
    for label in ("OSCOLA", "APA 7", "Chicago", "Harvard", "BibTeX", "RIS", "CSL-JSON"):
        assert panel.get_by_role("heading", name=label).count() == 1
    assert panel.locator("button.copy:visible").count() >= 8
    assert page.evaluate("document.activeElement.id") == "cite-panel-h"
    page.keyboard.press("Escape")
    assert panel.is_hidden()


def test_the_keyboard_path_cites_a_paragraph(page, live_server):
    page.goto(f"{live_server}/documents/{DOC}")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "cite-p2":
            break
    else:
        pytest.fail("the 'Cite paragraph 2' link cannot be reached with Tab")
    # cite.js puts the link right after its paragraph, where a keyboard user meets it
    assert (
        page.evaluate("document.getElementById('cite-p2').closest('p').previousElementSibling.id")
        == "p2"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/**")
    paragraph = "We’re committed to “working together” with partners, and we’ll keep doing so."
    assert marked_words(page) == paragraph


def test_paragraph_links_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/documents/{DOC}")
    page.get_by_role("link", name="Cite paragraph 3").click()
    assert marked_words(page).startswith("Café staff in Łódź")
    context.close()


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        skip_unless_available(
            "axe-core is missing: npm install --prefix tests/browser_assets axe-core"
        )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_problem_on_document_panel_and_quote_pages(browser, live_server):
    # the test injects axe-core, which our CSP would (rightly) block: bypass it for the test only
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/documents/{DOC}")
    assert axe_violations(page) == []
    drag_select(page, "p2", "committed", "p2", "together”")
    permalink = cite_selection(page)
    assert axe_violations(page) == []
    page.goto(live_server + permalink)
    assert axe_violations(page) == []
    context.close()
