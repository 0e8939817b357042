"""Plain data for quote pages and the citation parts of document pages (meta tags, JSON-LD)."""

from __future__ import annotations

import datetime as dt
import json

from flask import g, url_for
from markupsafe import Markup, escape

from archive.citations import SITE_NAME, all_citations, citable_for
from archive.dates import parse_date
from archive.quotes import MAX_LENGTH, Quote, Standing, text_fragment

from .hosts import absolute
from .serialise import date_data, document_summary, source_data, version_summary

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
    citable = citable_for(document, version, absolute(path), accessed, quote.paragraphs, quote.text)
    citations = all_citations(citable)
    data = {
        "document": document_summary(document),
        "version": version_summary(version),
        "title": meta["title"],
        "kind": meta["kind"],
        "speaker": meta.get("speaker"),
        "date": date_data(meta["date"]),
        "source": source_data(meta["source"]),
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
        "embed": embed_html(quote, citations["oscola"]["entries"][1]["text"], absolute(path)),
    }
    data["meta_tags"] = highwire(citable_meta(citable), absolute(path))
    data["json_ld"] = json_ld(quotation_ld(data, citable))
    return data


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


def embed_html(quote: Quote, citation: str, url: str) -> str:
    """A copyable ``<blockquote>`` with the words, the citation and the link; no script."""
    words = escape(" ".join(quote.text.split()))
    return str(
        Markup(
            '<blockquote cite="{url}">\n  <p>{words}</p>\n  <footer>{citation}. '
            '<a href="{url}">{url}</a></footer>\n</blockquote>'
        ).format(url=url, words=words, citation=citation)
    )


def citable_meta(citable) -> dict:
    return {
        "title": citable.title,
        "authors": list(citable.authors),
        "date": parse_date(citable.date_edtf),
        "publisher": citable.source.get("publisher") or SITE_NAME,
        "url": citable.url,
    }


def highwire(meta: dict, url: str) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` tags, as Zotero's embedded-metadata translator reads them."""
    date = meta["date"]
    day = date.earliest
    published = {"year": f"{day.year}", "month": f"{day:%Y/%m}"}.get(
        date.precision, f"{day:%Y/%m/%d}"
    )
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
    return tags


def json_ld(data: dict) -> Markup:
    """JSON-LD safe inside ``<script type="application/ld+json">`` (no ``</script>`` break-out)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def creative_work_ld(citable, url: str) -> dict:
    date = parse_date(citable.date_edtf)
    work = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": citable.title,
        "author": [{"@type": "Organization", "name": n} for n in citable.authors],
        "datePublished": date.edtf if date.precision != "interval" else date.earliest.isoformat(),
        "url": url,
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME},
        "inLanguage": "en-GB",
    }
    if citable.source.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": citable.source["publisher"]}
    if citable.version is not None:
        work["version"] = str(citable.version)
    return work


def quotation_ld(data: dict, citable) -> dict:
    """schema.org ``Quotation`` of the words, based on the cited version (``CreativeWork``)."""
    work = creative_work_ld(citable, absolute(data["version"]["url"]))
    del work["@context"]
    return {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "text": data["quote"]["text"],
        "url": data["quote"]["url"],
        "author": work["author"],
        "spokenByCharacter": work["author"],
        "datePublished": work["datePublished"],
        "isPartOf": work["isPartOf"],
        "isBasedOn": work,
    }


def document_context(doc_id: str, number: int, is_current: bool, paragraphs, text) -> dict:
    """Citations, meta tags, JSON-LD and paragraph links for a document or version page."""
    from archive.queries import get_document

    from .twin import archive

    memo = g.setdefault("cite_context", {})  # the head and the panel ask for the same thing
    if (doc_id, number) in memo:
        return memo[doc_id, number]
    accessed = dt.datetime.now(dt.UTC).date()
    with archive().session() as session:
        view = get_document(session, doc_id, number)
        if is_current:
            url = absolute(url_for("documents.document", doc_id=doc_id))
        else:
            url = absolute(url_for("documents.version", doc_id=doc_id, number=number))
        citable = citable_for(view.document, view.version, url, accessed, versioned=not is_current)
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
