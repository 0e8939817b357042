"""Scale benchmark: builds, search, pages and worker memory at tens of thousands of documents.

Run by hand, never in CI:

    python bench/scale.py --docs 20000 --backend whoosh [--workdir DIR]
    python bench/scale.py --docs 100000 --backend postgres \\
        --database-url 'postgresql+psycopg://root@/NAME?host=/var/run/postgresql'

The corpus and the query mix are bench/search.py's (``search_corpus``: Zipf-distributed words,
EDTF dates of every precision; words, phrases, common-word phrases, filtered queries and
ten-word questions); ``--workdir`` keeps them, and the archive built from them, for the next
run. It prints: the build cold, with nothing changed (the first after a cold build, then a
steady one), and after editing one document (until a search finds the new word); search p50/p95
by kind of query (top 10 with snippets, in process); p50/p95 of a document page, a page of
``/documents`` and of ``/timeline`` (Flask's test client, in process: no HTTP); and the resident
memory of each web worker of ``archive serve`` (gunicorn) after it has served every kind of page.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import corpus, load_corpus, percentiles, print_groups, request_of  # noqa: E402
from search_http import _free_port, wait_for  # noqa: E402

from archive.core import Archive  # noqa: E402
from archive.search import SearchRequest  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def builds(archive: Archive, root: Path, docs, fresh: bool) -> list[tuple[str, float, str]]:
    """Cold (when the database is new), unchanged twice, and one edit until searchable; each
    with this process's CPU seconds and the load average (a shared machine's wall time moves
    with its load; the database server's CPU is in wall time only)."""
    rows = []
    if fresh:
        rows.append(_said("cold", *_timed_build(archive.build)))
    for label in ("nothing changed (first)", "nothing changed"):
        rows.append(_said(label, *_timed_build(archive.build)))
    doc = docs[len(docs) // 2]
    path = root / "documents" / f"{doc.id}.md"
    word = f"zyzzyva{int(time.time())}q"
    path.write_text(path.read_text(encoding="utf-8") + f"\nA {word} appears.\n", "utf-8")

    def until_searchable():
        report = archive.build()
        assert archive.search.search(SearchRequest(q=word)).total == 1
        return report

    rows.append(_said("one edit, until searchable", *_timed_build(until_searchable)))
    return rows


def _timed_build(function) -> tuple[float, str]:
    load, cpu = os.getloadavg()[0], time.process_time()
    seconds, report = timed(function)
    cpu = time.process_time() - cpu
    return seconds, f"{report.summary()}; {cpu:.2f} s CPU, load {load:.1f}"


def _said(label: str, seconds: float, summary: str) -> tuple[str, float, str]:
    """Print a figure as soon as it is known (a long run can be read before it ends)."""
    print(f"  {label}: {seconds:.2f} s ({summary})", flush=True)
    return label, seconds, summary


def search_timings(archive: Archive, queries) -> list[float]:
    archive.search.search(SearchRequest(q="warm"))  # open the searcher, as a server has
    timings = []
    for q in queries:
        seconds, _ = timed(lambda q=q: archive.search.search(request_of(q)))
        timings.append(seconds)
    return timings


def page_timings(archive: Archive, docs, count: int, rng: random.Random) -> dict[str, list]:
    """Document pages, pages of /documents and of /timeline, through the test client."""
    from webapp import create_app

    client = create_app({"TESTING": True}, archive=archive).test_client()
    listed = client.get("/api/v1/documents").get_json()["pages"]
    timeline = client.get("/api/v1/timeline").get_json()["pages"]
    orgs = [o["key"] for o in client.get("/api/v1/organisations").get_json()["organisations"]]
    org_pages = {k: client.get(f"/api/v1/organisations/{k}").get_json()["pages"] for k in orgs}

    def org_page() -> str:
        key = rng.choice(orgs)
        return f"/organisations/{key}?page={rng.randint(1, org_pages[key])}"

    paths = {
        "document page": [f"/documents/{rng.choice(docs).id}" for _ in range(count)],
        "/documents?page=N": [f"/documents?page={rng.randint(1, listed)}" for _ in range(count)],
        "/timeline?page=N": [f"/timeline?page={rng.randint(1, timeline)}" for _ in range(count)],
        "/organisations/K?page=N": [org_page() for _ in range(count // 4)],
        "/ (front page)": ["/"] * (count // 10),
    }
    timings = {}
    for label, chosen in paths.items():
        client.get(chosen[0])  # warm
        samples = []
        for path in chosen:
            seconds, response = timed(lambda path=path: client.get(path))
            assert response.status_code == 200, (path, response.status_code)
            samples.append(seconds)
        timings[label] = samples
        p50, p95 = percentiles(samples)
        print(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    return timings


def worker_memory(root: Path, env: dict, workers: int, docs, queries) -> list[float]:
    """RSS (MiB) of each gunicorn worker of ``archive serve`` after serving every page kind."""
    port = _free_port()
    command = [sys.executable, "-m", "webapp.cli", "--root", str(root), "serve",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(command, env=env, **quiet)
    try:
        wait_for(port, server, "/")
        import http.client
        from urllib.parse import quote

        paths = ["/", "/documents", "/timeline", "/documents?page=3", "/timeline?page=3"]
        paths += ["/organisations"] + [f"/organisations/{k}" for k in sorted({d.org for d in docs})]
        paths += [f"/documents/{d.id}" for d in docs[:50]]
        paths += [f"/search?q={quote(q['q'])}" for q in queries[:100]]
        failed = 0
        for _ in range(2):  # every worker should see some of each
            for path in paths:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                try:
                    connection.request("GET", path)
                    connection.getresponse().read()
                except OSError:
                    failed += 1
                finally:
                    connection.close()
        if failed:
            print(f"  {failed} of {2 * len(paths)} requests failed", flush=True)
        return [_rss_mib(pid) for pid in _children(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=60)


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def report(rows, queries, timings, pages, memory) -> None:
    print(f"\n{'build':28} {'seconds':>9}  report")
    for label, seconds, summary in rows:
        print(f"{label:28} {seconds:9.2f}  {summary}")
    print_groups(queries, [{"name": "search (ms)", "timings": timings}])
    print(f"\n{'page':22} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for label, samples in pages.items():
        p50, p95 = percentiles(samples)
        print(f"{label:22} {len(samples):5} {p50:8.1f} {p95:8.1f}")
    listed = ", ".join(f"{m:.0f}" for m in memory)
    print(f"\nweb worker RSS after serving (MiB): {listed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", default=None, help="PostgreSQL for --backend postgres")
    parser.add_argument("--workdir", type=Path, help="keep corpus and archive here; reuse them")
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--pages", type=int, default=200, help="requests per kind of page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20200301)
    args = parser.parse_args()
    if args.backend == "postgres" and not args.database_url:
        parser.error("--backend postgres needs --database-url (a database of its own)")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    reuse = (workdir / "corpus.pickle").exists()
    seconds, (docs, queries) = timed(
        lambda: load_corpus(workdir) if reuse else corpus(workdir, args)
    )
    print(f"{len(docs)} documents, {len(queries)} queries ({seconds:.0f} s; {workdir})", flush=True)
    env = {**os.environ, "ARCHIVE_SEARCH_BACKEND": args.backend, "PYTHONPATH": str(PROJECT)}
    if args.database_url:
        env["ARCHIVE_DATABASE_URL"] = args.database_url
    root = workdir / "root"
    overrides = {"search_backend": args.backend}
    if args.database_url:
        overrides["database_url"] = args.database_url
    archive = Archive.open(root, **overrides)
    fresh = not (root / "documents" / "ledger").is_dir()
    try:
        rows = builds(archive, root, docs, fresh)
        timings = search_timings(archive, queries)
        print_groups(queries, [{"name": "search (ms)", "timings": timings}])
        pages = page_timings(archive, docs, args.pages, random.Random(args.seed))
    finally:
        archive.close()
    memory = worker_memory(root, env, args.workers, docs, queries)
    report(rows, queries, timings, pages, memory)


if __name__ == "__main__":
    main()
