"""Plain data for quote pages and the citation parts of document pages (meta tags, JSON-LD)."""

from __future__ import annotations

import datetime as dt

from flask import g, url_for
from markupsafe import Markup, escape

from archive.citation_dates import highwire_date
from archive.citations import SITE_NAME, all_citations, citable_for
from archive.dates import parse_date
from archive.quotes import MAX_LENGTH, Quote, Standing, text_fragment

from .hosts import absolute
from .linked_data import creative_work_ld, json_ld, quotation_ld
from .serialise import (
    date_data,
    document_summary,
    provenance_data,
    source_data,
    version_summary,
)

STANDING_WORDS = {
    "unchanged": "Unchanged: the same words are at the same place in the current version.",
    "moved": "Moved: the same words are in the current version, at a different place.",
    "changed": "Changed: the current version has different words here; the difference is shown.",
    "gone": "Gone: these words are not in the current version. The cited version stays readable.",
}


def quote_path(doc_id: str, number: int, start: int, end: int) -> str:
    return url_for("quotes.quote", doc_id=doc_id, number=number, span=f"{start}-{end}")


def quote_data(quote: Quote, accessed: dt.date) -> dict:
    """Everything a quote page shows; the JSON twin returns the same dict."""
    document, version, meta = quote.document, quote.version, quote.version.meta
    path = quote_path(document.id, version.number, quote.start, quote.end)
    citable = citable_for(
        document, version, absolute(path), accessed, quote.paragraphs, quote.text,
        span=(quote.start, quote.end),
    )  # fmt: skip
    citations = all_citations(citable)
    data = {
        "document": document_summary(document),
        "version": version_summary(version),
        "title": meta["title"],
        "kind": meta["kind"],
        "speaker": meta.get("speaker"),
        "date": date_data(meta["date"]),
        "source": source_data(meta["source"]),
        "provenance": provenance_data(document, version),
        "quote": {
            "text": quote.text,
            "start": quote.start,
            "end": quote.end,
            "length": quote.end - quote.start,
            "paragraphs": list(quote.paragraphs),
            "permalink": path,
            "url": absolute(path),
        },
        "selectors": [
            {"type": "TextPositionSelector", "start": quote.start, "end": quote.end},
            quote.selector.as_dict(),
        ],
        "context": _context(quote),
        "standing": standing_data(quote.standing, document.id, quote.text),
        "accessed": accessed.isoformat(),
        "citations": citations,
        "embed": embed_html(quote, _entry(citations["oscola"], "note"), absolute(path)),
    }
    if citable.pages is not None:  # a transcript whose source gives its pages and lines
        data["quote"]["pages"] = pages_data(citable)
    data["meta_tags"] = highwire(citable_meta(citable), absolute(path))
    data["json_ld"] = json_ld(quotation_ld(data, citable))
    return data


def pages_data(citable) -> dict:
    """Where the quoted words are in the official transcript: "Day 11, page 45, lines 3–12"."""
    span = citable.pages
    day = f"Day {citable.hearing_day}, " if citable.hearing_day else ""
    return {
        "text": day + span.words(),
        "locator": span.locator(),
        "first_page": span.first_page,
        "first_line": span.first_line,
        "last_page": span.last_page,
        "last_line": span.last_line,
    }


def _context(quote: Quote) -> list[dict]:
    text, version = quote.version.canonical_text, quote.version
    paragraphs = []
    for number in quote.paragraphs:
        p_start, p_end = version.paragraphs[number - 1]
        start, end = max(p_start, quote.start), min(p_end, quote.end)
        paragraphs.append(
            {
                "number": number,
                "before": text[p_start:start],
                "quoted": text[start:end],
                "after": text[end:p_end],
                "start": start,
                "end": end,
                "url": url_for(
                    "documents.version", doc_id=version.document_id, number=version.number
                )
                + f"#p{number}",
            }
        )
    return paragraphs


