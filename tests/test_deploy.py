"""The example deployment in ``deploy/``: its settings are ones the archive reads, and its web
server command, run as the systemd unit runs it, serves pages and search from PostgreSQL alone
(an empty archive root: a web machine keeps no files)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .conftest import PROJECT, _free_port

DEPLOY = PROJECT / "deploy"
SETTINGS = set(re.findall(r"ARCHIVE_[A-Z_]+", (PROJECT / "archive" / "config.py").read_text()))


def _unit_setting(unit: str, key: str) -> str:
    """A systemd setting, its continuation lines joined."""
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8").replace("\\\n", " ")
    return next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "="))


def _environment_file() -> dict[str, str]:
    lines = (DEPLOY / "systemd" / "archive.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_every_setting_the_examples_give_is_one_the_archive_reads():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert {"db", "web", "build", "proxy"} <= set(compose["services"])
    named = set(compose["x-archive-env"]) | set(_environment_file())
    named |= {"ARCHIVE_ROOT"}  # read by load_config too, and named in the units
    named -= {"FORWARDED_ALLOW_IPS"}  # gunicorn's own (the next test)
    assert named <= SETTINGS | {"ARCHIVE_ROOT"}, named - SETTINGS
    assert compose["x-archive-env"]["ARCHIVE_SEARCH_BACKEND"] == "postgres"
    assert _environment_file()["ARCHIVE_SEARCH_BACKEND"] == "postgres"
    assert "ARCHIVE_READ_DATABASE_URL" in SETTINGS
    assert _unit_setting("archive-build.service", "ExecStart").endswith("archive build")


def test_gunicorn_reads_the_proxy_address_from_the_environment_file():
    """archive.env's FORWARDED_ALLOW_IPS is gunicorn's: the addresses whose X-Forwarded-Proto
    it trusts (the unit's command names none, so the file's applies). gunicorn reads it when
    it starts, so a new process checks it."""
    assert "--forwarded-allow-ips" not in _unit_setting("archive-web.service", "ExecStart")
    env = {**os.environ, "FORWARDED_ALLOW_IPS": _environment_file()["FORWARDED_ALLOW_IPS"]}
    read = "from gunicorn.config import Config; print(Config().forwarded_allow_ips)"
    answer = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True)
    assert answer.stdout.strip() == "['10.0.0.10']", answer.stderr


def test_the_proxies_reach_the_web_servers_where_they_listen():
    """nginx's upstreams are other machines, so the web unit listens beyond loopback, on their
    port; Caddy asks Docker's DNS for every replica of compose's ``web`` on the image's port,
    and sends no active health check (its Host header would be the replica's address, which
    the archive refuses unless ARCHIVE_TRUSTED_HOSTS names it)."""
    bind = shlex.split(_unit_setting("archive-web.service", "ExecStart"))
    host, port = bind[bind.index("--bind") + 1].rsplit(":", 1)
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstreams = re.findall(r"^\s*server\s+([\d.]+):(\d+)", nginx, re.MULTILINE)
    assert len(upstreams) >= 2 and {p for _, p in upstreams} == {port}
    assert not any(address.startswith("127.") for address, _ in upstreams)
    assert host == "0.0.0.0"
    assert re.search(r"^\s*listen 443 ssl http2;", nginx, re.MULTILINE)  # nginx 1.22 and on
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    docker = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    caddy = "\n".join(line.split("#")[0] for line in caddy.splitlines())
    image_port = re.search(r'"--bind", "0\.0\.0\.0:(\d+)"', docker).group(1)
    assert re.search(rf"^\s*dynamic a web {image_port}\b", caddy, re.MULTILINE)
    assert "web" in compose["services"] and "health_uri" not in caddy


def _tool(name: str) -> str:
    """A proxy's binary, or a skip where it is not installed (``.ci/run`` installs both, as
    ``nginx-light`` and ``caddy`` from Debian's packages)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        pytest.skip(f"{name} is not installed (apt-get install nginx-light caddy)")
    return found


def test_nginx_accepts_the_snippet(tmp_path):
    """``nginx -t`` on deploy/nginx.conf as written, inside a minimal main configuration; only
    the certificate paths point at a throwaway certificate."""
    nginx, openssl = _tool("nginx"), _tool("openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=archive.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    live = "/etc/letsencrypt/live/archive.example.org/"
    assert live + "fullchain.pem" in site and live + "privkey.pem" in site
    site = site.replace(live + "fullchain.pem", str(cert)).replace(live + "privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run([nginx, "-t", "-c", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_caddy_accepts_the_caddyfile(tmp_path):
    caddy = _tool("caddy")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    command = [caddy, "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-2000:]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _start_web_unit(
    env: dict, cwd: Path, workers: int | None = None
) -> tuple[subprocess.Popen, int]:
    """archive-web.service's ExecStart, with this Python's gunicorn and a free port (and
    ``workers`` workers instead of the unit's, when given)."""
    port = _free_port()
    command = shlex.split(_unit_setting("archive-web.service", "ExecStart"))
    assert command[0].endswith("/gunicorn")
    command = [sys.executable, "-m", "gunicorn", *command[1:]]
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    if workers is not None:
        command[command.index("--workers") + 1] = str(workers)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    process = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True, **quiet)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn exited with {process.returncode}"
        try:
            if _get(port, "/")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the web unit's command did not answer within 60 s")


@pytest.mark.postgres
def test_the_web_unit_serves_from_postgresql_with_no_files(
    archive_root, postgres_url, make_archive, tmp_path
):
    assert not make_archive(archive_root, postgres_url).build().problems
    empty = tmp_path / "web-machine"
    empty.mkdir()
    env = {**os.environ, **_environment_file(), "ARCHIVE_ROOT": str(empty)}
    env.update(ARCHIVE_DATABASE_URL=postgres_url, ARCHIVE_READ_DATABASE_URL="")
    env.update(ARCHIVE_BASE_URL="", ARCHIVE_TRUSTED_HOSTS="", PYTHONPATH=str(PROJECT))
    process, port = _start_web_unit(env, empty)
    try:
        status, body = _get(port, "/api/v1/search?q=inquiry")
        assert status == 200 and json.loads(body)["total"] > 0
        assert _get(port, "/documents")[0] == 200
        assert _get(port, "/timeline")[0] == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert sorted(p.name for p in empty.iterdir()) == []  # nothing written on the web machine
