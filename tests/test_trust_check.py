"""``archive check`` for the trust work: warnings that do not fail it (no source URL, a second
name for an organisation), the organisations file's formal names and aliases, change notes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, copy_corpus

TRUST = FIXTURES / "trust"


def _root(tmp_path: Path) -> Path:
    return copy_corpus(TRUST, tmp_path / "root")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_statement_without_a_source_url_is_a_warning_that_does_not_fail(tmp_path, run_cli):
    root = _root(tmp_path)
    statement = root / "documents" / "fx-reported-statement.md"
    _edit(statement, "  url: https://example.org/gazette/2019/12/fixture-cases\n", "")
    result = run_cli(root, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # standard output is for problems only
    lines = result.stderr.splitlines()
    assert (
        "documents/fx-reported-statement.md:9: warning: source.url is missing: give the http(s)"
        " address where these words were published or reported, so that readers are one click"
        " from the source"
    ) in lines
    assert len([line for line in lines if "source.url is missing" in line]) == 1
    assert "1 warning(s)" in result.stderr


def test_an_event_without_a_source_url_gets_no_warning(tmp_path, run_cli):
    root = _root(tmp_path)
    _edit(
        root / "documents" / "fx-hearings-event.md",
        "  url: https://example.org/gazette/2020/01/hearings\n",
        "",
    )
    result = run_cli(root, "check")
    assert result.exit_code == 0 and "warning" not in result.output


def test_the_shipped_corpus_still_passes_its_check(tmp_path, run_cli, archive_root):
    result = run_cli(archive_root, "check")
    assert result.exit_code == 0, result.output  # warnings only, until the corpus has URLs


def test_a_short_name_other_than_the_name_is_a_warning(tmp_path, run_cli):
    root = _root(tmp_path)
    _edit(
        root / "documents" / "organisations.yaml",
        "  name: FCPC\n",
        "  name: FCPC\n  short_name: Fixture Charity\n",
    )
    result = run_cli(root, "check")
    assert result.exit_code == 0
    assert (
        "documents/organisations.yaml:17: warning: short_name 'Fixture Charity' differs from name"
        " 'FCPC': the archive shows one name everywhere (name); keep the other as formal_name or"
        " in aliases"
    ) in result.stderr.splitlines()


def test_aliases_must_be_a_list_of_names_and_no_name_may_belong_to_two(tmp_path, run_cli):
    root = _root(tmp_path)
    orgs = root / "documents" / "organisations.yaml"
    _edit(orgs, "  aliases: [Fixture Constabulary Service]\n", "  aliases: Fixture Constabulary\n")
    _edit(
        orgs,
        "  name: Fixture County Council\n",
        "  name: Fixture County Council\n  aliases: [FCPC]\n",
    )
    result = run_cli(root, "check")
    assert result.exit_code == 1
    assert (
        "documents/organisations.yaml:3: field 'aliases' must be a list of names" in result.stdout
    )
    assert (
        "documents/organisations.yaml:18: name 'FCPC' is already a name of organisation"
        " 'fixture-council'"
    ) in result.stdout


def test_a_change_note_must_be_text_and_is_recorded_with_its_version(tmp_path, run_cli):
    root = _root(tmp_path)
    report = root / "documents" / "fx-charity-report.md"
    _edit(report, "tags: [fixture]\n", "change_note: ''\ntags: [fixture]\n")
    result = run_cli(root, "check")
    assert result.exit_code == 1
    assert "field 'change_note' must be non-empty text" in result.stdout
    _edit(report, "change_note: ''\n", "change_note: Corrected the year of the figures.\n")
    assert run_cli(root, "build").exit_code == 0
    ledger = root / "documents" / "ledger" / "fx-charity-report.jsonl"
    (entry,) = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert entry["metadata"]["change_note"] == "Corrected the year of the figures."
