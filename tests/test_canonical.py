"""Canonical text: what quote offsets count, and the page's paragraphs agree with it."""

from __future__ import annotations

from html.parser import HTMLParser

from archive.canonical import canonical_text, render_html

BODY = """First paragraph with *emphasis*, a [link](https://example.org) and
a soft line break.

## A heading

- a tight list item
- another “curly” item — with a dash

Café, naïve and 𝒜 (astral).
"""


class _BlockText(HTMLParser):
    """Collect the text of each element carrying an ``id="pN"``."""

    def __init__(self):
        super().__init__()
        self.blocks: dict[str, list] = {}
        self.stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        self.stack.append(ident if ident and ident.startswith("p") else None)
        if self.stack[-1]:
            self.blocks[self.stack[-1]] = [dict(attrs), ""]

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        for ident in filter(None, self.stack):
            self.blocks[ident][1] += data


def test_canonical_text_joins_blocks_with_a_blank_line():
    canonical = canonical_text(BODY)
    texts = [canonical.text[s:e] for s, e in canonical.paragraphs]
    assert texts == [
        "First paragraph with emphasis, a link and a soft line break.",
        "A heading",
        "a tight list item",
        "another “curly” item — with a dash",
        "Café, naïve and 𝒜 (astral).",
    ]
    assert canonical.text == "\n\n".join(texts)


def test_rendered_paragraphs_carry_their_canonical_offsets():
    canonical = canonical_text(BODY)
    parser = _BlockText()
    parser.feed(render_html(BODY))
    assert list(parser.blocks) == [f"p{n}" for n in range(1, 6)]
    for (start, end), (attrs, text) in zip(
        canonical.paragraphs, parser.blocks.values(), strict=True
    ):
        assert (int(attrs["data-start"]), int(attrs["data-end"])) == (start, end)
        assert text == canonical.text[start:end]


def test_offsets_count_code_points_not_bytes():
    canonical = canonical_text("𝒜 then ß.")
    assert canonical.paragraphs == [(0, 9)]