def standing_data(standing: Standing, doc_id: str, exact: str) -> dict:
    data = {
        "status": standing.status,
        "explanation": STANDING_WORDS[standing.status],
        "current_version": standing.current_version,
        "withdrawn": standing.withdrawn,
        "start": standing.start,
        "end": standing.end,
        "text": standing.text,
        "paragraphs": list(standing.paragraphs),
        "score": standing.score,
        "diff": list(standing.diff),
        "current_permalink": None,
        "text_fragment_url": None,
    }
    if standing.withdrawn:
        data["explanation"] = "Gone: the document was withdrawn. The cited version stays readable."
    if standing.start is not None:
        data["current_permalink"] = quote_path(
            doc_id, standing.current_version, standing.start, standing.end
        )
        words = exact if standing.status in ("unchanged", "moved") else standing.text
        current = url_for("documents.document", doc_id=doc_id)
        data["text_fragment_url"] = absolute(current) + text_fragment(words)
    return data


def _entry(style: dict, kind: str) -> str:
    return next(e["text"] for e in style["entries"] if e["kind"] == kind)


def embed_html(quote: Quote, citation: str, url: str) -> str:
    """A copyable ``<blockquote>`` with the words and the OSCOLA footnote, its address a link
    (the footnote already ends with its full stop); no script."""
    words = escape(" ".join(quote.text.split()))
    linked = Markup('&lt;<a href="{url}">{url}</a>&gt;').format(url=url)
    footer = Markup(str(escape(citation)).replace(str(escape(f"<{url}>")), str(linked), 1))
    return str(
        Markup(
            '<blockquote cite="{url}">\n  <p>{words}</p>\n  <footer>{footer}</footer>\n'
            "</blockquote>"
        ).format(url=url, words=words, footer=footer)
    )


def citable_meta(citable) -> dict:
    return {
        "title": citable.title,
        "authors": list(citable.authors),
        "date": parse_date(citable.date_edtf),
        "publisher": citable.source.get("publisher") or SITE_NAME,
        "url": citable.url,
        "version": citable.designation,
    }


def highwire(meta: dict, url: str) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` tags, as Zotero's embedded-metadata translator reads them.
    The date is never more precise than the source ("2020" for spring 2020); the version and
    its short hash go in ``citation_version`` (Scholar ignores it; people and Zotero see it)."""
    published = highwire_date(meta["date"])
    tags = [("citation_title", meta["title"])]
    tags += [("citation_author", name) for name in meta["authors"]]
    tags += [
        ("citation_publication_date", published),
        ("citation_date", published),
        ("citation_publisher", meta["publisher"]),
        ("citation_public_url", url),
        ("citation_abstract_html_url", url),
        ("citation_language", "en"),
    ]
    if meta.get("version"):
        tags.append(("citation_version", meta["version"].removeprefix("version ")))
    return tags


def document_context(
    doc_id: str, number: int, is_current: bool, paragraphs, text, view=None
) -> dict:
    """Citations, meta tags, JSON-LD and paragraph links for a document or version page;
    ``view``: the page's ``DocumentView``, while its session is open (saves loading it again)."""
    from archive.queries import get_document

    from .twin import archive

    memo = g.setdefault("cite_context", {})  # the head and the panel ask for the same thing
    if (doc_id, number) in memo:
        return memo[doc_id, number]
    accessed = dt.datetime.now(dt.UTC).date()
    if is_current:
        url = absolute(url_for("documents.document", doc_id=doc_id))
    else:
        url = absolute(url_for("documents.version", doc_id=doc_id, number=number))
    if view is not None:
        citable = citable_for(view.document, view.version, url, accessed, versioned=not is_current)
    else:
        with archive().session() as session:
            view = get_document(session, doc_id, number)
            citable = citable_for(
                view.document, view.version, url, accessed, versioned=not is_current
            )
    memo[doc_id, number] = {
        "citations": all_citations(citable),
        "meta_tags": highwire(citable_meta(citable), url),
        "json_ld": json_ld(creative_work_ld(citable, url)),
        "paragraph_links": paragraph_links(doc_id, number, paragraphs, text),
        "accessed": accessed.isoformat(),
    }
    return memo[doc_id, number]


def paragraph_links(doc_id: str, number: int, paragraphs: list[dict], text: str) -> list[dict]:
    """A "cite this paragraph" permalink for each paragraph (the first 2,000 characters at most)."""
    links = []
    for p in paragraphs:
        start, end = p["start"], p["end"]
        if end - start > MAX_LENGTH:
            cut = text.rfind(" ", start, start + MAX_LENGTH)
            end = cut if cut > start else start + MAX_LENGTH
        links.append({"number": p["number"], "url": quote_path(doc_id, number, start, end)})
    return links
