"""Citations of a document, a version or a quote, in the styles readers paste into their work.

The prose styles (OSCOLA, APA 7, Chicago notes and bibliography, Harvard Cite Them Right) are
composed in ``archive/citation_styles.py`` from each guide's pattern, with dates as each guide
prints them (``archive/citation_dates.py``) and quotations as each guide presents them
(``archive/citation_rules.py``). BibTeX, RIS and CSL-JSON are data formats, written with their
own libraries (bibtexparser, rispy) or plain JSON, and checked by their real parsers.

Why not a CSL processor: CSL 1.0.2 has one ``circa`` flag for approximate and uncertain dates
alike, no way to say that a newspaper carried someone's words, and no version for a web page;
and citeproc-py re-cased titles, words quoted inside them included ("“leave No Stone
Unturned”"). Every one of those is what a reader pasting the citation would have to fix.
"""

from __future__ import annotations

import datetime as dt
import json

from .citable import Citable
from .citation_formats import bibtex, ris
from .citation_styles import PROSE, SITE_NAME
from .dates import parse_date
from .organisation_names import definite_names_for, version_names
from .provenance import provenance_of
from .transcript_pages import page_span

STYLES = {
    "oscola": "OSCOLA",
    "apa": "APA 7",
    "chicago": "Chicago (notes and bibliography)",
    "harvard": "Harvard (Cite Them Right)",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csl-json": "CSL-JSON",
}
__all__ = ["SITE_NAME", "STYLES", "Citable", "all_citations", "citable_for", "cite", "csl_date"]


def csl_date(edtf: str) -> dict:
    """An EDTF date as CSL-JSON date-parts, with ``circa`` for approximate or uncertain ones."""
    date = parse_date(edtf)
    if date.precision == "interval":
        parts = [_parts(date.earliest, "day"), _parts(date.latest, "day")]
        result: dict = {"date-parts": parts}
    elif date.precision == "season":
        result = {"date-parts": [[date.earliest.year]], "season": int(edtf[5:7]) - 20}
    else:
        result = {"date-parts": [_parts(date.earliest, date.precision)]}
    if date.qualifier:
        result["circa"] = True
    return result


def _parts(day: dt.date, precision: str) -> list[int]:
    return {"year": [day.year], "month": [day.year, day.month]}.get(
        precision, [day.year, day.month, day.day]
    )


def csl_item(citable: Citable) -> dict:
    """The CSL-JSON item for a citable thing (valid against the CSL-JSON data schema)."""
    item = {
        "id": citable.key,
        "type": "webpage",
        "title": citable.title,
        "author": [{"literal": name} for name in citable.authors],
        "container-title": SITE_NAME,
        "issued": csl_date(citable.date_edtf),
        "accessed": {"date-parts": [_parts(citable.accessed, "day")]},
        "URL": citable.url,
        "genre": citable.kind_words,
    }
    if citable.version is not None:
        item["version"] = citable.designation.removeprefix("version ")
    if citable.pinpoint:
        item["locator"] = citable.pinpoint  # the schema allows a locator on the item itself
    source = citable.source
    if source.get("title"):
        item["original-title"] = source["title"]
    if source.get("publisher"):
        item["original-publisher"] = source["publisher"]
    if source.get("published"):
        item["original-date"] = csl_date(source["published"])
    notes = []
    if citable.provenance:
        title = source.get("title")
        notes.append(f"{citable.provenance}: ‘{title}’" if title else citable.provenance)
    if citable.quote:
        notes.append(f"Quoted words: {citable.quote}")
    if notes:
        item["note"] = ". ".join(notes)
    return item


def cite(citable: Citable, style: str) -> list[dict]:
    """The citation in one style: a list of labelled entries, the one to paste first."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of: {', '.join(STYLES)}")
    if style in PROSE:
        return PROSE[style](citable)
    item = csl_item(citable)
    if style == "bibtex":
        return [{"kind": "entry", "label": "BibTeX", "text": bibtex(item, citable)}]
    if style == "ris":
        return [{"kind": "entry", "label": "RIS", "text": ris(item, citable)}]
    text = json.dumps([item], ensure_ascii=False, indent=2)
    return [{"kind": "entry", "label": "CSL-JSON", "text": text}]


def authors_of(meta: dict, names: dict[str, str]) -> tuple[str, ...]:
    """Whose words or record this is: its organisations; for an event without any, the
    publisher of its source; failing both, the archive."""
    authors = tuple(names.get(k, k) for k in meta.get("organisations") or [])
    publisher = (meta.get("source") or {}).get("publisher")
    return authors or ((publisher,) if publisher else (SITE_NAME,))


def citable_for(
    document,
    version,
    url: str,
    accessed: dt.date,
    paragraphs: tuple[int, ...] = (),
    quote: str | None = None,
    versioned: bool = True,
    span: tuple[int, int] | None = None,
) -> Citable:
    """Describe a document's version (or, unversioned, the document) for citation; ``span`` is
    a quote's characters (a transcript with pages is cited by the page and lines they are on)."""
    meta = version.meta
    names = version_names(document, version)
    key = f"{document.id}-v{version.number}" if versioned else document.id
    if quote is not None and paragraphs:
        key = url.rsplit("/documents/", 1)[-1].replace("/", "-")
    carried = provenance_of(meta, names).carried(definite_names_for(version))
    return Citable(
        key=key,
        title=meta["title"],
        authors=authors_of(meta, names),
        date_edtf=meta["date"],
        url=url,
        accessed=accessed,
        kind=meta["kind"],
        version=version.number if versioned else None,
        paragraphs=paragraphs,
        quote=quote,
        speaker=meta.get("speaker"),
        source=meta.get("source") or {},
        sha256=version.sha256 if versioned else None,
        provenance=carried[0].upper() + carried[1:] if carried else None,
        hearing_day=meta.get("hearing_day"),
        pages=_pages(version, paragraphs, span),
    )


def _pages(version, paragraphs: tuple[int, ...], span: tuple[int, int] | None):
    """The pages and lines of the cited words (a quote's span, or the cited paragraphs)."""
    if "pages" not in (version.meta or {}):
        return None
    if span is None and paragraphs:
        span = (version.paragraphs[paragraphs[0] - 1][0], version.paragraphs[paragraphs[-1] - 1][1])
    return page_span(version, *span) if span else None


def all_citations(citable: Citable) -> dict[str, dict]:
    """Every style, keyed by style name: its label and its entries."""
    return {
        style: {"label": label, "entries": cite(citable, style)} for style, label in STYLES.items()
    }
