"""One edit until searchable with ``archive build PATH`` (issue 13: ≤ 1 s at 100,000 documents).

Run by hand (not in CI), on a built copy of an archive (never this repository's documents/):

    python bench/build_named.py --root DIR [--database-url URL] [--runs 3]

Each run appends a new word to one document (the middle one in path order), then times, from
the build's start until a search finds the word: the build in this process
(``Archive.build_paths``), and the whole command (``archive build PATH`` in a new process,
then the search here). Prints wall time, CPU time (this process's, and the command's own from
``RUSAGE_CHILDREN``) and the load average, since the machine may be shared. If the root has no
full build recorded (``instance/organisations-built.sha256``), one full build is made first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from procs import children_cpu  # noqa: E402

from archive.core import Archive  # noqa: E402
from archive.search import SearchRequest  # noqa: E402


def _word() -> str:
    return "zq" + uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))


def _edit(path: Path) -> str:
    word = _word()
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\n\nEdited for the bench: {word}.\n", encoding="utf-8")
    return word


def _found(archive: Archive, word: str) -> bool:
    return bool(archive.search.search(SearchRequest(q=word)).hits)


def in_process(archive: Archive, path: Path) -> tuple[float, float, float, str]:
    word = _edit(path)
    wall, cpu = time.perf_counter(), time.process_time()
    report = archive.build_paths([path])
    built = time.perf_counter() - wall
    assert _found(archive, word), "the edit is not searchable"
    return time.perf_counter() - wall, time.process_time() - cpu, built, report.summary()


def whole_command(archive: Archive, root: Path, path: Path, env: dict) -> tuple[float, float]:
    word = _edit(path)
    wall, cpu = time.perf_counter(), children_cpu()
    command = [sys.executable, "-m", "archive.cli", "--root", str(root), "build", str(path)]
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    cpu = children_cpu() - cpu
    assert _found(archive, word), "the edit is not searchable"
    return time.perf_counter() - wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, ARCHIVE_ROOT=str(args.root))
    if args.database_url:
        env["ARCHIVE_DATABASE_URL"] = args.database_url
        os.environ["ARCHIVE_DATABASE_URL"] = args.database_url
    archive = Archive.open(args.root)
    if not (archive.config.instance_dir / "organisations-built.sha256").exists():
        start = time.perf_counter()
        archive.build()
        print(f"first, a full build: {time.perf_counter() - start:.1f} s")
    names = sorted(p for p in (archive.config.documents_dir).glob("*.md"))
    path = names[len(names) // 2]
    _found(archive, "warmup")  # the index opened once, as a running server has it
    print(f"{len(names):,} documents; editing {path.name}; backend {archive.search.name}")
    for run in range(args.runs):
        load = os.getloadavg()[0]
        wall, cpu, built, summary = in_process(archive, path)
        print(
            f"run {run + 1} in process: {wall:.3f} s wall until searchable (build {built:.3f} s),"
            f" {cpu:.3f} s CPU; load {load:.2f}; {summary}"
        )
        load = os.getloadavg()[0]
        wall, cpu = whole_command(archive, args.root, path, env)
        print(
            f"run {run + 1} whole command: {wall:.3f} s wall until searchable, {cpu:.3f} s CPU"
            f" (the command's own); load {load:.2f}"
        )
    archive.close()


if __name__ == "__main__":
    main()
