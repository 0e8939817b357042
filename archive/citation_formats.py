"""BibTeX and RIS records for reference managers, written with bibtexparser and rispy."""

from __future__ import annotations

import re

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from .citable import Citable

LATEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
LATEX_REPLACEMENT = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _latex(text: str) -> str:
    """Escape TeX's special characters; UTF-8 letters stay as they are (biber reads UTF-8)."""
    return LATEX_SPECIAL.sub(lambda m: LATEX_REPLACEMENT.get(m[1], "\\" + m[1]), text)


def _bibtex_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9:_-]", "-", key)


def _how_published(citable: Citable, site: str) -> str:
    parts = [site]
    if citable.designation:
        parts.append(citable.designation)
    if citable.pages is not None:
        parts.append(citable.pages.words())
    elif citable.pinpoint:
        label = "paras" if "–" in citable.pinpoint else "para"
        parts.append(f"{label} {citable.pinpoint}")
    return ", ".join(parts)


def bibtex(item: dict, citable: Citable) -> str:
    """A ``@misc`` entry (biblatex-friendly: ``date`` as EDTF, ``urldate`` in ISO form)."""
    authors = " and ".join("{" + _latex(a) + "}" for a in citable.authors)  # corporate names
    fields = {
        "author": authors,
        "title": "{" + _latex(citable.title) + "}",  # keep the title's capitals
        "year": str(item["issued"]["date-parts"][0][0]),
        "date": citable.date_edtf,  # biblatex reads EDTF level 1: 2019-12~, 2020-21, a/b
        "howpublished": _latex(_how_published(citable, item["container-title"])),
        "url": citable.url,
        "urldate": citable.accessed.isoformat(),
    }
    if item.get("note"):
        fields["note"] = _latex(item["note"])
    entry = Entry("misc", _bibtex_key(citable.key), [Field(k, v) for k, v in fields.items()])
    library = bibtexparser.Library([entry])
    return bibtexparser.write_string(library).strip() + "\n"


def _ris_date(parts: list[int]) -> str:
    """RIS DA: ``YYYY/MM/DD/`` with unknown parts left empty (``2019/12//``)."""
    year, *rest = parts
    rest = [f"{p:02d}" for p in rest] + [""] * (2 - len(rest))
    return f"{year}/{rest[0]}/{rest[1]}/"


def ris(item: dict, citable: Citable) -> str:
    """An RIS record of type ELEC (web page), with access date and pinpoint in the notes."""
    issued = item["issued"]["date-parts"][0]
    record = {
        "type_of_reference": "ELEC",
        "authors": list(citable.authors),
        "title": citable.title,
        "secondary_title": item["container-title"],
        "year": str(issued[0]),
        "date": _ris_date(issued),
        "urls": [citable.url],
        "access_date": citable.accessed.strftime("%Y/%m/%d"),
        "notes": [
            n for n in (_how_published(citable, item["container-title"]), item.get("note")) if n
        ],
    }
    if citable.version is not None:
        record["edition"] = citable.designation
    return rispy.dumps([record], implementation=_RisWriter).lstrip("\n")


class _RisWriter(rispy.RisWriter):
    """rispy numbers each record ("1."); RIS itself has no such line, so write none."""

    def set_header(self, count: int) -> str:
        return ""
