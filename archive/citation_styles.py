"""The four prose styles, composed from each guide's pattern for a page on a website.

OSCOLA 4th edn (§3.3 secondary sources, websites): Author, ‘Title’ (Website, date) pinpoint
<URL> accessed date. APA 7 (§10.16 webpage on a website, §9.8 group authors, §10.10 versions in
parentheses after the title, §9.16 retrieval dates only for pages that change): Author. (Date).
Title (Version) [Description]. Site. URL. Chicago 17 notes and bibliography (§14.206 websites,
with access dates), printed with British punctuation: single quotation marks, commas outside.
Cite Them Right (Harvard), 11th edn, web pages: Author (Year) Title. Available at: URL
(Accessed: date).

What every style adds, because a reader must be able to check it: the archive's version and its
short hash after the site's name; the paragraph pinpoint (a transcript whose front matter gives
its pages: the page and lines, "page 45, lines 3–12" in OSCOLA and Chicago, "p. 45, lines 3–12"
in APA and Cite Them Right, as each writes page numbers); and, for words another publication
carried, the source's own phrase ("as reported in", "first reported by") with that publication.
Titles keep the capitalisation they were archived with: re-casing would change quoted words
inside them (‘“leave no stone unturned”’).
"""

from __future__ import annotations

from .citable import Citable
from .citation_dates import apa_date, style_date, style_year, us_day
from .citation_rules import apa_quotation, oscola_quotation, single_quoted

SITE_NAME = "IICSA organised networks archive"


def names(authors: tuple[str, ...], serial_comma: bool = False) -> str:
    """ "A", "A and B", "A, B and C" (with ``serial_comma``: "A, B, and C")."""
    if len(authors) <= 2:
        return " and ".join(authors)
    comma = "," if serial_comma else ""
    return f"{', '.join(authors[:-1])}{comma} and {authors[-1]}"


