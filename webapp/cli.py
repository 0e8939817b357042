"""The ``archive`` command with ``serve``: the library's commands plus the web server.

``archive/`` never imports the web app, so the command that serves it is added here, on top of
the library's command group; the console script points at this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from archive.cli import main

if TYPE_CHECKING:  # the library is imported when a command runs (``archive --help`` needs none)
    from archive.core import Archive


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Worker processes (default: one per core where processes can fork; 0: this process).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="Threads per worker process (default 8), or in all with waitress (default 4).",
)
@click.pass_obj
def serve(archive: Archive, host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Build if needed, then serve the site: gunicorn, a worker per core (waitress on Windows)."""
    from archive.core import ArchiveError

    from .hosts import check_base_url
    from .serving import serve as run_server

    try:
        check_base_url(archive.config.base_url)
    except ValueError as exc:
        raise click.ClickException(f"ARCHIVE_BASE_URL: {exc}") from None
    try:
        report = archive.build(progress=True)
    except ArchiveError as exc:  # serve what the database holds; say why it was not built
        click.echo(f"Build skipped: {exc}", err=True)
    else:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo(f"Build: {report.summary()}.")
    run_server(archive, host, port, workers=workers, threads=threads)


if __name__ == "__main__":
    main()
