"""Lighthouse 12's four scores for the pages readers land on, against a real ``archive serve``.

Run by hand (not in CI):

    npm ci --prefix bench --no-audit --no-fund --ignore-scripts   # once: Lighthouse 12 (186 MB)
    python bench/lighthouse.py [--preset mobile|desktop] [--port P] [--keep DIR]

Lighthouse lives in ``bench/package.json`` rather than ``tests/browser_assets``, so that CI's
``npm ci`` for the browser tests does not fetch 186 MB it never runs. It drives Debian's
Chromium (``CHROME_PATH=/usr/bin/chromium``, headless, no sandbox as root); it never downloads
a browser. The script builds an archive from a copy of this repository's ``documents/`` in a
temporary root (SQLite + Whoosh), starts ``archive serve`` on 127.0.0.1 in its own process
group, runs Lighthouse on the home page, the timeline, a search with results, a document and a
quote permalink (found through the JSON API), stops the server with SIGINT, and prints the
performance, accessibility, best-practices and SEO scores as a table, with every audit that
cost a point. ``--keep DIR`` keeps each page's JSON report there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import stop  # noqa: E402  (SIGINT to the server's process group, then SIGKILL)
from search_http import _free_port  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = PROJECT / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
HOST = "127.0.0.1"


def _json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 (local)
        return json.load(response)


def start(root: Path, port: int, log: Path) -> subprocess.Popen:
    """``archive serve`` on ``root``, waited for until its home page answers."""
    command = [sys.executable, "-c", "from webapp.cli import main; main()"]
    command += ["--root", str(root), "serve", "--host", HOST, "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"archive serve exited with {process.returncode}; see {log}")
        try:
            _json(f"http://{HOST}:{port}", "/api/v1/")
            return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"archive serve did not answer within 120 s; see {log}")


def pages(base: str) -> dict[str, str]:
    """The pages to score: the home page, the timeline, a search, a document and a quote."""
    documents = _json(base, "/api/v1/documents")["documents"]
    statement = next(d for d in documents if d["kind"] == "statement")
    text = _json(base, f"/api/v1/documents/{statement['id']}/v1")["canonical_text"]
    start_at = len(text) // 4
    return {
        "home": "/",
        "timeline": "/timeline",
        "search": "/search?q=grooming",
        "document": f"/documents/{statement['id']}",
        "quote": f"/documents/{statement['id']}/v1/q/{start_at}-{min(len(text), start_at + 120)}",
    }


def lighthouse(url: str, preset: str, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
    ]  # fmt: skip
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROME})
    return json.loads(out.read_text())


def lost_points(report: dict) -> list[str]:
    """The audits that kept a category under 100, as "category: audit (score)"."""
    lost = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{key}: {audit['title']} ({audit['score']:.2f})")
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep each page's JSON report in this folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(
            "Lighthouse is missing: npm ci --prefix bench --no-audit --no-fund --ignore-scripts"
        )
    if not Path(CHROME).exists():
        sys.exit(f"no Chromium at {CHROME}: apt-get install -y chromium, or set CHROME_PATH")
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as tmp:
        root, out = Path(tmp) / "root", Path(args.keep or tmp)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(PROJECT / "documents", root / "documents")
        port, log = args.port or _free_port(), Path(tmp) / "server.log"
        try:
            server = start(root, port, log)
        except RuntimeError:
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        try:
            base = f"http://{HOST}:{port}"
            rows = {}
            for name, path in pages(base).items():
                print(f"{name}: {path} …", file=sys.stderr, flush=True)
                rows[name] = lighthouse(base + path, args.preset, out / f"{name}.json")
        finally:
            stop(server)
    report(rows, args.preset)


def report(rows: dict[str, dict], preset: str) -> None:
    version = next(iter(rows.values()))["lighthouseVersion"]
    print(f"Lighthouse {version}, {preset}, Chromium at {CHROME}")
    print("| page | performance | accessibility | best practices | SEO |")
    print("|---|---|---|---|---|")
    for name, result in rows.items():
        scores = [round(result["categories"][key]["score"] * 100) for key in CATEGORIES]
        print(f"| {name} | " + " | ".join(str(s) for s in scores) + " |")
    for name, result in rows.items():
        for line in lost_points(result):
            print(f"{name}: {line}")


if __name__ == "__main__":
    main()
