"""What the ``archive`` command loads: only what the command it runs needs (issue 13, item 3).

Each check runs the command in a new Python process, as a user's shell does, and looks at the
modules it loaded: ``archive --help`` loads neither the library nor the web app; a build never
loads Flask, loads Alembic only when the database is behind the newest migration, and loads
edtf only when a date that is not plain (an interval, say) is read. Behaviour, messages and
exit codes are those of the command before these imports were made lazy (the other tests of
the command and the build run it in process, where every module may already be loaded).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text

from archive import db

from .conftest import PROJECT

HEAVY = ["alembic", "flask", "edtf", "sqlalchemy", "whoosh", "markdown", "archive.core"]
# Imported by the code that searches, not by a build, which opens a backend only to index.
SEARCHING = {
    "whoosh": [
        "archive.search.snippets",
        "archive.search.whoosh_rank",
        "archive.search.whoosh_terms",
    ],
    "postgres": [
        "archive.search.postgres_query",
        "archive.search.postgres_rank",
        "archive.search.postgres_snippets",
    ],
}
# A full build's reading through the stat cache and settling, not ``archive build PATH``'s.
FULL_BUILD = ["archive.build_settle", "archive.ledger_cache", "archive.build_snapshot"]
WATCHED = HEAVY + [m for modules in SEARCHING.values() for m in modules] + FULL_BUILD

# Runs the console script's ``main`` (webapp.cli, as ``archive`` does) in this new process and
# prints its exit code, its output and which of WATCHED it loaded.
RUN = (
    f"WATCHED = {WATCHED!r}\n"
    + """
