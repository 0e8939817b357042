"""Markdown → canonical plain text (what quote offsets count) and safe HTML, by Python-Markdown.

The canonical text is the text of each block (paragraph, heading, list item, code block) joined
by a blank line; soft line breaks count as one space (with the spaces around them), a hard break
(two spaces at a line's end) as a newline. Raw HTML is not interpreted: it is shown as the
literal characters written, so the words on the page and the words counted for a quote are the
same. Images are off (they would be remote requests and carry no quotable text). The HTML then
goes through nh3 (Ammonia) with a short allow-list.

These are canonical-text **rules 2**. Rules 1 were markdown-it-py's CommonMark, used until
2026-11-29; a version keeps the text and offsets its rules gave it for ever (they are stored
with it, and in the ledger), and ``render_version`` shows an old version so that its paragraph
anchors and offsets are the stored ones whatever these rules would compute.
"""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, ETX, HTML_PLACEHOLDER_RE, STX

CANONICAL_RULES = 2
SEPARATOR = "\n\n"
BLOCKS = {"p", "pre", *(f"h{n}" for n in range(1, 7))}
CONTAINERS = {"ul", "ol", "blockquote", "div"}
# Indentation, with any list or quote markers in it: where a tab is layout, not text.
LEADING = re.compile(r"^(?:[ \t]*(?:[-*+>]|\d{1,9}[.)])(?=[ \t]))*[ \t]*", re.M)
SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
AMP_ENTITY = re.compile(re.escape(AMP_SUBSTITUTE) + r"(#\d+;)")  # automail's encoded letters

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


class _NumberBlocks(Treeprocessor):
    """Number each quotable block: ``id="pN"`` and its offsets in the canonical text."""

    def run(self, root: etree.Element) -> None:
        texts, position = [], 0
        for element in list(_blocks(root)):
            text, stashed = _block_text(element, self.md)
            if not text.strip():
                continue
            texts.append(text)
            attributes = {
                "id": f"p{len(texts)}",
                "class": "para",
                "data-start": str(position),
                "data-end": str(position + len(text)),
            }
            if stashed is None:
                element.attrib.update(attributes)
            else:  # a fenced code block is stashed HTML: its attributes go on the stashed <pre>
                marked = " ".join(f'{k}="{v}"' for k, v in attributes.items())
                raw = self.md.htmlStash.rawHtmlBlocks[stashed]
                self.md.htmlStash.rawHtmlBlocks[stashed] = raw.replace("<pre", f"<pre {marked}", 1)
            position += len(text) + len(SEPARATOR)
        self.md.canonical_texts = texts


def _blocks(parent: etree.Element):
    """The quotable blocks under ``parent``, in reading order."""
    for child in list(parent):
        if child.tag in BLOCKS:
            yield child
        elif child.tag == "li":
            yield from _list_item(child)
        elif child.tag in CONTAINERS:
            yield from _blocks(child)


def _list_item(item: etree.Element):
    """A list item's own words become a paragraph (as CommonMark's tight lists have inside)."""
    inline = [c for c in item if c.tag not in BLOCKS | CONTAINERS]
    first_block = next((i for i, c in enumerate(item) if c.tag in BLOCKS | CONTAINERS), None)
    leading = inline if first_block is None else list(item)[:first_block]
    if (item.text or "").strip() or leading:
        paragraph = etree.Element("p")
        paragraph.text, item.text = item.text, None
        for child in leading:
            item.remove(child)
            paragraph.append(child)
        item.insert(0, paragraph)
    yield from _blocks(item)


def _block_text(element: etree.Element, md) -> tuple[str, int | None]:
    """The block's canonical text, after making its text nodes say exactly that."""
    stashed = _stashed_code(element, md)
    if stashed is not None:
        return stashed
    if element.tag == "pre":  # Python-Markdown keeps code escaped (&lt;) in the tree
        return html.unescape("".join(element.itertext())).rstrip("\n"), None
    nodes = _text_nodes(element)
    for owner, attribute in nodes:
        value = getattr(owner, attribute) or ""
        if attribute == "tail" and owner.tag == "br":  # a hard break keeps its newline
            value = "\n" + SOFT_BREAK.sub(" ", value.lstrip(" \t\n"))
        else:
            value = SOFT_BREAK.sub(" ", value)
        setattr(owner, attribute, value)
    _trim(nodes)
    text = "".join(getattr(owner, attribute) or "" for owner, attribute in nodes)
    return _resolve(text, md), None


