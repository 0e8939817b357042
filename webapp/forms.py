"""Forms that forgive: a bad value re-shows the whole form with the reader's input, a summary of
the problems at the top and a message beside each box (GOV.UK's error pattern), and the page
still shows what the other values find. The JSON API keeps its plain 400 ``{"error": …}``."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, abort

from archive.filters import DATE_FORMATS, BadFilter

from .twin import wants_json

DATE_HINT = f"a year, a month or a day, for example {DATE_FORMATS}."


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(DATE_HINT=DATE_HINT)


def problems_or_abort(exc: BadFilter) -> dict[str, str]:
    """The problems, by parameter, for a page to show; the API answers 400 at once."""
    if wants_json():
        abort(400, str(exc))
    return exc.problems


def form_errors(problems: Mapping[str, str], ids: Mapping[str, str]) -> list[dict]:
    """Each problem with the id of the box it concerns (the first box when it has none)."""
    first = next(iter(ids.values()))
    return [
        {"field": name, "id": ids.get(name, first), "message": message}
        for name, message in problems.items()
    ]


def without(given: Mapping[str, str], problems: Mapping[str, str]) -> dict[str, str]:
    """The values given, less the bad ones."""
    return {name: value for name, value in given.items() if name not in problems}
