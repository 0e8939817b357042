"""The ``archive`` command as a user runs it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import PROJECT


def test_init_makes_an_archive_that_checks_and_builds(tmp_path, run_cli):
    root = tmp_path / "new"
    result = run_cli(tmp_path, "init", str(root))
    assert result.exit_code == 0, result.output
    assert (root / "documents" / "organisations.yaml").exists()
    assert run_cli(root, "check").exit_code == 0
    built = run_cli(root, "build")
    assert built.exit_code == 0, built.output
    assert "1 added" in built.output


def test_init_refuses_to_overwrite(tmp_path, run_cli):
    root = tmp_path / "existing"
    (root / "documents").mkdir(parents=True)
    result = run_cli(tmp_path, "init", str(root))
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_build_reports_what_it_did(archive_root, run_cli):
    first = run_cli(archive_root, "build")
    assert first.exit_code == 0, first.output
    count = len(list((archive_root / "documents").glob("*.md")))
    assert f"0 added, 0 changed, 0 reinstated, 0 withdrawn, {count} unchanged" in first.output
    ledgers = len(list((archive_root / "documents" / "ledger").glob("*.jsonl")))
    assert f"{ledgers} written to the database from the ledger" in first.output  # withdrawn too
    second = run_cli(archive_root, "build")
    assert f"0 added, 0 changed, 0 reinstated, 0 withdrawn, {count} unchanged" in second.output


def test_export_and_import_on_the_command_line(archive_root, tmp_path, run_cli):
    assert run_cli(archive_root, "build").exit_code == 0
    dump = tmp_path / "dump.json"
    assert run_cli(archive_root, "export", str(dump)).exit_code == 0
    target = tmp_path / "target"
    (target / "documents").mkdir(parents=True)
    imported = run_cli(target, "import", str(dump))
    assert imported.exit_code == 0, imported.output
    assert "Imported" in imported.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"archive serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered at {url}")


def test_serve_builds_and_serves_every_shipped_document(archive_root):
    port = _free_port()
    archive = Path(sys.executable).parent / "archive"
    command = [str(archive)] if archive.exists() else [sys.executable, "-m", "webapp.cli"]
    env = {**os.environ, "ARCHIVE_ROOT": str(archive_root)}
    env.pop("ARCHIVE_DATABASE_URL", None)
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert b"Latest additions" in _wait_for(base + "/", process)
        for path in sorted((archive_root / "documents").glob("*.md")):
            with urllib.request.urlopen(f"{base}/documents/{path.stem}", timeout=10) as response:
                assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