def _with_stop(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _pin(citable: Citable, single: str, plural: str, abbreviated: bool = True) -> str:
    """The pinpoint: "para 3" / "paras 3–4", or a transcript's "page 45, lines 3–12" (with
    ``abbreviated``, as APA and Cite Them Right write pages: "p. 45, lines 3–12")."""
    if citable.pages is not None:
        return citable.pages.words(abbreviated)
    if not citable.pinpoint:
        return ""
    return f"{plural if '–' in citable.pinpoint else single} {citable.pinpoint}"


def _accessed(citable: Citable) -> str:
    day = citable.accessed
    return f"{day.day} {day:%B} {day.year}"


def _site(citable: Citable) -> str:
    return f"{SITE_NAME}, {citable.designation}" if citable.designation else SITE_NAME


def _carried(citable: Citable, style: str, comma: bool) -> str:
    """ " as reported in ‘Title’, Publisher, c. December 2019" (OSCOLA: no commas)."""
    via = citable.reported_via
    if not via:
        return ""
    title = single_quoted(citable.source.get("title") or "")
    publisher = citable.source["publisher"]
    date = citable.source_date
    if comma:
        when = f", {style_date(date, style)}" if date else ""
        return f" {via} {title}, {publisher}{when}"
    when = f" ({style_date(date, style)})" if date else ""
    return f" {via} {title} {publisher}{when}"


def oscola(citable: Citable) -> list[dict]:
    author, title = names(citable.authors), single_quoted(citable.title)
    date = style_date(citable.date, "oscola")
    pin = _pin(citable, "para", "paras", abbreviated=False)
    where = f"({_site(citable)}, {date})"
    tail = f"<{citable.url}> accessed {_accessed(citable)}"
    carried = f",{_carried(citable, 'oscola', comma=False)}" if citable.reported_via else ""
    if citable.hearing:  # ‘Title’, Transcript, Day 11 (…)
        title = f"{title}, {citable.hearing}"
    note = f"{author}, {title} {where}{' ' + pin if pin else ''} {tail}{carried}."
    bibliography = f"{author}, {title} {where} {tail}{carried}"
    entries = [
        {"kind": "note", "label": "Footnote", "text": note},
        {"kind": "bibliography", "label": "Bibliography", "text": bibliography},
    ]
    if citable.quote:
        quoted = oscola_quotation(citable.quote)
        entries.insert(0, {"kind": "quotation", "label": "Quotation", "text": quoted})
    return entries


def _apa_authors(authors: tuple[str, ...]) -> str:
    if len(authors) == 1:
        return _with_stop(authors[0])
    return _with_stop(f"{', '.join(authors[:-1])}, & {authors[-1]}")


def _apa_in_text(citable: Citable) -> str:
    authors = citable.authors
    who = authors[0] if len(authors) == 1 else " & ".join(authors)
    if len(authors) > 2:
        who = f"{authors[0]} et al."
    pin = _pin(citable, "para.", "paras.")
    return f"({who}, {style_year(citable.date, 'apa')}{', ' + pin if pin else ''})"


def apa(citable: Citable) -> list[dict]:
    version = ""
    if citable.version is not None:
        short = f", sha256:{citable.sha256[:8]}" if citable.sha256 else ""
        version = f" (Version {citable.version}{short})"
    via = citable.reported_via
    carried = f" {via} {citable.source['publisher']}" if via else ""
    description = f"[{citable.kind_words.capitalize()}{carried}]"
    where = citable.url
    if citable.version is None:  # §9.16: the current page changes with each version
        where = f"Retrieved {us_day(citable.accessed)}, from {citable.url}"
    reference = (
        f"{_apa_authors(citable.authors)} ({apa_date(citable.date)}). {citable.title}{version}"
        f" {description}. {SITE_NAME}. {where}"
    )
    in_text = _apa_in_text(citable)
    entries = [
        {"kind": "reference", "label": "Reference list", "text": reference},
        {"kind": "in-text", "label": "In-text citation", "text": in_text},
    ]
    if citable.quote:
        quoted = apa_quotation(citable.quote, in_text)
        entries.insert(0, {"kind": "quotation", "label": "Quotation", "text": quoted})
    return entries


def chicago(citable: Citable) -> list[dict]:
    author, title = names(citable.authors, serial_comma=True), single_quoted(citable.title)
    date = style_date(citable.date, "chicago")
    carried = _carried(citable, "chicago", comma=True)
    pin = _pin(citable, "para.", "paras.", abbreviated=False)
    accessed = _accessed(citable)
    note = (
        f"{author}, {title}, {citable.kind_words}{carried}, {_site(citable)}, {date},"
        f"{' ' + pin + ',' if pin else ''} accessed {accessed}, {citable.url}."
    )
    bibliography = (
        f"{_with_stop(author)} {title}. {_with_stop(citable.kind_words.capitalize() + carried)}"
        f" {_with_stop(f'{_site(citable)}, {date}')} Accessed {accessed}. {citable.url}."
    )
    entries = [
        {"kind": "note", "label": "Note", "text": note},
        {"kind": "bibliography", "label": "Bibliography", "text": bibliography},
    ]
    if citable.quote:
        quoted = oscola_quotation(citable.quote)  # British: single marks, the note number after
        entries.insert(0, {"kind": "quotation", "label": "Quotation", "text": quoted})
    return entries


def harvard(citable: Citable) -> list[dict]:
    author, year = names(citable.authors), style_year(citable.date, "harvard")
    via = citable.reported_via
    carried = f", {via} {citable.source['publisher']}" if via else ""
    hearing = f" {citable.hearing}." if citable.hearing else ""
    reference = (
        f"{author} ({year}) {_with_stop(citable.title + carried)}{hearing} {_site(citable)}."
        " Available at:"
        f" {citable.url} (Accessed: {_accessed(citable)})."
    )
    pin = _pin(citable, "para.", "paras.")
    in_text = f"({author}, {year}{', ' + pin if pin else ''})"
    entries = [
        {"kind": "reference", "label": "Reference list", "text": reference},
        {"kind": "in-text", "label": "In-text citation", "text": in_text},
    ]
    if citable.quote:
        quoted = f"{oscola_quotation(citable.quote).rstrip('¹')} {in_text}"
        entries.insert(0, {"kind": "quotation", "label": "Quotation", "text": quoted})
    return entries


PROSE = {"oscola": oscola, "apa": apa, "chicago": chicago, "harvard": harvard}
