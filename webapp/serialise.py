"""Plain data for pages and their JSON twins (templates and the API read the same dicts)."""

from __future__ import annotations

from flask import url_for

from archive.corrections import change_note
from archive.dates import parse_date
from archive.ledger import short_hash
from archive.models import Document, Organisation, Version
from archive.organisation_names import definite_names_for, organisations_named
from archive.provenance import captures_url, provenance_of
from archive.queries import DocumentView

from .document_parts import rendered, speakers


def date_data(edtf: str) -> dict:
    date = parse_date(edtf)
    return {
        "edtf": date.edtf,
        "in_words": date.in_words(),
        "precision": date.precision,
        "qualifier": date.qualifier or None,
        "earliest": date.earliest.isoformat(),
        "latest": date.latest.isoformat(),
    }


def organisation_data(org: Organisation) -> dict:
    return {
        "key": org.key,
        "name": org.name,  # the one name every page, facet, citation and export shows
        "short_name": org.name,  # the same name, kept for clients written before there was one
        "formal_name": org.formal_name,
        "aliases": list(org.aliases or []),
        "kind": org.kind,
        "url": org.url,
        "page": url_for("organisations.organisation", key=org.key),
    }


def document_summary(document: Document) -> dict:
    return {
        "id": document.id,
        "title": document.title,
        "kind": document.kind,
        "date": date_data(document.date_edtf),
        "organisations": [organisation_data(o) for o in document.organisations],
        "current_version": document.current_version,
        "withdrawn": document.withdrawn,
        "url": url_for("documents.document", doc_id=document.id),
    }


def pinned_document_summary(view: DocumentView) -> dict:
    """The document as version N describes it, with nothing that a later version can change."""
    meta = view.version.meta
    keys = meta.get("organisations") or []
    known = organisations_named(view.version, view.document.organisations)
    return {
        "id": view.document.id,
        "title": meta["title"],
        "kind": meta["kind"],
        "date": date_data(meta["date"]),
        "organisations": [
            organisation_data(known[k])
            if k in known
            else {
                "key": k,
                "short_name": k,
                "name": k,
                "page": url_for("organisations.organisation", key=k),
            }
            for k in keys
        ],
        "url": url_for("documents.document", doc_id=view.document.id),
    }


def source_data(source: dict) -> dict:
    published = source.get("published")
    return {
        "title": source.get("title"),
        "publisher": source.get("publisher"),
        "url": source.get("url"),
        "captures_url": captures_url(source.get("url")),
        "published": date_data(published) if published else None,
        "via": source.get("via"),
        "reference": source.get("reference"),
    }


def version_summary(version: Version) -> dict:
    return {
        "number": version.number,
        "sha256": version.sha256,
        "short_hash": short_hash(version.sha256),
        "canonical_rules": version.canonical_rules,
        "archived_at": version.archived_at.isoformat(timespec="seconds"),
        "url": url_for("documents.version", doc_id=version.document_id, number=version.number),
    }


def paragraphs_data(version: Version) -> list[dict]:
    text = version.canonical_text
    data = [
        {"number": n, "anchor": f"p{n}", "start": start, "end": end, "text": text[start:end]}
        for n, (start, end) in enumerate(version.paragraphs, 1)
    ]
    for paragraph, speaker in zip(data, speakers(version) or [], strict=False):
        paragraph["speaker"] = speaker  # a transcript's turns name their speaker
    return data


def versions_data(versions: list[Version]) -> list[dict]:
    """Each version's summary with the change note that came with it."""
    return [
        {**version_summary(v), "change_note": change_note(v, before)}
        for before, v in zip([None, *versions], versions, strict=False)
    ]


def provenance_data(document: Document, version: Version) -> dict:
    """Who said it, when, and where it was published or reported (archive/provenance.py)."""
    named = organisations_named(version, document.organisations)
    names = {key: org.name for key, org in named.items()}
    return provenance_of(version.meta, names).as_dict(definite_names_for(version))


def version_data(view: DocumentView) -> dict:
    """Everything a document or version page shows: text, provenance and history."""
    version, meta = view.version, view.version.meta
    versions = versions_data(view.versions)
    return {
        "document": document_summary(view.document),
        "version": version_summary(version),
        "is_current": view.is_current,
        "title": meta["title"],
        "kind": meta["kind"],
        "speaker": meta.get("speaker"),
        "summary": meta.get("summary"),
        "context": meta.get("context"),
        "tags": meta.get("tags") or [],
        "date": date_data(meta["date"]),
        "source": source_data(meta["source"]),
        "provenance": provenance_data(view.document, view.version),
        "change_note": versions[version.number - 1]["change_note"],
        "see_also": [source_data(s) for s in meta.get("see_also") or []],
        "organisation_keys": meta.get("organisations") or [],
        "html": rendered(version).html,
        "markdown": version.markdown,
        "canonical_text": version.canonical_text,
        "paragraphs": paragraphs_data(version),
        "versions": versions,
    } | ({"hearing_day": meta.get("hearing_day")} if meta["kind"] == "transcript" else {})
