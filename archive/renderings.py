"""What is derived from a long version once, at build time, and stored beside it in the database
(so every web server sharing it gets it, with no files): its rendered page, and the word index
its search snippets read (``archive/search/snippet_index.py``).

A stored rendering is keyed by the version's SHA-256 *and* the renderer that made it: a digest
of the source of every module whose code decides the page (this one, ``archive/canonical.py``,
``archive/transcripts.py``), the Python-Markdown and nh3 versions, and the version's canonical
rules. Any change to any of them is a new key, so a stored page can never disagree with what
the renderer would make now; a page with no stored rendering under today's key is rendered as
before (and the next build stores it). Contents are zlib-compressed: a page as UTF-8, a word
index packed (``archive.search.snippet_index.pack``).
"""

from __future__ import annotations

import hashlib
import inspect
import sys
import zlib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import version as package_version

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from . import canonical, transcripts
from .canonical import Canonical, _convert, render_version
from .models import Rendering, Version
from .parts import LONG
from .search.snippet_index import LONG_TEXT, is_kept, pack, unpack
from .search.snippet_index import build as build_word_index
from .transcripts import mark_speakers, paragraph_speakers

STORED_FROM = 20_000  # characters of Markdown: shorter versions render in a few milliseconds
PAGE = "page"
WORDS = "words"


@cache
def renderer(kind: str = PAGE) -> str:
    """A digest naming the code and libraries that make a stored ``kind`` of rendering."""
    if kind == PAGE:
        modules = [canonical, transcripts, sys.modules[__name__]]
        libraries = ["markdown", "nh3"]
    else:  # the words, their folded forms and stems as the snippets match them
        from .search import querylang, snippet_index, whoosh_analysis, whoosh_index

        modules = [snippet_index, querylang, whoosh_analysis, whoosh_index, sys.modules[__name__]]
        libraries = ["whoosh-reloaded"]
    digest = hashlib.sha256()
    for module in modules:
        digest.update(inspect.getsource(module).encode("utf-8"))
    for library in libraries:
        digest.update(f"{library}=={package_version(library)}".encode())
    return f"{kind}-{digest.hexdigest()[:24]}"


def page_key(version: Version) -> str:
    """The renderer key of a version's page (its canonical rules decide how it is shown)."""
    return f"{renderer(PAGE)}-r{version.canonical_rules or 1}"


def version_page(version: Version) -> str:
    """The version's page as the renderer makes it now: its Markdown rendered with its stored
    anchors and offsets, a transcript's speakers marked."""
    paragraphs = tuple(tuple(pair) for pair in version.paragraphs)
    # A long version is not kept in render_version's own cache (512 entries of half a megabyte
    # each would outgrow a web worker): archive.parts and this store keep it.
    long = len(paragraphs) > LONG or len(version.markdown) > STORED_FROM
    render = render_version.__wrapped__ if long else render_version
    page = render(version.markdown, version.canonical_text, paragraphs)
    if version.meta.get("kind") == "transcript":
        page = mark_speakers(page, paragraph_speakers(version.canonical_text, paragraphs))
    return page


def is_stored(version: Version) -> bool:
    """Whether a version's page is worth storing (and so worth looking for)."""
    return len(version.markdown) > STORED_FROM


def load(session: Session, sha256: str, key: str) -> str | None:
    """A stored rendering, or None."""
    found = session.scalar(
        select(Rendering.content).where(Rendering.sha256 == sha256, Rendering.renderer == key)
    )
    return zlib.decompress(found).decode("utf-8") if found is not None else None


def stored_page(session: Session | None, version: Version) -> str | None:
    """The version's page as stored under today's renderer, or None."""
    if session is None or not is_stored(version):
        return None
    return load(session, version.sha256, page_key(version))


def stored_word_indexes(session: Session, versions: Iterable[Version]) -> dict[str, Mapping]:
    """The stored word indexes of those ``versions`` whose snippets read one and that this
    process does not hold yet, by SHA-256, in one query (a version with none is left out)."""
    wanted = {
        v.sha256
        for v in versions
        if len(v.canonical_text) > LONG_TEXT and not is_kept(v.canonical_text)
    }
    if not wanted:
        return {}
    rows = session.execute(
        select(Rendering.sha256, Rendering.content).where(
            Rendering.sha256.in_(sorted(wanted)), Rendering.renderer == renderer(WORDS)
        )
    ).all()
    return {sha256: unpack(zlib.decompress(content)) for sha256, content in rows}


