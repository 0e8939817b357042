"""Every name of every organisation: stored at each build, read by pages, citations and search.

An organisation is shown everywhere by its one name (``Organisation.name``). Its formal name,
its aliases and any old ``short_name`` are kept beside it so that a search for any of them finds
its documents: ``document_names`` gives, for each document, the text a search index should hold
for its organisations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Organisation, document_organisations
from .organisations import OrganisationRecord

NEWS_KINDS = ("newspaper", "magazine", "news agency", "broadcaster")


def store_names(session: Session, records: Mapping[str, OrganisationRecord]) -> None:
    """Copy each organisation's formal name and aliases from ``organisations.yaml`` into the
    database (the build writes the other fields), inside the caller's transaction."""
    for organisation in session.scalars(select(Organisation)):
        record = records.get(organisation.key)
        if record is None:
            continue
        organisation.formal_name = record.formal_name
        organisation.aliases = list(record.aliases) or None


def organisation_names(session: Session) -> dict[str, tuple[str, ...]]:
    """Each organisation's names by key, its one name first."""
    return {org.key: org.names for org in session.scalars(select(Organisation))}


def document_names(
    session: Session, ids: Iterable[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """For each document (all, or those in ``ids``), every name of every organisation it names:
    what a search index should hold so that any of those names finds it."""
    names = organisation_names(session)
    query = select(document_organisations.c.document_id, document_organisations.c.organisation_key)
    if ids is not None:
        query = query.where(document_organisations.c.document_id.in_(list(ids)))
    found: dict[str, list[str]] = defaultdict(list)
    for doc_id, key in session.execute(query.order_by(document_organisations.c.organisation_key)):
        found[doc_id] += names.get(key, ())
    return {doc_id: tuple(values) for doc_id, values in found.items()}


def index_text(names: Iterable[str]) -> str:
    """The names as one text to index (one name a line, so a phrase never spans two names)."""
    return "\n".join(names)


def news_names(session: Session) -> frozenset[str]:
    """Every name of the newspapers and other news outlets (folded), for running prose."""
    return frozenset(
        name.casefold()
        for org in session.scalars(select(Organisation))
        if any(kind in (org.kind or "").lower() for kind in NEWS_KINDS)
        for name in org.names
    )
