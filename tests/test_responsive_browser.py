"""Every kind of page in real headless Chromium at 320, 390 and 1280 px: no sideways scroll,
readable type, targets of 24 px (WCAG 2.2, 2.5.8), and axe-core finds no violation of any
impact at 390 and 1280 px."""

from __future__ import annotations

import pytest

from tests.browser_site import axe_violations, site  # noqa: F401  (the module's live site)

pytestmark = pytest.mark.browser

# The widest elements, to say what overflows when something does.
OVERFLOW = """() => [document.scrollingElement.scrollWidth, innerWidth,
  [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} ${e.getBoundingClientRect().right}`)]"""

# Targets that are not links inside running text (those are exempt in 2.5.8): each is at least
# 24 × 24, or a 24 px circle on its centre meets no other target (2.5.8's spacing exception).
TARGETS = """() => {
  const selector = 'button, select, input:not([type=hidden]), summary, header.site a, nav a,'
    + ' .tl-overview-svg a, .downloads a, .pager a, .facets a, .tl-jump a';
  const shown = [...document.querySelectorAll(selector)].filter(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  });
  const boxes = shown.map(e => {
    const target = e.querySelector(':scope > .hit') || e;  // an overview mark's hit area
    return [e, target.getBoundingClientRect()];
  });
  const distance = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right),
                                           Math.max(r.top - y, 0, y - r.bottom));
  const bad = [];
  for (const [e, r] of boxes) {
    if (r.width >= 23.5 && r.height >= 23.5) continue;
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    const crowded = boxes.some(([o, q]) => o !== e && !o.contains(e) && !e.contains(o)
      && (distance(x, y, q) < 12
          || ((q.width < 23.5 || q.height < 23.5)
              && Math.hypot(x - (q.left + q.right) / 2, y - (q.top + q.bottom) / 2) < 24)));
    const words = (e.textContent || '').trim().slice(0, 30);
    if (crowded) bad.push(`${e.tagName} "${words}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return bad;
}"""

# Text smaller than 12 px (the overview's labels included).
SMALL_TYPE = """() => [...document.querySelectorAll('body *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.data.trim()))
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .filter(e => {
    const size = parseFloat(getComputedStyle(e).fontSize);
    const svg = e.closest('svg');
    const scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
    return size * scale < 12;
  })
  .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className}`)"""


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_page_scrolls_sideways_and_all_read_and_tap_well(browser, site, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    problems = {}
    for kind, path in site.pages.items():
        page.goto(site.url + path)
        scroll_width, inner_width, widest = page.evaluate(OVERFLOW)
        assert inner_width == width
        if scroll_width > inner_width:
            problems[f"{kind}: scrolls sideways"] = (scroll_width, widest)
        if small := page.evaluate(SMALL_TYPE):
            problems[f"{kind}: type under 12 px"] = small
        if crowded := page.evaluate(TARGETS):
            problems[f"{kind}: targets under 24 px"] = crowded
    context.close()
    assert not problems, problems


def test_the_overview_marks_are_24_px_targets_on_a_phone(browser, site):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True)
    page = context.new_page()
    page.goto(site.url + "/timeline")
    sizes = page.eval_on_selector_all(
        ".tl-overview-svg a.mark .hit",
        "hits => hits.map(h => h.getBoundingClientRect()).map(r => [r.width, r.height])",
    )
    assert sizes and all(w >= 23.5 and h >= 23.5 for w, h in sizes), sizes
    assert page.locator(".tl-org-key li").count() >= 2  # a key to the colours
    exports = page.locator("p.tl-exports")
    assert (
        exports.is_visible()
        and exports.bounding_box()["y"] < page.locator(".tl-overview").bounding_box()["y"]
    )  # the downloads are at the top, before the overview
    # The overview scrolls in its own box; the page does not.
    box = page.locator(".tl-overview-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    # A tap on a mark takes the reader to its entry.
    mark = page.locator(".tl-overview-svg a.mark").last
    href = mark.get_attribute("href")
    mark.scroll_into_view_if_needed()
    mark.locator(".hit").tap()
    page.wait_for_url(f"**/timeline{href}")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation_of_any_impact_on_any_page(browser, site, width):  # noqa: F811
    # axe-core is injected by the test, which the site's CSP would (rightly) refuse.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for kind, path in site.pages.items():
        page.goto(site.url + path)
        if violations := axe_violations(page):
            found[kind] = violations
    context.close()
    assert not found, found


def test_a_page_with_errors_takes_the_reader_to_their_summary(browser, site):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site.url + site.pages["search with an error"])
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    page.locator(".error-summary a").first.click()  # each problem leads to its box
    page.wait_for_function("location.hash === '#s-from'")
    assert page.locator("#s-from").input_value() == "Decmber 2019"
    context.close()


# Layout shifts after the page first shows (Chromium's layout-shift entries, as CLS counts them).
SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries())
  if (!e.hadRecentInput) window.__shifts.push([e.value,
    e.sources.map(s => s.node && s.node.nodeName ? s.node.nodeName + '.' + s.node.className : '')]);
}).observe({type: 'layout-shift', buffered: true});"""


@pytest.mark.parametrize("kind", ["quote", "home", "search", "timeline"])
def test_nothing_moves_once_the_page_shows(browser, site, kind):  # noqa: F811
    """Scripts that show their controls (Copy buttons) keep their places: nothing jumps under
    the reader's finger (Lighthouse counts it as layout shift)."""
    context = browser.new_context(viewport={"width": 1350, "height": 940})
    page = context.new_page()
    page.add_init_script(SHIFTS)
    page.goto(site.url + site.pages[kind])
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelectorAll('button.copy[hidden]').length === 0")
    shifts = page.evaluate("window.__shifts")
    context.close()
    assert shifts == [], shifts
