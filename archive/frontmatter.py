"""Split a Markdown file into YAML front matter and body, keeping line numbers for messages.

Hostile input is refused before it can cost anything: characters no archive can hold are found
in the raw text, and YAML anchors, aliases and deep nesting are refused while the node tree is
composed, before a single value is built (a 1 KB "billion laughs" would otherwise expand to
gigabytes). Every error carries the 1-based line of the file where the trouble is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent

from .problems import quoted, shorten

# libyaml's C parser when PyYAML was built with it (several times faster); same node marks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 20  # documents need 4 (see_also: - title: …); deeper is a mistake or an attack
STR_TAG = "tag:yaml.org,2002:str"

# Characters refused anywhere in a document (field names, values, body):
# - NUL: PostgreSQL text cannot hold it (the build would fail with a DataError);
# - lone surrogates: not characters, UTF-8 cannot encode them (only YAML escapes make them);
# - other C0 controls but tab and LF, and U+FFFE/U+FFFF: XML 1.0 cannot hold them, so the
#   Atom feeds and the SVG timeline would break (a CR left after CRLF became LF is a stray);
# - DEL, C1 controls and the other noncharacters: XML allows them but discourages them, HTML
#   counts each as a parse error, and C1 in text is nearly always Windows-1252 misread.
# The class holds every plane-end code point from U+1FFFE on as a candidate, tested below:
# listing the 32 astral noncharacters one by one makes each search ten times slower.
_FORBIDDEN = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff"
)
BAD_CHARACTER = re.compile(f"[{_FORBIDDEN}]")
# YAML also reads U+2028 and U+2029 as line breaks: in front matter they would split a value
# where the author sees none, and move every line number after them.
BAD_YAML_CHARACTER = re.compile(f"[{_FORBIDDEN}\u2028\u2029]")
_NAMES = {0x00: "NUL", 0x08: "backspace", 0x0C: "form feed", 0x1B: "ESC", 0x7F: "DEL"}
ANCHOR_MESSAGE = "YAML anchors (&name) and aliases (*name) are not allowed: write each value out"


class FrontMatterError(ValueError):
    """The file's front matter cannot be read; ``line`` is 1-based in the file."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


class _Refused(Exception):
    """Raised while composing; ``line`` is 0-based in the YAML text."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def describe_character(char: str) -> tuple[str, str]:
    """What a refused character is, and what to do about it."""
    code, remove = ord(char), "remove it; it cannot be stored or shown"
    if char == "\r":
        return (
            "carriage return (U+000D) without a line feed",
            "save the file with LF or CRLF line endings",
        )
    if char in "\u2028\u2029":
        name = "line" if char == "\u2028" else "paragraph"
        return (
            f"{name} separator U+{code:04X}",
            "YAML reads it as a line break; use a newline or a space",
        )
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X}", remove
    if code > 0x9F:
        return f"noncharacter U+{code:04X}", remove
    name = _NAMES.get(code)
    what = f"control character U+{code:04X}" + (f" ({name})" if name else "")
    meant = bytes([code]).decode("cp1252", errors="ignore") if code >= 0x80 else ""
    hint = f" (probably a {meant} saved as Windows-1252, read as Latin-1)" if meant else ""
    return what, remove + hint


def first_refused(text: str, pattern: re.Pattern = BAD_CHARACTER) -> re.Match | None:
    """The first refused character in ``text``, if any."""
    for found in pattern.finditer(text):
        code = ord(found.group())
        if code < 0x1FFFE or code & 0xFFFE == 0xFFFE:  # astral: only U+xFFFE and U+xFFFF
            return found
    return None


def check_characters(text: str, offset: int = 1, pattern: re.Pattern = BAD_CHARACTER) -> None:
    """Raise FrontMatterError at the first refused character of ``text`` (line ``offset``)."""
    found = first_refused(text, pattern)
    if found is None:
        return
    position = found.start()
    line = text.count("\n", 0, position)
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    what, why = describe_character(found.group())
    raise FrontMatterError(line + offset, f"{what} at column {column}: {why}")


# The C parser composes nodes in C, where nothing can look at an event before its node is
# built; the Python Composer over the same C events can, for about 0.1 ms more a document.
_BASES = (_SafeLoader,) if issubclass(_SafeLoader, Composer) else (Composer, _SafeLoader)


class _ArchiveLoader(*_BASES):
    """A safe loader that leaves dates as the strings written (EDTF is ours to parse), and
    refuses anchors, aliases and deep nesting as it composes, before any value is built."""

    def __init__(self, stream: str):
        _SafeLoader.__init__(self, stream)
        Composer.__init__(self)
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise _Refused(event.start_mark.line, ANCHOR_MESSAGE)
        if self.depth >= MAX_DEPTH:
            raise _Refused(event.start_mark.line, f"values nest more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_ArchiveLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Parsed:
    """Front matter as data, the line each key sits on, and the Markdown body."""

    data: dict
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1


def _check_nodes(node: yaml.Node) -> None:
    """Field names must be text, and no escape may make a character the raw text could not hold."""
    if isinstance(node, yaml.ScalarNode):
        found = first_refused(node.value)
        if found:
            what, _ = describe_character(found.group())
            raise _Refused(node.start_mark.line, f"{what} written as an escape: remove it")
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_nodes(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise _Refused(
                    key.start_mark.line, "a field name must be text, not a list or mapping"
                )
            if key.tag != STR_TAG:
                raise _Refused(key.start_mark.line, f"field name {shorten(key.value)} is not text")
            _check_nodes(key)
            _check_nodes(value)


def _key_lines(node: yaml.MappingNode, offset: int, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        name = prefix + key_node.value
        if name in lines:
            raise FrontMatterError(
                key_node.start_mark.line + offset, f"duplicate field {quoted(name)}"
            )
        lines[name] = key_node.start_mark.line + offset
        if isinstance(value_node, yaml.MappingNode):
            lines.update(_key_lines(value_node, offset, name + "."))
        elif isinstance(value_node, yaml.SequenceNode):
            lines.update(_item_lines(value_node, offset, name + "."))
    return lines


def _item_lines(node: yaml.SequenceNode, offset: int, prefix: str) -> dict[str, int]:
    """The line of each item of a list (``pages.starts.3``), and of a list's inside it."""
    lines: dict[str, int] = {}
    for i, item in enumerate(node.value):
        lines[f"{prefix}{i}"] = item.start_mark.line + offset
        if isinstance(item, yaml.SequenceNode):
            lines.update(_item_lines(item, offset, f"{prefix}{i}."))
    return lines


