"""The quote page in real headless Chromium: narrowing a quote to chosen words with the keyboard
only, with JavaScript and without it, gives the same permalink as selecting those words; the
reader's citation style comes first and is remembered on the device; a quote prints on one
A4 page with its permalink and citation and no controls."""

from __future__ import annotations

import re

import pytest

from tests.conftest import FIXTURES, copy_corpus
from tests.test_cite_touch_browser import SELECT

pytestmark = pytest.mark.browser

DOC = "fx-joint-statement"
LONG = "fx-long-statement"
SENTENCE = "Officers and partners met every week to share what they knew about each case. "


@pytest.fixture
def app(tmp_path, make_archive):
    from webapp import create_app

    root = copy_corpus(FIXTURES / "quotes", tmp_path / "root")
    source = (root / "documents" / "fx-joint-statement.md").read_text(encoding="utf-8")
    front, _ = source.rsplit("---\n", 1)
    long_paragraph = (SENTENCE * 25).strip()  # about 1,950 characters: a quote near the maximum
    (root / "documents" / f"{LONG}.md").write_text(
        front.replace("id: fx-joint-statement", f"id: {LONG}") + "---\n" + long_paragraph + "\n",
        encoding="utf-8",
    )
    archive = make_archive(root)
    assert not archive.build().problems
    return create_app({"TESTING": True}, archive=archive)


def tab_to(page, element_id: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} cannot be reached with Tab")


def marked_words(page) -> str:
    return "\n\n".join(page.locator("mark.quoted-words").all_text_contents())


def narrow_with_keys(page, live_server) -> str:
    """From the document, by keyboard only: Cite paragraph 2, then "committed" to "together"."""
    page.goto(f"{live_server}/documents/{DOC}")
    tab_to(page, "cite-p2")
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/83-160")
    tab_to(page, "first-word")
    page.keyboard.press("ArrowDown")  # word 1 "We’re" -> word 2 "committed"
    tab_to(page, "last-word", limit=2)
    for _ in range(7):  # word 12 "so" -> word 5 "together"
        page.keyboard.press("ArrowUp")
    assert page.locator("#first-word option:checked").text_content().startswith("2: committed")
    assert page.locator("#last-word option:checked").text_content().endswith("together")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: not url.endswith("/q/83-160"))
    assert marked_words(page) == "committed to “working together"
    return page.url.removeprefix(live_server)


def selected_permalink(page, live_server) -> str:
    page.goto(f"{live_server}/documents/{DOC}")
    page.evaluate(SELECT, ["p2", "committed", "p2", "together"])
    page.locator("#cite-button").wait_for(state="visible")
    page.locator("#cite-button").click()
    page.locator("#cite-permalink:not(:empty)").wait_for()
    return page.locator("#cite-permalink").get_attribute("href")


def test_the_keyboard_narrows_a_quote_to_the_permalink_a_selection_gives(page, live_server):
    by_keys = narrow_with_keys(page, live_server)
    assert by_keys == selected_permalink(page, live_server)


def test_the_keyboard_narrows_a_quote_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    by_keys = narrow_with_keys(page, live_server)
    context.close()
    with_script = browser.new_context()
    assert by_keys == selected_permalink(with_script.new_page(), live_server)
    with_script.close()


def first_style(page) -> str:
    return page.locator("#cite-chosen .cite-style").get_attribute("data-style")


def test_the_chosen_style_comes_first_and_is_remembered(page, live_server):
    quote = f"{live_server}/documents/{DOC}/v1/q/83-160"
    page.goto(quote)
    assert first_style(page) == "oscola"
    assert page.locator(".cite-others").evaluate("el => !el.open")  # one step away
    page.locator(".style-choice").get_by_role("link", name="APA 7").click()
    assert first_style(page) == "apa" and page.url == quote
    assert page.locator(".style-choice [aria-current]").text_content() == "APA 7"
    page.reload()
    assert first_style(page) == "apa"
    others = page.locator("#cite-other-styles .cite-style").evaluate_all(
        "els => els.map(el => el.dataset.style)"
    )
    assert others == ["oscola", "chicago", "harvard", "bibtex", "ris", "csl-json"]
    page.goto(f"{live_server}/documents/{DOC}/v1/q/162-249")  # another quote: the same style
    assert first_style(page) == "apa"
    page.goto(f"{quote}?style=ris")  # a shared link's style wins, and is not remembered
    assert first_style(page) == "ris"
    page.goto(quote)
    assert first_style(page) == "apa"
    page.goto(f"{live_server}/documents/{DOC}")  # the Cite panel leads with it too
    page.evaluate(SELECT, ["p2", "committed", "p2", "together"])
    page.locator("#cite-button").click()
    page.locator("#cite-panel-styles h3").first.wait_for()
    assert page.locator("#cite-panel-styles h3").first.text_content() == "APA 7"


def test_a_plain_link_chooses_the_style_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/documents/{DOC}/v1/q/83-160")
    page.locator(".style-choice").get_by_role("link", name="Harvard").click()
    page.wait_for_url("**?style=harvard")
    assert first_style(page) == "harvard"
    assert page.locator("#q-harvard-1").is_visible() and page.locator("#q-oscola-1").is_hidden()
    context.close()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


# The longest quote (a whole paragraph of nearly 2,000 characters) in each prose style, and a
# short one in a data format (which carries the quoted words again, so a long one may not fit).
@pytest.mark.parametrize(
    ("span", "style"),
    [("longest", "oscola"), ("longest", "apa"), ("longest", "chicago"), ("longest", "harvard"),
     ("short", "bibtex"), ("short", "csl-json")],
)  # fmt: skip
def test_a_quote_prints_on_one_a4_page_with_its_permalink_and_citation(
    page, live_server, span, style
):
    text = page.request.get(f"{live_server}/api/v1/documents/{LONG}").json()["canonical_text"]
    end = len(text) if span == "longest" else 40
    page.goto(f"{live_server}/documents/{LONG}/v1/q/0-{end}?style={style}")
    page.emulate_media(media="print")
    assert page.locator("#quote-permalink").is_visible()
    last_entry = page.locator(f"#cite-chosen .cite-style[data-style='{style}'] .citation").last
    assert last_entry.is_visible()  # the chosen style's reference, bibliography or record
    hidden = ["button", "form", "select", ".style-choice", ".cite-others", ".cite-para-holder"]
    for selector in hidden:
        assert page.locator(selector).evaluate_all("els => els.every(el => !el.checkVisibility())")
    assert page.locator(".cite-style:not([data-style='" + style + "']) .citation").evaluate_all(
        "els => els.every(el => !el.checkVisibility())"
    )
    assert pdf_pages(page.pdf(format="A4")) == 1
