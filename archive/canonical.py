"""Markdown → canonical plain text (what quote offsets count) and sanitised HTML.

The canonical text is the text of each block (paragraph, heading, list item, code block) joined
by a blank line. Soft line breaks count as one space. Raw HTML in Markdown is not interpreted:
it is shown as the literal characters written, so the words on the page and the words counted
for a quote are the same. The HTML then goes through nh3 (Ammonia) with a short allow-list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

BLOCK_OPENERS = {"paragraph_open", "heading_open"}
CODE_BLOCKS = {"code_block", "fence"}
SEPARATOR = "\n\n"

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "br", "hr", "del", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "p": {"id", "data-start", "data-end", "class"},
    "pre": {"id", "data-start", "data-end", "class"},
    **{f"h{n}": {"id", "data-start", "data-end", "class"} for n in range(1, 7)},
}


@dataclass(frozen=True)
class Canonical:
    """A version's plain text and the [start, end) offsets of each numbered paragraph."""

    text: str
    paragraphs: list[tuple[int, int]]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # images would be remote requests and carry no quotable text
    md.add_render_rule("softbreak", lambda *args, **kwargs: " ")
    return md


_MD = _parser()


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def _blocks(tokens: list[Token]) -> list[tuple[Token, str]]:
    """Each numbered block's opening token and its plain text, in order."""
    blocks = []
    for index, token in enumerate(tokens):
        if token.type in BLOCK_OPENERS:
            blocks.append((token, _inline_text(tokens[index + 1])))
        elif token.type in CODE_BLOCKS:
            blocks.append((token, token.content.rstrip("\n")))
    return [(token, text) for token, text in blocks if text.strip()]


def canonical_text(markdown: str) -> Canonical:
    """Compute the canonical plain text and paragraph offsets of a Markdown body."""
    texts = [text for _, text in _blocks(_MD.parse(markdown))]
    offsets, position = [], 0
    for text in texts:
        offsets.append((position, position + len(text)))
        position += len(text) + len(SEPARATOR)
    return Canonical(SEPARATOR.join(texts), offsets)


@lru_cache(maxsize=512)
def render_html(markdown: str) -> str:
    """Render a body to safe HTML; numbered blocks carry ``id="pN"`` and their text offsets."""
    tokens = _MD.parse(markdown)
    position = 0
    for number, (token, text) in enumerate(_blocks(tokens), 1):
        token.hidden = False  # tight lists hide their paragraphs; ours must stay addressable
        token.attrSet("id", f"p{number}")
        token.attrSet("class", "para")
        token.attrSet("data-start", str(position))
        token.attrSet("data-end", str(position + len(text)))
        position += len(text) + len(SEPARATOR)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_close" and tokens[index - 2].type == "paragraph_open":
            token.hidden = tokens[index - 2].hidden
    return sanitise(_MD.renderer.render(tokens, _MD.options, {}))


def sanitise(html: str) -> str:
    """Remove anything active from HTML: scripts, event handlers, and non-http(s) links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