def _save(session: Session, sha256: str, key: str, content: str | bytes) -> None:
    if session.get(Rendering, (sha256, key)) is None:  # a version restored exactly as it was
        data = content.encode("utf-8") if isinstance(content, str) else content
        session.add(Rendering(sha256=sha256, renderer=key, content=zlib.compress(data)))


def canonical_and_page(body: str) -> tuple[Canonical, str | None]:
    """A new version's canonical text and, for a long body, the page the same conversion made
    (so that a build renders each long version once, not twice)."""
    page, found = _convert(body)
    return found, (page if len(body) > STORED_FROM else None)


def store_new(session: Session, entry: dict, canonical: Canonical, page: str | None) -> None:
    """Store a new long version's page and word index (its ledger ``entry``, its canonical
    text and the page made with it), under today's renderer and canonical rules."""
    sha256, text, paragraphs = entry["sha256"], canonical.text, canonical.paragraphs
    if page is not None:
        if (entry["metadata"] or {}).get("kind") == "transcript":
            page = mark_speakers(page, paragraph_speakers(text, paragraphs))
        _save(session, sha256, f"{renderer(PAGE)}-r{entry['canonical']['rules']}", page)
    if len(text) > LONG_TEXT:
        _save(session, sha256, renderer(WORDS), _packed_index(text, paragraphs))


def _packed_index(text: str, paragraphs: list) -> bytes:
    return pack(build_word_index(text, paragraphs))


def store_missing(session: Session, touched: Iterable[str] | None = None, batch: int = 20) -> int:
    """Render and store the page and word index of every long version that lacks them under
    today's renderer; return how many versions were visited (none once all are stored).

    Once every version has been looked at under today's renderers (a marker row says so), a
    build looks only at the versions of the documents it ``touched`` (written to the database,
    or recorded): at 100,000 short versions the full look costs 0.25 s of CPU on SQLite."""
    swept = Rendering(sha256="", renderer=f"swept-{renderer(PAGE)}-{renderer(WORDS)}")
    touched = None if touched is None else sorted(set(touched))
    partial = touched is not None and len(touched) <= 5_000  # else: one query for all
    partial = partial and session.get(Rendering, ("", swept.renderer)) is not None
    if partial and not touched:
        return 0
    missing = _missing(session, touched if partial else None)
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        for version in session.scalars(select(Version).where(Version.pk.in_(chunk))):
            sha256, page = version.sha256, page_key(version)
            if session.get(Rendering, (sha256, page)) is None:
                _save(session, sha256, page, version_page(version))
            words = len(version.canonical_text) > LONG_TEXT
            if words and session.get(Rendering, (sha256, renderer(WORDS))) is None:
                _save(session, sha256, renderer(WORDS), _packed_index(*_text_of(version)))
            session.flush()
            session.expunge(version)  # half a megabyte a version: keep the build's memory flat
    if not partial:
        session.execute(Rendering.__table__.delete().where(Rendering.sha256 == ""))
        swept.content = b""
        session.add(swept)
    return len(missing)


def _text_of(version: Version) -> tuple[str, list]:
    return version.canonical_text, version.paragraphs


def _missing(session: Session, documents: list[str] | None) -> list[int]:
    """The long versions (of ``documents``, or all) lacking a page or word index under
    today's renderer."""
    query = select(Version.pk, Version.sha256, Version.canonical_rules)
    if documents is not None:
        query = query.where(Version.document_id.in_(documents))
    rows = session.execute(query.where(_long_markdown(session))).all()
    if not rows:
        return []
    shas = {sha256 for _, sha256, _ in rows}
    have = {
        (sha256, key)
        for sha256, key in session.execute(select(Rendering.sha256, Rendering.renderer))
        if sha256 in shas
    }
    page = renderer(PAGE)
    return sorted(
        pk
        for pk, sha256, rules in rows
        if (sha256, f"{page}-r{rules or 1}") not in have
        or ((sha256, renderer(WORDS)) not in have and _long_text(session, pk))
    )


def _long_markdown(session: Session):
    """``length(markdown) > STORED_FROM``; on PostgreSQL its length in bytes is looked at
    first, which needs no decompressing (3.1 s -> 0.09 s for 100,000 short versions): a text
    has at least as many bytes as characters."""
    length = func.length(Version.markdown)
    if session.get_bind().dialect.name != "postgresql":
        return length > STORED_FROM
    return case((func.octet_length(Version.markdown) > STORED_FROM, length), else_=0) > STORED_FROM


def _long_text(session: Session, pk: int) -> bool:
    length = func.length(Version.canonical_text)
    return bool(session.scalar(select(length > LONG_TEXT).where(Version.pk == pk)))
