"""``bench/load.py``'s measurement of the production configuration, beside Datasette.

Run by hand (not in CI; needs ``wrk``):

    createdb -h /var/run/postgresql bench_h6
    python bench/load_production.py --workdir DIR --database-url URL [--fresh]
                                    [--clients 16] [--seconds 10] [--rounds 3]

``DIR`` is a ``bench/search.py --workdir`` corpus (``corpus.pickle`` and ``root/documents``);
``URL`` a scratch PostgreSQL database, which ``archive build`` writes with
``deploy/systemd/archive.env``'s settings (``ARCHIVE_SEARCH_BACKEND=postgres``) from a copy of
the documents in ``DIR/pg-root`` (``--fresh`` drops and creates the database first: one made
before a migration it lacks). Then the web unit's own command (``deploy/systemd/
archive-web.service``'s ExecStart: gunicorn, gthread workers and threads as it gives them, its
access log) serves it from an empty root, as on a web machine, and takes turns with Datasette
serving the same corpus (sqlite-utils' FTS5 table, as ``bench/search_http.py`` makes it).
The archive's mix is ``bench/load.py``'s eight pages with a document of the corpus and words it
has (``production_mix``); Datasette's is its nearest page to each (``datasette_mix``: it has
no versions, quotes or timeline, so a document, its version and its quote are each its row
page, the timeline its table sorted by date). The CPU time per request counts the web server's
processes and, for the archive, the PostgreSQL backends serving that database (``/proc``).
Printed as ``bench/load.py`` prints, with ratios against Datasette, then each page alone.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from load import HOST, PROJECT, Server, common_arguments, measure_all, popen
from search_http import (
    DATASETTE_SETTINGS,
    datasette_database,
    datasette_version,
    doc_rows,
    venv_tool,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def production_mix(doc: str) -> list[str]:
    """The same eight pages over the synthetic corpus: its document, words it has."""
    return [
        "/",
        "/documents",
        f"/documents/{doc}",
        f"/documents/{doc}/v1",
        f"/documents/{doc}/v1/q/0-80",
        "/search?q=police",
        "/timeline",
        "/api/v1/search?q=children+exploitation",
    ]


def datasette_mix(doc: str, database: str = "corpus") -> list[str]:
    """Datasette's nearest page to each of ``production_mix``'s, in the same order."""
    table = f"/{database}/documents"
    return [
        "/",
        table,
        f"{table}/{doc}",
        f"{table}/{doc}",
        f"{table}/{doc}",
        f"{table}?_search=police",
        f"{table}?_sort=earliest",
        f"{table}.json?_search=children+exploitation",
    ]


def deploy_settings() -> tuple[list[str], dict[str, str]]:
    """The web unit's ExecStart (continuation lines joined) and archive.env's settings."""
    unit = (PROJECT / "deploy" / "systemd" / "archive-web.service").read_text(encoding="utf-8")
    lines = unit.replace("\\\n", " ").splitlines()
    command = shlex.split(next(x for x in lines if x.startswith("ExecStart=")).split("=", 1)[1])
    env_file = (PROJECT / "deploy" / "systemd" / "archive.env").read_text(encoding="utf-8")
    pairs = [x.split("=", 1) for x in env_file.splitlines() if x and not x.startswith("#")]
    return command, dict(pairs)


def fresh_database(url: str) -> None:
    """Drop and create the scratch database (``--fresh``), from PostgreSQL's own ``postgres``."""
    name = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def production_servers(args, tmp: Path) -> dict[str, Server]:
    """The web unit over PostgreSQL (built here from the corpus), and Datasette beside it."""
    docs, _ = pickle.loads((args.workdir / "corpus.pickle").read_bytes())
    command, settings = deploy_settings()
    root = args.workdir / "pg-root"  # the build machine's checkout: documents and its cache
    if not root.exists():
        shutil.copytree(args.workdir / "root" / "documents", root / "documents")
    env = {**os.environ, **settings, "ARCHIVE_ROOT": str(root), "PYTHONPATH": str(PROJECT)}
    env.update(ARCHIVE_DATABASE_URL=args.database_url, ARCHIVE_READ_DATABASE_URL="")
    env.update(ARCHIVE_BASE_URL="", ARCHIVE_TRUSTED_HOSTS="")
    if args.fresh:
        fresh_database(args.database_url)
        shutil.rmtree(root / "instance", ignore_errors=True)
    started = time.monotonic()
    build = [sys.executable, "-m", "webapp.cli", "--root", str(root), "build"]
    result = subprocess.run(build, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"archive build failed: {result.stdout}{result.stderr}")
    lines = (result.stdout or result.stderr).strip().splitlines()
    print(f"archive build on PostgreSQL: {lines[-1] if lines else ''} "
          f"({time.monotonic() - started:.0f} s)")  # fmt: skip
    web = tmp / "web-machine"  # a web machine keeps no files
    web.mkdir()
    env["ARCHIVE_ROOT"] = str(web)
    assert command[0].endswith("/gunicorn"), command
    bind = command.index("--bind") + 1

    def launch_web(port: int, log: Path) -> subprocess.Popen:
        served = [sys.executable, "-m", "gunicorn", *command[1:]]
        served[bind + 2] = f"{HOST}:{port}"  # two more words in front: -m gunicorn
        return popen(served, log, env=env, cwd=web)

    database = datasette_database(args.workdir / "corpus.db", doc_rows(docs))

    def launch_datasette(port: int, log: Path) -> subprocess.Popen:
        datasette = [str(venv_tool("datasette")), "serve", str(database), "--host", HOST]
        return popen([*datasette, "--port", str(port), *DATASETTE_SETTINGS], log)

    workers = command[command.index("--workers") + 1]
    threads = command[command.index("--threads") + 1]
    name = make_url(args.database_url).database
    doc = docs[len(docs) // 2].id
    return {
        "production": Server(
            f"archive-web.service: gunicorn, {workers} gthread × {threads}, PostgreSQL search",
            production_mix(doc), launch_web, database=name,
        ),
        "datasette": Server(
            f"{datasette_version()} (sqlite-utils FTS5)", datasette_mix(doc, database.stem),
            launch_datasette,
        ),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="bench/search.py's")
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database")
    parser.add_argument("--fresh", action="store_true", help="drop and create it first")
    common_arguments(parser)
    args = parser.parse_args()
    measure_all(lambda tmp: production_servers(args, tmp), args, "datasette")


if __name__ == "__main__":
    main()
