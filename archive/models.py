"""The tables: what must last. Versions are immutable; nothing here is ever deleted by a build."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from .dates import parse_date
from .organisations import unique_names

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; archive times are UTC-aware")
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
            value = value.astimezone(dt.UTC)
        return value


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


document_organisations = Table(
    "document_organisations",
    Base.metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("organisation_key", ForeignKey("organisations.key"), primary_key=True),
    # An organisation's documents (the org filter of long lists) without reading every link.
    Index("ix_document_organisations_by_organisation", "organisation_key", "document_id"),
    # Copies of the document's fields that long lists filter and order by, kept by triggers
    # (migration 0011; never written here), so that a page of an organisation's documents is
    # a range of this index (archive/paging.py).
    Column("kind", String(20)),
    Column("date_earliest", Date),
    Column("date_latest", Date),
    Column("date_rank", SmallInteger),
    Column("withdrawn_at", UTCDateTime),
    Index("ix_document_organisations_order", "organisation_key", "date_earliest", "date_rank",
          postgresql_where=text("withdrawn_at IS NULL"),
          sqlite_where=text("withdrawn_at IS NULL"),
          postgresql_include=["kind", "date_latest", "document_id"]),
)  # fmt: skip


class Organisation(Base):
    __tablename__ = "organisations"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    # Its other names (organisations.yaml), so search finds it by any of them; ``name`` is the
    # one name every page, facet, dropdown, citation and export shows.
    formal_name: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list | None] = mapped_column(JSON)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it goes by, its one name first, each once."""
        return unique_names(self.name, self.formal_name, self.short_name, *(self.aliases or ()))


PUBLISHED = text("withdrawn_at IS NULL")
# Versions whose metadata may name a timeline flag (``milestone``, ``after_hearings``): a few,
# found by a partial index instead of reading every version's metadata (archive/timeline_page.py
# uses this very text, so that both databases see the index's condition in the query).
MAY_BE_FLAGGED = (
    "CAST(metadata AS TEXT) LIKE '%\"milestone\"%'"
    " OR CAST(metadata AS TEXT) LIKE '%\"after_hearings\"%'"
)


def date_rank(edtf: str) -> int:
    """A date's precision and qualifier as one number, in ``ArchiveDate.sort_key``'s order."""
    _, precision, qualifier = parse_date(edtf).sort_key
    return precision * 4 + qualifier


class Document(Base):
    """A document's identity, plus fields copied from its current version for filtering."""

    __tablename__ = "documents"
    __table_args__ = (
        # Long lists in date order (archive/paging.py): a page is a range of this index.
        Index("ix_documents_date_order", "date_earliest", "date_rank",
              postgresql_where=PUBLISHED, sqlite_where=PUBLISHED),
        # The front page: how many of each kind (and the latest additions, below).
        Index("ix_documents_published_kind", "kind",
              postgresql_where=PUBLISHED, sqlite_where=PUBLISHED),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(Text)
    date_edtf: Mapped[str] = mapped_column(String(40))
    date_earliest: Mapped[dt.date] = mapped_column(Date, index=True)
    date_latest: Mapped[dt.date] = mapped_column(Date)
    # ``date_rank(date_edtf)``, kept with the date so that SQL orders as ``ArchiveDate.sort_key``.
    date_rank: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    source_path: Mapped[str] = mapped_column(Text)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=document_organisations, order_by=Organisation.key, lazy="selectin"
    )
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", order_by="Version.number", lazy="raise"
    )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @validates("date_edtf")
    def _rank_with_date(self, key: str, edtf: str) -> str:
        self.date_rank = date_rank(edtf)
        return edtf


Index("ix_documents_created_at", Document.created_at.desc(), Document.id,
      postgresql_where=PUBLISHED, sqlite_where=PUBLISHED)  # fmt: skip


class Version(Base):
    """One immutable version: the Markdown, metadata and canonical text exactly as archived."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_versions_document_number"),
        Index("ix_versions_flagged", "document_id", postgresql_where=text(MAY_BE_FLAGGED),
              sqlite_where=text(MAY_BE_FLAGGED)),
    )  # fmt: skip

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    markdown: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column("metadata", JSON)
    canonical_text: Mapped[str] = mapped_column(Text)
    paragraphs: Mapped[list] = mapped_column(JSON)
    canonical_rules: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    archived_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    document: Mapped[Document] = relationship(back_populates="versions")


class Rendering(Base):
    """Something derived from a version once and kept beside it (``archive/renderings.py``):
    its page or its word index, keyed by the version's SHA-256 and the renderer that made it,
    so a stored rendering never outlives the code that made it. Never cited; always remade."""

    __tablename__ = "renderings"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    renderer: Mapped[str] = mapped_column(String(80), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed UTF-8
