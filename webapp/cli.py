"""The ``archive`` command with ``serve``: the library's commands plus the web server.

``archive/`` never imports the web app, so the command that serves it is added here, on top of
the library's command group; the console script points at this module.
"""

from __future__ import annotations

import click

from archive.cli import main
from archive.core import Archive, ArchiveError


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.pass_obj
def serve(archive: Archive, host: str, port: int, threads: int) -> None:
    """Build if needed, then serve the site with waitress (a production WSGI server)."""
    import waitress

    from . import create_app

    try:
        report = archive.build(progress=True)
    except ArchiveError as exc:  # serve what the database holds; say why it was not built
        click.echo(f"Build skipped: {exc}", err=True)
    else:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo(f"Build: {report.summary()}.")
    click.echo(f"Serving the archive on http://{host}:{port}/ (Ctrl+C to stop)")
    waitress.serve(create_app(archive=archive), host=host, port=port, threads=threads)


if __name__ == "__main__":
    main()
