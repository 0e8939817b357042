"""Python-Markdown renders every body, and no issued permalink moves because of it.

Every version in the ledger keeps the canonical text and offsets stored with it. Under the
current rules (2) the renderer must give exactly those; a version archived under rules 1
(markdown-it-py's CommonMark, until 2026-11-29) whose body the new rules read otherwise is shown
so that its anchors and offsets are still the stored ones.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archive.canonical import CANONICAL_RULES, canonical_text, render_html, render_version
from archive.ledger_read import read_ledger
from archive.source import read_source

from .conftest import FIXTURES, PROJECT, SHIPPED_DOCUMENTS, copy_corpus

RULES_1 = FIXTURES / "rules1"
CORPORA = [SHIPPED_DOCUMENTS, *sorted(p for p in FIXTURES.iterdir() if p.is_dir())]


class _Anchors(HTMLParser):
    """Each element with ``id="pN"``: its offsets and the text inside it."""

    def __init__(self):
        super().__init__()
        self.blocks: dict[str, list] = {}
        self.open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ident = attrs.get("id") if (attrs.get("id") or "").startswith("p") else None
        if tag not in ("br", "hr"):
            self.open.append(ident)
        if ident:
            self.blocks[ident] = [int(attrs["data-start"]), int(attrs["data-end"]), ""]

    def handle_endtag(self, tag):
        if tag not in ("br", "hr"):
            self.open.pop()

    def handle_data(self, data):
        for ident in filter(None, self.open):
            self.blocks[ident][2] += data


def anchors(page: str) -> list[tuple[str, int, int, str]]:
    parser = _Anchors()
    parser.feed(page)
    return [(ident, start, end, text) for ident, (start, end, text) in parser.blocks.items()]


def _stored_versions():
    for corpus in CORPORA:
        for ledger in read_ledger(corpus, corpus.parent).values():
            for entry in ledger.versions:
                yield pytest.param(entry.data, id=f"{ledger.doc_id}-v{entry.version}")


@pytest.mark.parametrize("entry", list(_stored_versions()))
def test_every_archived_version_keeps_its_text_offsets_and_anchors(entry):
    canonical = entry["canonical"]
    text, paragraphs = canonical["text"], [tuple(p) for p in canonical["paragraphs"]]
    computed = canonical_text(entry["body"])
    if canonical["rules"] == CANONICAL_RULES or (computed.text, computed.paragraphs) == (
        text,
        paragraphs,
    ):
        assert (computed.text, computed.paragraphs) == (text, paragraphs)
    page = render_version(entry["body"], text, tuple(paragraphs))
    expected = [
        (f"p{n}", start, end, text[start:end]) for n, (start, end) in enumerate(paragraphs, 1)
    ]
    assert [(i, s, e, t.rstrip("\n")) for i, s, e, t in anchors(page)] == expected


def test_every_shipped_version_reads_the_same_under_the_new_rules():
    """The corpus's versions were archived under rules 1; rules 2 give each the same text."""
    for ledger in read_ledger(SHIPPED_DOCUMENTS, PROJECT).values():
        for entry in ledger.versions:
            canonical = entry.data["canonical"]
            computed = canonical_text(entry.data["body"])
            assert computed.text == canonical["text"], ledger.doc_id
            assert [list(p) for p in computed.paragraphs] == canonical["paragraphs"]


@pytest.mark.parametrize("corpus", CORPORA[1:], ids=lambda p: p.name)
def test_every_fixture_document_renders_its_own_offsets(corpus):
    for document in read_source(corpus, corpus.parent).documents.values():
        canonical = canonical_text(document.body)
        found = anchors(render_html(document.body))
        assert [(s, e) for _, s, e, _ in found] == canonical.paragraphs
        for _, start, end, text in found:
            assert text.rstrip("\n") == canonical.text[start:end]


# Where Python-Markdown (rules 2) and CommonMark (rules 1) read a body differently. Each line:
# the body, the blocks rules 2 give, the blocks rules 1 gave (from markdown-it-py 4.0).
DISAGREEMENTS = [
    ("A list after a paragraph:\n- one\n- two", ["A list after a paragraph: - one - two"],
     ["A list after a paragraph:", "one", "two"]),
    ("- outer\n  - nested by two spaces", ["outer", "nested by two spaces"],
     ["outer", "nested by two spaces"]),
    ("- a list\n\n1. then a numbered one", ["a list", "then a numbered one"],
     ["a list", "then a numbered one"]),
    ("A backslash\\\nbreak", ["A backslash\\ break"], ["A backslash\nbreak"]),
    ("Two spaces  \nbreak", ["Two spaces\nbreak"], ["Two spaces\nbreak"]),
    ("Text\n```\ncode\n```", ["Text", "code"], ["Text", "code"]),
    ("&copy; &amp; &#8212;", ["© & —"], ["© & —"]),
    ("![alt text](https://example.org/i.png)", ["![alt text](https://example.org/i.png)"],
     ["!alt text"]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "rules_2", "rules_1"), DISAGREEMENTS)
