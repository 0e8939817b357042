"""Time the Whoosh index's full rebuild alone, for A/B runs of two versions of the code.

    python bench/whoosh_rebuild.py --workdir DIR [--rounds N]
    PYTHONPATH=/path/to/other/checkout python bench/whoosh_rebuild.py --workdir DIR2

``DIR`` is a ``bench/search.py --workdir`` corpus (its ``root/`` built once by that bench). Each
round is one ``archive.search.rebuild()``: reading the records from the database, analysis,
and the writer processes. It prints the wall time, the CPU time of this process and of its
writer processes (``time.process_time`` and ``RUSAGE_CHILDREN``), documents per second and per
CPU-second, the index size and the load average. On a shared machine the host's speed changes
from minute to minute, so compare two versions of the code by alternating them in the same
minutes, each on its own copy of the workdir, and not against figures taken earlier.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import archive
from archive.core import Archive


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    root = args.workdir / "root"
    store = Archive.open(root)
    try:
        store.build()  # nothing to do on a built workdir; not timed
        docs = _documents(store)
        print(f"code: {Path(archive.__file__).parent}")
        for _ in range(args.rounds):
            load = os.getloadavg()[0]
            started, cpu, kids = time.perf_counter(), time.process_time(), children_cpu()
            store.search.rebuild()
            wall = time.perf_counter() - started
            own, child = time.process_time() - cpu, children_cpu() - kids
            size = sum(p.stat().st_size for p in (root / "index").rglob("*") if p.is_file())
            print(
                f"{docs} docs: wall {wall:.1f} s, {docs / wall:.0f} docs/s; CPU {own:.1f} s"
                f" + writers {child:.1f} s = {docs / (own + child):.0f} docs per CPU-second;"
                f" index {size / 2**20:.1f} MiB; load {load:.2f} -> {os.getloadavg()[0]:.2f}"
            )
    finally:
        store.close()


def _documents(store: Archive) -> int:
    from sqlalchemy import func, select

    from archive.models import Document

    with store.session() as session:
        query = select(func.count()).select_from(Document).where(Document.withdrawn_at.is_(None))
        return session.scalar(query)


if __name__ == "__main__":
    main()
