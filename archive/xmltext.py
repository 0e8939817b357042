"""Characters XML cannot hold: the feed, SVG and calendar writers replace them, never crash.

XML 1.0 allows tab, newline, carriage return and U+0020 upwards, except the UTF-16 surrogates
and the two non-characters U+FFFE and U+FFFF. Anything else makes lxml refuse a string (a 500 in
a feed) and makes ElementTree write a document no XML parser will read.
"""

from __future__ import annotations

import re

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xml_safe(text: str) -> str:
    """``text`` with every character XML cannot hold replaced by U+FFFD."""
    return NOT_XML.sub(REPLACEMENT, text)


def first_not_xml(text: str) -> str | None:
    """The first character of ``text`` that XML cannot hold, or None."""
    match = NOT_XML.search(text)
    return match.group() if match else None
