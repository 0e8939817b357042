"""``archive search``: the same search as ``/search``, printed for a terminal or as JSON."""

from __future__ import annotations

import json
import re
from html import unescape

import click

from ..dates import parse_date
from ..queries import list_organisations
from ..timeline import BadFilter, parse_filter
from .types import SearchError, SearchRequest, SearchResults

MARK = re.compile(r"<mark>(.*?)</mark>")


def _request(archive, q: str, options: dict) -> SearchRequest:
    from ..core import ArchiveError

    given = {"org": options.get("org"), "kind": options.get("kind"),
             "from": options.get("date_from"), "to": options.get("date_to")}  # fmt: skip
    given = {k: v.strip() for k, v in given.items() if v}
    with archive.session() as session:
        org_keys = [o.key for o in list_organisations(session)]
    try:
        filters = parse_filter(given, org_keys)
        return SearchRequest(
            q=q, org=filters.org, kind=filters.kind, date_from=filters.start,
            date_to=filters.end, sort=options.get("sort") or "relevance",
            page=options.get("page") or 1,
        )  # fmt: skip
    except (BadFilter, SearchError) as exc:
        raise ArchiveError(str(exc)) from None


def results_json(results: SearchResults) -> dict:
    """The results as plain data (paths rather than full URLs: the terminal has no host)."""
    hits = []
    for hit in results.hits:
        document = hit.document
        anchor = f"#p{hit.paragraph}" if hit.paragraph else ""
        when = parse_date(document.date_edtf).in_words()
        snippets = [
            {"paragraph": s.paragraph, "text": s.text, "html": s.html} for s in hit.snippets
        ]
        hits.append(
            {
                "id": document.id,
                "title": document.title,
                "kind": document.kind,
                "date": {"edtf": document.date_edtf, "in_words": when},
                "organisations": [o.key for o in document.organisations],
                "score": round(hit.score, 4),
                "link": f"/documents/{document.id}{anchor}",
                "missing": hit.missing,
                "snippets": snippets,
            }
        )
    return {
        "q": results.request.q,
        "total": results.total,
        "page": results.request.page,
        "pages": results.pages,
        "partial": results.partial,
        "notices": results.notices,
        "suggestion": results.suggestion,
        "facets": results.facets,
        "results": hits,
    }


def _snippet_line(html: str) -> str:
    marked = MARK.sub(lambda m: click.style(unescape(m.group(1)), bold=True, underline=True), html)
    return unescape(re.sub(r"<[^>]+>", "", marked))


def results_text(results: SearchResults) -> str:
    lines = [f"Notice: {n}" for n in results.notices]
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}")
    lines.append(f"{results.total} document(s)" + (" (partial)" if results.partial else ""))
    first = (results.request.page - 1) * results.request.per_page
    for n, hit in enumerate(results.hits, first + 1):
        document = hit.document
        when = parse_date(document.date_edtf).in_words()
        orgs = ", ".join(o.key for o in document.organisations)
        anchor = f"#p{hit.paragraph}" if hit.paragraph else ""
        lines.append(f"{n}. {document.title}")
        lines.append(f"   {when} · {document.kind}" + (f" · {orgs}" if orgs else ""))
        lines.append(f"   /documents/{document.id}{anchor}")
        if hit.missing:
            lines.append(f"   Missing: {', '.join(hit.missing)}")
        lines.extend(f"   ¶{s.paragraph}: {_snippet_line(s.html)}" for s in hit.snippets)
    return "\n".join(lines)


def run_search(archive, q: str, as_json: bool = False, **options) -> str:
    """Search and format the results; bad options raise ArchiveError with the reason."""
    results = archive.search.search(_request(archive, q, options))
    if as_json:
        return json.dumps(results_json(results), ensure_ascii=False, indent=2)
    return results_text(results)
