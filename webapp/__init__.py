"""The web layer: a Flask app factory over the ``archive`` library."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

# Imported by create_app: ``archive`` (webapp.cli) loads this package for every command, and
# only ``serve`` needs Flask and the library (``archive --help`` needs neither).
if TYPE_CHECKING:
    from flask import Flask

    from archive.core import Archive


def create_app(test_config: dict | None = None, archive: Archive | None = None) -> Flask:
    """Create the app: defaults in code, then ``ARCHIVE_*`` settings, then the test mapping."""
    from archive.core import Archive

    from .hosts import ArchiveFlask

    app = ArchiveFlask(__name__)
    app.config.from_mapping(
        ARCHIVE_ROOT=None,
        ARCHIVE_OVERRIDES={},
        ARCHIVE_BASE_URL=None,
        JSON_SORT_KEYS=False,
        # Where readers report an error (an email or web address), shown on /editorial-policy.
        ARCHIVE_CONTACT=os.environ.get("ARCHIVE_CONTACT"),
    )
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if archive is None:
        archive = Archive.open(app.config["ARCHIVE_ROOT"], **app.config["ARCHIVE_OVERRIDES"])
    archive = archive.reader()  # pages and search read the replica when there is one
    app.extensions["archive"] = archive

    from . import errors, filters, forms, hosts, page_meta, security
    from .views import (
        documents,
        feeds,
        home,
        openapi,
        organisations,
        quotes,
        search,
        site,
        timeline,
    )

    hosts.init_app(app, archive.config)
    for module in (errors, filters, forms, security, page_meta):
        module.init_app(app)
    views = (home, documents, organisations, timeline, quotes, search, feeds, site, openapi)
    for module in views:
        app.register_blueprint(module.bp)
    return app
