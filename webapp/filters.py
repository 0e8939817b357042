"""Template helpers shared by every page."""

from __future__ import annotations

from flask import Flask

from archive.documents import KINDS

KIND_LABELS = {
    "statement": "Statement",
    "report": "Report",
    "article": "News article",
    "transcript": "Transcript",
    "event": "Event",
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(KINDS=KINDS, KIND_LABELS=KIND_LABELS)
    app.jinja_env.filters["kind_label"] = lambda kind: KIND_LABELS.get(kind, kind)
    app.jinja_env.filters["sentence"] = sentence


def sentence(text: str | None) -> str:
    """The text with its first letter in capitals and nothing else changed (names keep theirs;
    Jinja's ``capitalize`` lowers every other letter)."""
    return text[:1].upper() + text[1:] if text else ""
