"""One edit until searchable with ``archive build --watch`` running (issue 13, item 3: ≤ 1 s).

Run by hand (not in CI), on a built COPY of an archive (never this repository's documents/;
it appends words to documents):

    cp -a /tmp/final/w20k/root /tmp/mine/root
    python bench/watch.py --root /tmp/mine/root [--database-url URL] [--edits 20]

(with ``ARCHIVE_SEARCH_BACKEND=postgres`` for PostgreSQL's search, as the deployment sets it).

It starts ``archive build --watch`` on the root and waits for its "Watching" line (after its
first, full build). Then, one at a time, it appends a new word to a document (a fixed sample,
spread over the corpus) and times, from the moment the file is closed until a search in this
process (one ``Archive`` kept open, as a web server keeps it) finds the word, polling every
10 ms; it waits for the watcher's line for that batch before the next edit. Prints p50/p95/max
of that latency, the watcher's own build seconds per batch (from its lines), the watcher's CPU
seconds (from /proc) and this process's, and the load average before and after, since the
machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from archive.core import Archive
from archive.search import SearchRequest

PROJECT = Path(__file__).resolve().parent.parent
POLL = 0.01


def _word() -> str:
    return "zw" + uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))


def _cpu_of(pid: int) -> float:
    """utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    root = args.root.resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE_ROOT", "ARCHIVE_DATABASE_URL")}
    env.update(ARCHIVE_ROOT=str(root), PYTHONUNBUFFERED="1")
    if args.database_url:
        env["ARCHIVE_DATABASE_URL"] = args.database_url
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT), env.get("PYTHONPATH", "")])

    lines: queue.Queue[str] = queue.Queue()
    started = time.perf_counter()
    watcher = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main(prog_name='archive')"]
        + ["build", "--watch"],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reader = threading.Thread(target=lambda: [lines.put(x.rstrip()) for x in watcher.stdout])
    reader.start()

    def next_line(containing: str, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if containing in line:
                return line
            print(f"  (watcher: {line})")

    first = next_line("full build (the first build)")
    next_line("Watching ")
    print(f"watcher ready after {time.perf_counter() - started:.1f} s; {first}")

    archive = Archive.open(
        root, **({"database_url": args.database_url} if args.database_url else {})
    )
    archive.search.search(SearchRequest(q="inquiry"))  # open the index, as a server has
    files = sorted((root / "documents").glob("*.md"))
    picked = random.Random(13).sample(files, min(args.edits, len(files)))
    load_before = os.getloadavg()
    watcher_cpu, own_cpu = _cpu_of(watcher.pid), time.process_time()
    latencies, builds = [], []
    for path in picked:
        word = _word()
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{text}\n\nEdited for the bench: {word}.\n", encoding="utf-8")
        written = time.perf_counter()
        while not archive.search.search(SearchRequest(q=word)).hits:
            if time.perf_counter() - written > 60:
                raise SystemExit(f"{word} not found within 60 s")
            time.sleep(POLL)
        latencies.append(time.perf_counter() - written)
        display = path.relative_to(root).as_posix()
        line = next_line(f"{display}: Build:")
        builds.append(float(line.rsplit("(", 1)[1].split(" s")[0]))
        print(f"  {latencies[-1]:.3f} s  {line}")
    watcher_cpu = _cpu_of(watcher.pid) - watcher_cpu
    own_cpu = time.process_time() - own_cpu
    load_after = os.getloadavg()
    watcher.send_signal(signal.SIGTERM)
    code = watcher.wait(timeout=60)
    reader.join()
    archive.close()

    n = len(latencies)
    print(
        f"edits: {n}; written -> found in another process: p50 {statistics.median(latencies):.3f}"
        f" s, p95 {_percentile(latencies, 0.95):.3f} s, max {max(latencies):.3f} s"
    )
    print(
        f"the watcher's build per batch: p50 {statistics.median(builds):.3f} s,"
        f" p95 {_percentile(builds, 0.95):.3f} s; its CPU {watcher_cpu / n:.3f} s an edit;"
        f" this process's CPU (polling every {POLL * 1000:.0f} ms) {own_cpu / n:.3f} s an edit"
    )
    print(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f},"
        f" after {load_after[0]:.2f} {load_after[1]:.2f}; watcher exit status {code}"
    )


if __name__ == "__main__":
    main()
