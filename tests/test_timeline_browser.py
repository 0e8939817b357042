"""The timeline in real headless Chromium: TimelineJS3 loads the export, axe-core finds no
serious or critical problem, the overview works from the keyboard, and print is clean.

TimelineJS3 and axe-core come from npm into tests/browser_assets/node_modules (``.ci/run`` runs
``npm ci --prefix tests/browser_assets``) and are served to the page locally; the page may not
reach the network.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.conftest import skip_unless_available
from tests.test_timeline import AFTER, ORDER, app  # noqa: F401  (the fixture corpus app)

pytestmark = pytest.mark.browser

ASSETS = Path(__file__).resolve().parent / "browser_assets" / "node_modules"
TIMELINEJS = ASSETS / "@knight-lab" / "timelinejs" / "dist"
AXE = ASSETS / "axe-core" / "axe.min.js"
NPM = "npm ci --prefix tests/browser_assets --no-audit --no-fund --ignore-scripts"


def _need(path: Path) -> None:
    if not path.exists():
        skip_unless_available(f"{path.name} from npm is missing; run `{NPM}`")


TEST_ORIGIN = "http://timelinejs.test"
TEST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>TimelineJS test</title><link rel="stylesheet" href="/css/timeline.css">
<script src="/js/timeline.js"></script></head>
<body><div id="tl"></div><script src="/start.js"></script></body></html>"""
START = (
    "window.timeline = new TL.Timeline('tl', '/timeline.json', "
    f"{{script_path: '{TEST_ORIGIN}/js/'}});"
)


def _serve_locally(page, export: bytes) -> None:
    """Serve the test page, TimelineJS3 from npm and our export on a local origin; nothing else."""
    files = {
        "/": (TEST_PAGE.encode(), "text/html"),
        "/start.js": (START.encode(), "text/javascript"),
        "/timeline.json": (export, "application/json"),
    }

    def handle(route):
        path = route.request.url.removeprefix(TEST_ORIGIN).split("?")[0]
        if not route.request.url.startswith(TEST_ORIGIN):
            return route.abort()
        if path in files:
            body, kind = files[path]
            return route.fulfill(body=body, content_type=kind)
        local = TIMELINEJS / path.lstrip("/")
        if ".." in path or not local.is_file():
            return route.fulfill(status=404, body=b"")
        return route.fulfill(path=str(local))

    page.route("**/*", handle)


def test_timelinejs3_loads_the_export_and_shows_every_slide(page, live_server):
    _need(TIMELINEJS / "js" / "timeline.js")
    url = f"{live_server}/timeline.json?format=timelinejs"
    with urllib.request.urlopen(url) as response:  # noqa: S310 (a local test server)
        export = response.read()
    _serve_locally(page, export)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{TEST_ORIGIN}/")
    page.wait_for_function(
        "() => document.querySelectorAll('.tl-storyslider .tl-slide').length > 1"
    )
    entries = len(ORDER) + len(AFTER)
    assert page.locator(".tl-storyslider .tl-slide").count() == entries + 1  # plus the title slide
    assert page.evaluate("() => window.timeline.config.events.length") == entries
    assert page.evaluate("() => window.timeline.config.eras.length") == 4
    assert page.locator(".tl-timemarker").count() == entries
    assert page.get_by_text("Spring 2020").count() >= 1
    assert not errors, errors


def test_axe_finds_no_serious_or_critical_violation(page, live_server):
    _need(AXE)
    axe_url = f"{live_server}/__test__/axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.goto(f"{live_server}/timeline")
    # Served from the page's own origin, so the real Content-Security-Policy stays on.
    page.add_script_tag(url=axe_url)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                             'best-practice']}})"""
    )
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    print("axe, all impacts:", [(v["id"], v["impact"]) for v in result["violations"]])
    assert result["passes"]  # axe really ran


def test_overview_marks_take_the_keyboard_to_their_entry(page, live_server):
    page.goto(f"{live_server}/timeline")
    page.focus("a.tl-skip")
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert first.startswith("#e-")  # the first mark in the overview
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/timeline{first}", timeout=5000)  # the press navigates, not at once
    assert page.locator(f"li{first}").evaluate("el => el.matches(':target')")
    page.focus("a.tl-skip")
    page.keyboard.press("Enter")
    page.wait_for_url("**/timeline#entries", timeout=5000)


def test_print_gives_a_clean_chronology(page, live_server):
    page.goto(f"{live_server}/timeline")
    page.emulate_media(media="print")
    assert not page.locator("form.tl-filters").is_visible()
    assert not page.locator("section.tl-overview").is_visible()
    assert page.locator("li.tl-entry").count() == len(ORDER) + len(AFTER)
    assert page.locator("li.tl-entry").first.is_visible()
    assert page.locator("h3.tl-year").first.is_visible()
