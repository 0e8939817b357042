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
from sqlalchemy.orm import Session, object_session

from .models import Organisation, document_organisations
from .organisations import OrganisationRecord
from .provenance import ProseNames

NEWS_KINDS = ("newspaper", "magazine", "news agency", "broadcaster")
# Bodies whose name takes "the" in running prose ("said by the Home Office", "published by
# the NSPCC"), beside news outlets ("the Lancashire Telegraph"); police forces and councils
# named after their area do not ("said by Lancashire Police").
THE_KINDS = (*NEWS_KINDS, "government department", "public inquiry", "charity")


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


def definite_names(session: Session) -> ProseNames:
    """Every name (folded) of the organisations that take "the" in running prose: news
    outlets, government departments, public inquiries and charities (``THE_KINDS``)."""
    organisations = list(session.scalars(select(Organisation)))

    def named(kinds: tuple[str, ...]) -> set[str]:
        return {
            name.casefold()
            for org in organisations
            if any(kind in (org.kind or "").lower() for kind in kinds)
            for name in org.names
        }

    return ProseNames(named(THE_KINDS), named(NEWS_KINDS))


def definite_names_for(version) -> ProseNames:
    """``definite_names`` of the session ``version`` was loaded in (none without a session)."""
    session = object_session(version)
    return definite_names(session) if session is not None else ProseNames()


def organisations_named(version, known=()) -> dict[str, Organisation]:
    """The organisations a version names, by key, from the organisations table: an old version
    names organisations that a later version may have dropped (``known`` saves a query)."""
    found = {o.key: o for o in known}
    missing = [k for k in version.meta.get("organisations") or [] if k not in found]
    session = object_session(version)
    if missing and session is not None:
        query = select(Organisation).where(Organisation.key.in_(missing))
        found.update({o.key: o for o in session.scalars(query)})
    return found


def version_names(document, version) -> dict[str, str]:
    """The one name of each organisation a version names, by key."""
    return {k: o.name for k, o in organisations_named(version, document.organisations).items()}
