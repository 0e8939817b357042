"""The web layer: a Flask app factory over the ``archive`` library."""

from __future__ import annotations

from flask import Flask

from archive.core import Archive

from .hosts import ArchiveFlask


def create_app(test_config: dict | None = None, archive: Archive | None = None) -> Flask:
    """Create the app: defaults in code, then ``ARCHIVE_*`` settings, then the test mapping."""
    app = ArchiveFlask(__name__)
    app.config.from_mapping(
        ARCHIVE_ROOT=None, ARCHIVE_OVERRIDES={}, ARCHIVE_BASE_URL=None, JSON_SORT_KEYS=False
    )
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if archive is None:
        archive = Archive.open(app.config["ARCHIVE_ROOT"], **app.config["ARCHIVE_OVERRIDES"])
    app.extensions["archive"] = archive

    from . import errors, filters, hosts, security
    from .views import documents, feeds, home, openapi, organisations, quotes, search, timeline

    hosts.init_app(app, archive.config)
    for module in (errors, filters, security):
        module.init_app(app)
    for module in (home, documents, organisations, timeline, quotes, search, feeds, openapi):
        app.register_blueprint(module.bp)
    return app
