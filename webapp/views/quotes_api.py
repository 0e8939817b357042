"""The quote endpoints, described in ``/api/v1/openapi.json``."""

from __future__ import annotations

from .openapi import DOC_ID, NUMBER, _get, _param, add_paths

SPAN = _param(
    "span",
    "path",
    "start-end: Unicode code points of version N's canonical text, end exclusive "
    "(at most 2,000 characters)",
    {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
)

# The quote page's first-word and last-word pickers: an answer that is only a redirect.
CHOOSE_WORDS = _get(
    "Words chosen by their first and last word (the quote page's pickers): a 303 redirect "
    "to the quote of exactly those words; in either order, both must be words of version N",
    [
        DOC_ID,
        NUMBER,
        {
            **_param("first", description="where the first word starts (code points)"),
            "required": True,
        },
        {**_param("last", description="where the last word ends (code points)"), "required": True},
    ],
    (200, 400, 404),
)
CHOOSE_WORDS["get"]["responses"] = {
    "303": {"description": "See Other: Location is the quote's address under /api/v1"},
    **{k: v for k, v in CHOOSE_WORDS["get"]["responses"].items() if k != "200"},
}

add_paths(
    {
        "/api/v1/documents/{doc_id}/v{number}/q/{span}": _get(
            "A quote: its words, paragraphs, W3C selectors, standing in the current version "
            "(unchanged, moved, changed or gone) and citations in every style",
            [DOC_ID, NUMBER, SPAN],
            (200, 400, 404),
        ),
        "/api/v1/documents/{doc_id}/v{number}/q": CHOOSE_WORDS,
        "/api/v1/quotes/resolve": _get(
            "Turn words selected in a document's current version into their quote permalink",
            [
                {**_param("document", description="document id"), "required": True},
                {**_param("exact", description="the selected words, exactly"), "required": True},
                _param("prefix", description="up to 32 characters before the words"),
                _param("suffix", description="up to 32 characters after the words"),
            ],
            (200, 400, 404, 410),
        ),
    }
)
