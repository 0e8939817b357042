"""What only the quote page's HTML adds to its data (the JSON twin stays as it was): the
reader's citation style first, and first-word and last-word pickers to quote fewer words.

The style comes from ``?style=`` (a plain link, no script needed); without it the page shows
OSCOLA first and ``cite.js`` moves the style the reader chose on this device (localStorage)
to the front. An unknown style is not an error: the quote is still shown, with a notice.
"""

from __future__ import annotations

from archive.citations import STYLES
from archive.quote_words import Word, paragraph_words
from archive.quotes import Quote

DEFAULT_STYLE = "oscola"
CONTEXT_WORDS = 2  # words shown beside each choice, so that repeated words can be told apart
NEAR = 160  # characters of context printed on each side of the quoted words (screens show all)
LONG_QUOTE = 400  # a longer quote is not printed a second time as its styled "Quotation"


def chosen_style(asked: str | None) -> tuple[str, str | None]:
    """The style to show first, and a notice when ``asked`` names none."""
    if not asked:
        return DEFAULT_STYLE, None
    if asked in STYLES:
        return asked, None
    known = ", ".join(STYLES)
    shown = asked[:40] + ("…" if len(asked) > 40 else "")
    return DEFAULT_STYLE, f"There is no citation style “{shown}” here (there are {known})."


def word_choices(quote: Quote) -> dict:
    """The words of the quoted paragraphs, labelled for the two pickers, and the current ends."""
    version = quote.version
    text = version.canonical_text
    groups = []
    by_paragraph = paragraph_words(text, version.paragraphs, quote.paragraphs)
    every = [w for words in by_paragraph.values() for w in words]
    for number, words in by_paragraph.items():
        groups.append(
            {
                "number": number,
                "words": [_labels(text, words, i) for i in range(len(words))],
            }
        )
    inside = [w for w in every if w.end > quote.start and w.start < quote.end] or every
    return {
        "groups": groups,
        "first": inside[0].start if inside else None,
        "last": inside[-1].end if inside else None,
    }


def _labels(text: str, words: list[Word], i: int) -> dict:
    word = words[i]
    after = words[min(i + CONTEXT_WORDS, len(words) - 1)]
    before = words[max(i - CONTEXT_WORDS, 0)]
    opening = " ".join(text[word.start : after.end].split())
    closing = " ".join(text[before.start : word.end].split())
    return {
        "start": word.start,
        "end": word.end,
        "first_label": f"{i + 1}: {opening}{' …' if after is not words[-1] else ''}",
        "last_label": f"{i + 1}: {'… ' if before is not words[0] else ''}{closing}",
    }


def context_parts(context: list[dict]) -> list[dict]:
    """Each paragraph's context cut into the part near the quoted words and the part farther
    off, which paper leaves out (so that a quote in a long paragraph still fits one page)."""
    parts = []
    for p in context:
        before, after = p["before"], p["after"]
        cut_before = _cut(before, len(before) - NEAR, forward=False)
        cut_after = _cut(after, NEAR, forward=True)
        parts.append(
            {
                "before_far": before[:cut_before],
                "before_near": before[cut_before:],
                "after_near": after[:cut_after],
                "after_far": after[cut_after:],
            }
        )
    return parts


def _cut(text: str, at: int, forward: bool) -> int:
    """A space near ``at`` (a word boundary), or the text's end when it is short anyway."""
    if at <= 0 or at >= len(text):
        return min(max(at, 0), len(text))
    space = text.find(" ", at) if forward else text.rfind(" ", 0, at)
    return space if space >= 0 else at


def page_extras(quote: Quote, data: dict, asked_style: str | None) -> dict:
    """The quote page's HTML-only data."""
    style, notice = chosen_style(asked_style)
    return {
        "chosen_style": style,
        "style_notice": notice,
        "style_from_link": asked_style == style,  # kept when the reader narrows the quote
        "style_order": list(data["citations"]),
        "words": word_choices(quote),
        "context_parts": context_parts(data["context"]),
        "long_quote": quote.end - quote.start > LONG_QUOTE,
    }