def _text_nodes(element: etree.Element) -> list[tuple[etree.Element, str]]:
    """(element, "text" | "tail") for every piece of text inside ``element``, in order."""
    nodes = [(element, "text")]
    for child in element:
        nodes += _text_nodes(child)
        nodes.append((child, "tail"))
    return nodes


def _trim(nodes: list) -> None:
    """Strip the block's leading and trailing white space, as CommonMark does."""
    filled = [(o, a) for o, a in nodes if getattr(o, a)]
    if filled:
        owner, attribute = filled[0]
        setattr(owner, attribute, getattr(owner, attribute).lstrip(" \t"))
        owner, attribute = filled[-1]
        setattr(owner, attribute, getattr(owner, attribute).rstrip(" \t"))


def _stashed_code(element: etree.Element, md) -> tuple[str, int] | None:
    """A fenced code block, which Python-Markdown keeps as stashed HTML in a paragraph."""
    match = HTML_PLACEHOLDER_RE.fullmatch((element.text or "").strip())
    if element.tag != "p" or len(element) or not match:
        return None
    raw = md.htmlStash.rawHtmlBlocks[int(match[1])]
    code = re.fullmatch(r"<pre[^>]*><code[^>]*>(.*)</code></pre>", raw.strip(), re.S)
    if not code:
        return None
    return html.unescape(code[1]).rstrip("\n"), int(match[1])


def _resolve(text: str, md) -> str:
    """Stashed entities (``&amp;``, ``&copy;``) and encoded letters read as what they show."""
    text = AMP_ENTITY.sub(lambda m: html.unescape("&" + m[1]), text)
    return HTML_PLACEHOLDER_RE.sub(
        lambda m: html.unescape(str(md.htmlStash.rawHtmlBlocks[int(m[1])])), text
    )


class _Whitespace(Preprocessor):
    """Python-Markdown's whitespace clean-up, except that a tab inside a line stays a tab (it is
    a quotable character): only indentation is expanded, which is what block parsing needs."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines).replace(STX, "").replace(ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = LEADING.sub(lambda m: m[0].expandtabs(self.md.tab_length), source)
        return re.sub(r"(?<=\n) +\n", "\n", source).split("\n")


class ArchiveMarkdown(Extension):
    """Raw HTML shown literally, images off, fenced code, numbered blocks."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's API name
        md.preprocessors.register(_Whitespace(md), "normalize_whitespace", 30)
        md.preprocessors.deregister("html_block")
        for name in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(name)
        md.treeprocessors.register(_NumberBlocks(md), "archive_blocks", -10)


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown instance per thread (an instance keeps state while it converts)."""
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(extensions=["fenced_code", ArchiveMarkdown()])
    return _local.md.reset()


def _convert(body: str) -> tuple[str, Canonical]:
    md = _converter()
    page = md.convert(body)
    texts = md.canonical_texts
    offsets, position = [], 0
    for text in texts:
        offsets.append((position, position + len(text)))
        position += len(text) + len(SEPARATOR)
    return sanitise(page), Canonical(SEPARATOR.join(texts), offsets)


def canonical_text(body: str) -> Canonical:
    """Compute the canonical plain text and paragraph offsets of a Markdown body."""
    return _convert(body)[1]


@lru_cache(maxsize=512)
def render_html(body: str) -> str:
    """Render a body to safe HTML; numbered blocks carry ``id="pN"`` and their text offsets."""
    return _convert(body)[0]


@lru_cache(maxsize=512)
def render_version(body: str, text: str, paragraphs: tuple[tuple[int, int], ...]) -> str:
    """A version's HTML whose anchors and offsets are its **stored** text's. When these rules
    read the body otherwise (a version archived under older rules), its stored paragraphs are
    shown as plain text: the cited words and offsets stay exact, the formatting is lost."""
    page, canonical = _convert(body)
    if canonical.text == text and [tuple(p) for p in canonical.paragraphs] == list(paragraphs):
        return page
    return "\n".join(
        f'<p id="p{n}" class="para plain" data-start="{start}" data-end="{end}">'
        f"{html.escape(text[start:end], quote=False)}</p>"
        for n, (start, end) in enumerate(paragraphs, 1)
    )


def sanitise(page: str) -> str:
    """Remove anything active from HTML: scripts, event handlers, and non-http(s) links."""
    return nh3.clean(
        page,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