import contextlib, io, json, sys
from webapp.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(sys.argv[1:], prog_name="archive")
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
loaded = [m for m in WATCHED if m in sys.modules]
print(json.dumps({"code": code, "output": out.getvalue(), "loaded": loaded}))
"""
)


def _command(*args: str, database_url: str = "", backend: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    if database_url:
        env["ARCHIVE_DATABASE_URL"] = database_url
    if backend:
        env["ARCHIVE_SEARCH_BACKEND"] = backend
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_help_loads_no_library_and_no_web_app():
    result = _command("--help")
    assert result["code"] == 0
    for command in ["build", "check", "cite", "export", "import", "init", "search", "serve"]:
        assert re.search(rf"^\s+{command}\s", result["output"], re.MULTILINE), command
    assert result["loaded"] == []


def test_init_loads_no_library(tmp_path):
    result = _command("--root", str(tmp_path), "init", str(tmp_path / "new"))
    assert result["code"] == 0
    assert "Created an archive root" in result["output"]
    assert (tmp_path / "new" / "documents" / "organisations.yaml").is_file()
    assert not {"alembic", "flask"} & set(result["loaded"])


def _plain_dated(root: Path) -> Path:
    """A document whose date is a plain day (parsed without edtf)."""
    for path in sorted((root / "documents").glob("*.md")):
        if re.search(r'^date: "?\d{4}-\d{2}-\d{2}"?$', path.read_text("utf-8"), re.MULTILINE):
            return path
    raise AssertionError("no document with a plain date in the corpus")


def test_builds_load_alembic_only_when_the_database_is_behind(archive_root, database_url):
    root = str(archive_root)
    first = _command("--root", root, "build", database_url=database_url)
    assert first["code"] == 0
    assert "added" in first["output"]
    assert "alembic" in first["loaded"]  # a new database: migrated, by Alembic
    assert "flask" not in first["loaded"]

    again = _command("--root", root, "build", database_url=database_url)
    assert again["code"] == 0
    assert " 0 added, 0 changed, 0 reinstated, 0 withdrawn" in again["output"]
    assert not {"alembic", "flask", "edtf"} & set(again["loaded"])

    path = _plain_dated(archive_root)
    path.write_text(
        path.read_text("utf-8") + "\nOne more sentence: zqstartupword.\n", encoding="utf-8"
    )
    named = _command("--root", root, "build", str(path), database_url=database_url)
    assert named["code"] == 0
    assert "0 added, 1 changed" in named["output"]
    assert not {"alembic", "flask", "edtf"} & set(named["loaded"])
    searched = _command("--root", root, "search", "zqstartupword", database_url=database_url)
    assert searched["code"] == 0
    assert path.stem in searched["output"]


def test_a_named_build_loads_neither_searching_nor_a_full_builds_modules(
    archive_root, database_url
):
    """``archive build PATH`` on each backend the database offers: the edit is built and found
    by a search afterwards, which does load the searching modules the build went without."""
    root = str(archive_root)
    path = _plain_dated(archive_root)
    backends = ["whoosh"] + (["postgres"] if database_url.startswith("postgresql") else [])
    for backend in backends:
        full = _command("--root", root, "build", database_url=database_url, backend=backend)
        assert full["code"] == 0, full["output"]
        assert not {m for modules in SEARCHING.values() for m in modules} & set(full["loaded"])
        assert set(FULL_BUILD) <= set(full["loaded"])  # a full build still reads through them

        word = f"zqlazy{backend}word"
        path.write_text(path.read_text("utf-8") + f"\nOne more: {word}.\n", encoding="utf-8")
        named = _command(
            "--root", root, "build", str(path), database_url=database_url, backend=backend
        )
        assert named["code"] == 0
        assert "Build: 0 added, 1 changed, 0 reinstated, 0 withdrawn" in named["output"]
        unneeded = [m for modules in SEARCHING.values() for m in modules] + FULL_BUILD
        assert not set(unneeded) & set(named["loaded"]), named["loaded"]

        found = _command("--root", root, "search", word, database_url=database_url, backend=backend)
        assert found["code"] == 0
        assert path.stem in found["output"]
        assert set(SEARCHING[backend]) <= set(found["loaded"])


def test_a_database_behind_is_migrated_and_one_at_head_is_seen_without_alembic(
    tmp_path, database_url
):
    from alembic import command
    from alembic.script import ScriptDirectory

    engine = db.make_engine(database_url)
    try:
        assert not db.at_head(engine)  # a new database: no alembic_version table
        config = db.alembic_config(engine)
        heads = ScriptDirectory.from_config(config).get_heads()
        assert [db.head_revision()] == heads  # the files, read without Alembic, say its head
        command.upgrade(config, "0005")
        assert not db.at_head(engine)
        db.migrate(engine)
        assert db.at_head(engine)
        with engine.connect() as connection:
            stamped = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            assert stamped == [(heads[0],)]
            assert inspect(connection).has_table("renderings")
        db.migrate(engine)  # at head: nothing to do, and nothing done
        assert db.at_head(engine)
    finally:
        engine.dispose()


def test_a_plain_date_never_loads_edtf_and_others_still_parse_as_before():
    probe = """
import sys
from archive.dates import InvalidDate, parse_date
plain = [parse_date(t).in_words() for t in ["2019-12-28", "2019-12~", "2020-21", "2019"]]
assert "edtf" not in sys.modules, "a plain date loaded edtf"
interval = parse_date("2020-04-20/2020-05-01").in_words()
assert "edtf" in sys.modules
try:
    parse_date("2019-13-45/2020")
except InvalidDate as exc:
    refused = str(exc)
print(plain, interval, refused)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "['28 December 2019', 'c. December 2019', 'Spring 2020', '2019']" in done.stdout
    assert "20 April – 1 May 2020" in done.stdout
    assert "not a valid EDTF date: '2019-13-45/2020'" in done.stdout


def test_a_command_error_keeps_its_message_and_exit_code(tmp_path, run_cli):
    """The library's errors, now imported inside each command, are still caught there."""
    result = run_cli(tmp_path, "build")
    assert result.exit_code == 1
    assert "is not a folder: nothing to build from, and nothing was withdrawn" in result.output
    assert "Usage:" in run_cli(tmp_path, "build", "a.md", "--locked").output
