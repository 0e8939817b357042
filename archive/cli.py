"""The ``archive`` command: thin wrappers that call the library and report its errors plainly.

The library (``archive.core``: SQLAlchemy, the build, the search) is imported when a command
runs, not when this module is: ``archive --help`` loads Click alone.
"""

from __future__ import annotations

import os
import shutil
import sys
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .core import Archive


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ARCHIVE_ROOT",
    help="Archive root (holds documents/, instance/, index/). Default: the current directory.",
)
@click.version_option(package_name="inquiry-archive")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """An inquiry timeline and document archive."""
    from .core import Archive

    ctx.obj = Archive.open(root)
    ctx.call_on_close(ctx.obj.close)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a new, empty archive root with an organisations file and one example document."""
    if (directory / "documents").exists():
        raise click.ClickException(f"{directory}/documents already exists; nothing was changed")
    shutil.copytree(files("archive") / "skeleton", directory / "documents")
    (directory / "index").mkdir(exist_ok=True)
    click.echo(f"Created an archive root in {directory}. Next: cd {directory} && archive build")


@main.command()
@click.pass_obj
def check(archive: Archive) -> None:
    """Validate documents/: one line per problem; exit status 1 if there is any.

    Warnings (``path:line: warning: …``, e.g. a statement with no source URL) go to standard
    error, so that standard output stays one line per problem; they do not fail the check."""
    problems = archive.check()
    for problem in problems:
        click.echo(str(problem))
    warnings = archive.read_source().warnings
    for warning in warnings:
        click.echo(str(warning), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(
        "All documents are valid." + (f" {len(warnings)} warning(s)." if warnings else ""), err=True
    )


def _lock_timeout() -> float:
    """How long a build waits for another to finish (``ARCHIVE_BUILD_TIMEOUT`` seconds)."""
    return float(os.environ.get("ARCHIVE_BUILD_TIMEOUT", "600"))


@main.command()
@click.option("--reindex", is_flag=True, help="Rebuild the search index from scratch.")
@click.option(
    "--locked",
    is_flag=True,
    help="Append nothing to the ledger: fail if a document differs from it (for CI).",
)
@click.option(
    "--changed-since",
    metavar="REV",
    help="Only the document files git says changed since REV (a full build when that is"
    " not safe, e.g. organisations.yaml changed).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Build, then stay running: build each change under documents/ as it is saved"
    " (as PATHS would), until Ctrl+C or SIGTERM.",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
def build(
    archive: Archive,
    reindex: bool,
    locked: bool,
    changed_since: str | None,
    watch: bool,
    paths: tuple,
) -> None:
    """Record new and changed documents in the ledger, write the database, update the index.

    With PATHS (document files under documents/, e.g. those an edit or a pull changed), only
    those documents: each is built as a full build would build it, a path whose file is gone
    withdraws its document, and nothing else is looked at. A change to organisations.yaml
    needs a full build.

    With --watch, a full build first, then each batch of changed files is built as PATHS
    would be (a full build when only that can settle it), one line per batch; problems are
    reported and the watch goes on."""
    from .core import ArchiveError, NamedPathError

    if watch:
        if paths or changed_since or locked:
            raise click.UsageError("--watch is not for PATHS, --changed-since or --locked")
        _watch(archive, reindex)
        return

    if (paths or changed_since) and (reindex or locked):
        raise click.UsageError("PATHS and --changed-since are not for --reindex or --locked")
    if paths and changed_since:
        raise click.UsageError("give PATHS or --changed-since, not both")
    try:
        if changed_since:
            report, why = archive.build_changed_since(changed_since, timeout=_lock_timeout())
            if why:
                click.echo(f"A full build: {why}.", err=True)
        elif paths:
            report = archive.build_paths(list(paths), timeout=_lock_timeout())
        else:
            report = archive.build(
                progress=True, reindex=reindex, timeout=_lock_timeout(), locked=locked
            )
    except NamedPathError as exc:
        raise click.UsageError(str(exc)) from None
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(f"Build: {report.summary()}.")
    if report.problems:
        sys.exit(1)


def _watch(archive: Archive, reindex: bool) -> None:
    from .core import ArchiveError
    from .watch import watch

    try:
        status = watch(archive, click.echo, reindex=reindex, progress=sys.stderr.isatty())
    except KeyboardInterrupt:
        click.echo(
            "Interrupted during a build: its transaction was rolled back; the next build"
            " does what it did not.",
            err=True,
        )
        sys.exit(130)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)


@main.command()
@click.pass_obj
def verify(archive: Archive) -> None:
    """Check the ledger's hash chains, hashes and canonical texts, and the database against it."""
    problems = archive.verify()
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("The ledger and the database agree; every hash checks.", err=True)


@main.command("search")
@click.argument("query", nargs=-1)
@click.option("--org", help="Only documents from this organisation (key).")
@click.option("--kind", help="Only documents of this kind.")
@click.option("--from", "date_from", help="Dates that can fall on or after YYYY[-MM[-DD]].")
@click.option("--to", "date_to", help="Dates that can fall on or before YYYY[-MM[-DD]].")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_obj
def search_command(archive: Archive, query: tuple[str, ...], as_json: bool, **options) -> None:
    """Search the archive from the terminal (the same query language as /search)."""
    from .core import ArchiveError
    from .search.terminal import run_search

    try:
        click.echo(run_search(archive, " ".join(query), as_json=as_json, **options))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export_command(archive: Archive, file: Path) -> None:
    """Write a full, lossless dump of documents, versions and metadata to FILE."""
    archive.export(file)
    click.echo(f"Exported to {file}.")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.pass_obj
def import_command(archive: Archive, file: Path) -> None:
    """Restore a dump made by ``archive export`` into an empty archive."""
    from .core import ArchiveError

    try:
        count = archive.import_(file)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Imported {count} documents from {file}.")


@main.command()
@click.argument("url")
@click.option(
    "--style",
    type=click.Choice(["oscola", "apa", "chicago", "harvard", "bibtex", "ris", "csl-json"]),
    default="oscola",
    show_default=True,
)
@click.option("--all", "show_all", is_flag=True, help="Print every part (note, bibliography…).")
@click.pass_obj
def cite(archive: Archive, url: str, style: str, show_all: bool) -> None:
    """Print a citation for a document, version or quote URL of this archive."""
    from .cite_url import cite_url
    from .queries import NotFound, Withdrawn

    try:
        with archive.session() as session:
            entries = cite_url(session, url, style)
    except (NotFound, Withdrawn, ValueError) as exc:  # ValueError: a bad URL or range
        raise click.ClickException(str(exc)) from None
    primary = next(e for e in entries if e["kind"] in ("note", "reference", "entry"))
    for entry in entries if show_all else [primary]:
        if show_all:
            click.echo(f"{entry['label']}:")
        click.echo(entry["text"].rstrip("\n"))


if __name__ == "__main__":
    main()