def test_known_readings_of_python_markdown_against_commonmark(body, rules_2, rules_1):
    computed = canonical_text(body)
    assert [computed.text[s:e] for s, e in computed.paragraphs] == rules_2


@pytest.fixture
def app(tmp_path, make_archive):
    """The rules-1 fixture: a version archived under CommonMark's reading of its body."""
    from webapp import create_app

    archive = make_archive(copy_corpus(RULES_1, tmp_path / "root"))
    assert not archive.build().problems
    assert archive.verify() == []
    return create_app({"TESTING": True}, archive=archive)


def test_a_version_read_otherwise_shows_its_stored_offsets(client):
    """CommonMark made a nested list of the fixture's body; Python-Markdown does not."""
    data = client.get("/api/v1/documents/fx-commonmark-steps/v1").get_json()
    assert data["version"]["canonical_rules"] == 1
    stored = data["canonical_text"]
    assert canonical_text(data["markdown"]).text != stored  # the rules do read it otherwise
    found = anchors(data["html"])
    assert [(s, e) for _, s, e, _ in found] == [(p["start"], p["end"]) for p in data["paragraphs"]]
    assert [t for *_, t in found] == [stored[s:e] for _, s, e, _ in found]
    assert "with partners" in [t for *_, t in found]


def _module_name(path: Path) -> str:
    return re.sub(r"\.__init__$", "", ".".join(path.relative_to(PROJECT).with_suffix("").parts))


def _imports(path: Path, package: str, modules: set[str] = frozenset()) -> set[str]:
    """Modules of ``package`` that the file imports (anywhere in it, type-checking included).
    ``from x import y`` imports the module ``x.y`` when there is one, else ``x`` itself."""
    import ast

    module = _module_name(path)
    siblings = {p.stem for p in path.parent.glob("*.py")}  # bench's scripts import each other
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = module.rsplit(".", node.level)[0] if node.level else ""
            if path.name == "__init__.py" and node.level:
                base = module if node.level == 1 else module.rsplit(".", node.level - 1)[0]
            target = ".".join(filter(None, [base, node.module or ""]))
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                names.add(submodule if submodule in modules else target)
    names |= {f"{package}.{n}" for n in names if n.split(".")[0] in siblings}
    return {n for n in names if n.split(".")[0] == package}


def _graph(package: str) -> dict[str, set[str]]:
    files = [p for p in sorted((PROJECT / package).rglob("*.py")) if "migrations" not in p.parts]
    modules = {_module_name(p): p for p in files}
    return {
        name: _imports(path, package, set(modules)) & set(modules) - {name}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for following in sorted(graph[node]):
            if state.get(following) == 1:
                return stack[stack.index(following) :] + [following]
            if following not in state and (found := visit(following)):
                return found
        stack.pop()
        state[node] = 2
        return None

    return next((c for node in sorted(graph) if node not in state and (c := visit(node))), None)


@pytest.mark.parametrize("package", ["archive", "webapp", "bench"])
def test_no_import_cycles(package):
    assert _cycle(_graph(package)) is None


def test_the_library_never_imports_the_web_app():
    for path in (PROJECT / "archive").rglob("*.py"):
        assert not _imports(path, "webapp"), path
        assert not _imports(path, "flask"), path


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.browser
def test_selecting_words_in_an_old_version_cites_the_stored_offsets(page, live_server):
    """In Chromium: words selected on a version the new rules read otherwise are cited at the
    offsets stored for them, and the quote page marks exactly those words."""
    from .test_cite_browser import cite_selection, drag_select, marked_words

    stored = read_ledger(RULES_1, FIXTURES)["fx-commonmark-steps"].latest.data["canonical"]["text"]
    page.goto(f"{live_server}/documents/fx-commonmark-steps/v1")
    drag_select(page, "p3", "with", "p3", "partners")
    assert cite_selection(page) == "/documents/fx-commonmark-steps/v1/q/50-63"
    assert stored[50:63] == "with partners"
    page.goto(f"{live_server}/documents/fx-commonmark-steps/v1")
    page.locator("#p5").scroll_into_view_if_needed()  # a drag must stay inside the viewport
    drag_select(page, "p5", "backslash", "p5", "next")
    permalink = cite_selection(page)
    start = stored.index("backslash")
    end = stored.index("next") + len("next")
    assert permalink == f"/documents/fx-commonmark-steps/v1/q/{start}-{end}"
    page.goto(live_server + permalink)
    assert marked_words(page) == "backslash\nand the next"