# Constructs that must be closed: when one is not, libyaml gives up where it expected the
# close (problem_mark, often the next line) but the mistake is where it opened (context_mark).
_OPENED = {
    "flow sequence": "'[' list",
    "flow mapping": "'{' mapping",
    "quoted scalar": "quoted text",
    "simple key": "field",
}


def _yaml_error(exc: yaml.MarkedYAMLError, offset: int) -> FrontMatterError:
    problem = shorten(exc.problem or exc.context or "the YAML cannot be read", 120)
    context, start, end = exc.context or "", exc.context_mark, exc.problem_mark
    opened = next((name for key, name in _OPENED.items() if context.endswith(key)), None)
    if opened and start is not None:
        where = f" (line {end.line + offset})" if end and end.line != start.line else ""
        column = start.column + 1
        message = (
            f"YAML error: {problem}{where}, in the {opened} that starts here at column {column}"
        )
        return FrontMatterError(start.line + offset, message)
    mark = end or start
    return FrontMatterError(mark.line + offset if mark else offset, f"YAML error: {problem}")


def load_yaml_mapping(text: str, offset: int = 1) -> tuple[object, dict[str, int]]:
    """Parse YAML text; return the data and the 1-based line of each (dotted) key."""
    check_characters(text, offset, BAD_YAML_CHARACTER)
    loader = _ArchiveLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(node)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise FrontMatterError(exc.line + offset, str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, offset) from exc
    except yaml.YAMLError as exc:
        raise FrontMatterError(offset, f"YAML error: {shorten(str(exc), 120)}") from exc
    finally:
        loader.dispose()
    lines = _key_lines(node, offset) if isinstance(node, yaml.MappingNode) else {}
    return data, lines


CR_ONLY = "line endings are CR only; save the file with LF or CRLF line endings"


def split_front_matter(text: str) -> Parsed:
    """Read ``---`` delimited YAML front matter and the body after it (LF line endings)."""
    if "\r" in text and "\n" not in text:
        raise FrontMatterError(1, CR_ONLY)  # an old Mac file: one long line to everything else
    check_characters(text)
    all_lines = text.split("\n")
    if not all_lines or all_lines[0].strip() != "---":
        raise FrontMatterError(1, "missing front matter: the file must start with a '---' line")
    try:
        end = next(i for i, line in enumerate(all_lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise FrontMatterError(1, "front matter is not closed by a '---' line") from None
    data, lines = load_yaml_mapping("\n".join(all_lines[1:end]), offset=2)
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter must be a mapping of field: value")
    rest = all_lines[end + 1 :]
    blank = next((i for i, line in enumerate(rest) if line), 0)  # leading blank lines
    body = "\n".join(rest).strip("\n")
    return Parsed(data=data, lines=lines, body=body, body_line=end + 2 + blank)
