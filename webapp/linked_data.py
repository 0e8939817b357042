"""schema.org JSON-LD for every page: a web page, a document (``CreativeWork``, ``NewsArticle``,
``Report``) or a quotation.

Dates are ISO 8601 no more precise than the source (``archive.citation_dates.iso_date``), and the
EDTF itself is given beside them as a typed literal (``dateEDTF``), so nothing is lost and no
machine is told a day nobody gave.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from archive.citation_dates import iso_date
from archive.citations import SITE_NAME
from archive.dates import parse_date

from .hosts import absolute

EDTF_CONTEXT = {  # the EDTF date itself, beside schema.org's ISO 8601 one, as a typed literal
    "dateEDTF": {
        "@id": "https://www.loc.gov/standards/datetime/#date",
        "@type": "http://id.loc.gov/datatypes/edtf/EDTF",
    }
}
KIND_TYPES = {"article": "NewsArticle", "report": "Report"}


def json_ld(data: dict) -> Markup:
    """JSON-LD safe inside ``<script type="application/ld+json">`` (no ``</script>`` break-out)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def creative_work_ld(citable, url: str) -> dict:
    """schema.org: ISO 8601 dates no more precise than the source, the EDTF beside them, the
    authors (an event's: its organisation or its source's publisher), and the publication the
    words came from (``isBasedOn``, with its own address)."""
    date = parse_date(citable.date_edtf)
    work = {
        "@context": ["https://schema.org", EDTF_CONTEXT],
        "@type": KIND_TYPES.get(citable.kind, "CreativeWork"),
        "name": citable.title,
        "author": [{"@type": "Organization", "name": n} for n in citable.authors],
        "datePublished": iso_date(date),
        "dateEDTF": date.edtf,
        "url": url,
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": absolute("/")},
        "inLanguage": "en-GB",
    }
    source = citable.source
    if source.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
        work["isBasedOn"] = _source_ld(source)
    if citable.version is not None:
        work["version"] = str(citable.version)
        if citable.sha256:
            work["identifier"] = f"sha256:{citable.sha256}"
    return work


def _source_ld(source: dict) -> dict:
    based = {
        "@type": "CreativeWork",
        "name": source.get("title"),
        "publisher": {"@type": "Organization", "name": source["publisher"]},
    }
    if source.get("url"):
        based["url"] = source["url"]
    if source.get("published"):
        published = parse_date(source["published"])
        based["datePublished"] = iso_date(published)
        based["dateEDTF"] = published.edtf
    return based


def quotation_ld(data: dict, citable) -> dict:
    """schema.org ``Quotation`` of the words, based on the cited version (``CreativeWork``)."""
    work = creative_work_ld(citable, absolute(data["version"]["url"]))
    del work["@context"]
    return {
        "@context": ["https://schema.org", EDTF_CONTEXT],
        "@type": "Quotation",
        "text": data["quote"]["text"],
        "url": data["quote"]["url"],
        "author": work["author"],
        "spokenByCharacter": work["author"],
        "datePublished": work["datePublished"],
        "dateEDTF": work["dateEDTF"],
        "isPartOf": work["isPartOf"],
        "isBasedOn": work,
    }


def web_page_ld(title: str, url: str, description: str, page_type: str = "WebPage") -> Markup:
    """The JSON-LD of a page that is not a document: what it is, where, and whose site."""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": page_type,
            "name": title,
            "description": description,
            "url": url,
            "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": absolute("/")},
            "inLanguage": "en-GB",
        }
    )
