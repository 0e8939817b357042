"""Split a Markdown file into YAML front matter and body, keeping line numbers for messages."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

# libyaml's C parser when PyYAML was built with it (several times faster); same node marks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ArchiveLoader(_SafeLoader):
    """A safe loader that leaves dates as the strings written (EDTF is ours to parse)."""


_ArchiveLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FrontMatterError(ValueError):
    """The file's front matter cannot be read; ``line`` is 1-based in the file."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class Parsed:
    """Front matter as data, the line each key sits on, and the Markdown body."""

    data: dict
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1


def _key_lines(node: yaml.MappingNode, offset: int, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        name = prefix + str(key_node.value)
        if name in lines:
            raise FrontMatterError(key_node.start_mark.line + offset, f"duplicate field {name!r}")
        lines[name] = key_node.start_mark.line + offset
        if isinstance(value_node, yaml.MappingNode):
            lines.update(_key_lines(value_node, offset, name + "."))
    return lines


def load_yaml_mapping(text: str, offset: int = 1) -> tuple[object, dict[str, int]]:
    """Parse YAML text; return the data and the 1-based line of each (dotted) key."""
    loader = _ArchiveLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else offset
        raise FrontMatterError(line, f"YAML error: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise FrontMatterError(offset, f"YAML error: {exc}") from exc
    finally:
        loader.dispose()
    lines = _key_lines(node, offset) if isinstance(node, yaml.MappingNode) else {}
    return data, lines


def split_front_matter(text: str) -> Parsed:
    """Read ``---`` delimited YAML front matter and the body after it."""
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
