"""Who said it, when, and where it was published or reported: one phrase, said the same way
by pages, the JSON API, citations and exports.

    said by Lancashire Police and Lancashire County Council, c. December 2019;
    as reported in the Lancashire Telegraph, c. December 2019

The relation comes from the source's own ``via`` ("as reported in", "first reported by",
"press release"); without one, the source is where the words were published ("published in
the Fixture Gazette", "published by FCPC"). A ``see_also`` entry with a ``via`` of its own
("first reported by") is another publication that carried the same words, said after the
source. Newspapers and other news outlets take "the" in
running prose unless their name has its own ("The Independent"); citations name them bare.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .dates import ArchiveDate, parse_date

SPOKEN = ("statement", "transcript")  # words someone said; reports and articles are written
CAPTURES = "https://web.archive.org/web/*/"  # the Internet Archive's list of captures of a URL


def captures_url(url: str | None) -> str | None:
    """The Wayback Machine's list of every capture of ``url``."""
    return CAPTURES + url if url else None


class ProseNames(frozenset):
    """The names (folded) that take "the" in running prose; ``news`` holds those of news
    outlets, which publish *in* ("published in the Lancashire Telegraph", "published by the
    NSPCC"). A plain set of names is read as news outlets' names."""

    news: frozenset[str]

    def __new__(cls, definite=(), news=()):
        names = super().__new__(cls, frozenset(definite) | frozenset(news))
        names.news = frozenset(news)
        return names


def _is_news(name: str, names: Collection[str]) -> bool:
    return name.casefold() in getattr(names, "news", names)


def prose_name(publisher: str, news: Collection[str] = ()) -> str:
    """ "the Lancashire Telegraph", "the Home Office"; else the name as it is."""
    if publisher.casefold() in news and not publisher.lower().startswith("the "):
        return f"the {publisher}"
    return publisher


def and_list(names: tuple[str, ...]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _via(source: dict) -> str | None:
    return " ".join(str(source.get("via") or "").split()) or None


def carried_phrase(source: dict, news: Collection[str] = ()) -> str | None:
    """ "as reported in the Lancashire Telegraph, c. 28–31 December 2019" for one source."""
    publisher = source.get("publisher")
    if not publisher:
        return None
    name, via = prose_name(publisher, news), _via(source)
    if via and via.split()[-1] in ("in", "by"):
        phrase = f"{via} {name}"
    elif via:
        phrase = f"{name} ({via})"
    else:
        phrase = f"published {'in' if _is_news(publisher, news) else 'by'} {name}"
    published = source.get("published")
    return f"{phrase}, {parse_date(published).in_words()}" if published else phrase


@dataclass(frozen=True)
class Provenance:
    said_by: tuple[str, ...]
    speaker: str | None
    date: ArchiveDate
    source: dict
    kind: str = "statement"
    # Other publications that carried the same words ("first reported by The Independent"):
    # the entries of see_also whose via says how.
    also: tuple[dict, ...] = ()

    @property
    def via(self) -> str | None:
        return _via(self.source)

    @property
    def published(self) -> ArchiveDate | None:
        value = self.source.get("published")
        return parse_date(value) if value else None

    def carried(self, news: Collection[str] = ()) -> str | None:
        """ "as reported in the Lancashire Telegraph, c. December 2019"."""
        return carried_phrase(self.source, news)

    def also_carried(self, news: Collection[str] = ()) -> list[str]:
        """["first reported by The Independent, 28 December 2019"]."""
        return [phrase for item in self.also if (phrase := carried_phrase(item, news))]

    def said(self, news: Collection[str] = ()) -> str | None:
        """ "said by Fixture Police and Fixture County Council, c. December 2019"."""
        if not self.said_by or self.kind == "event":  # an event is not anyone's words
            return None
        if self.kind in SPOKEN:
            return f"said by {and_list(self._named(news))}, {self.date.in_words()}"
        if self.source.get("publisher") in self.said_by:
            return None  # "published by FCPC" says it all
        return f"by {and_list(self._named(news))}, {self.date.in_words()}"

    def _named(self, news: Collection[str]) -> tuple[str, ...]:
        return tuple(prose_name(name, news) for name in self.said_by)

    def sentence(self, news: Collection[str] = ()) -> str:
        """Both parts, joined: "said by X, c. December 2019; as reported in the Y, …"."""
        parts = (self.said(news), self.carried(news), *self.also_carried(news))
        return "; ".join(part for part in parts if part)

    def as_dict(self, news: Collection[str] = ()) -> dict:
        url = self.source.get("url")
        return {
            "said_by": list(self.said_by),
            "speaker": self.speaker,
            "said": self.said(news),
            "carried": self.carried(news),
            "also_carried": self.also_carried(news),
            "sentence": self.sentence(news),
            "reported": bool(self.via and self.via.split()[-1] in ("in", "by")),
            "source_url": url,
            "captures_url": captures_url(url),
        }


def provenance_of(meta: dict, names: dict[str, str]) -> Provenance:
    """The provenance of one version, naming its organisations by their one name."""
    keys = meta.get("organisations") or []
    return Provenance(
        said_by=tuple(names.get(k, k) for k in keys),
        speaker=meta.get("speaker"),
        date=parse_date(meta["date"]),
        source=meta.get("source") or {},
        kind=meta.get("kind") or "statement",
        also=tuple(
            item
            for item in meta.get("see_also") or []
            if isinstance(item, dict) and _via(item) and _via(item).split()[-1] in ("in", "by")
        ),
    )
