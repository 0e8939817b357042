"""What the benchmarks read about processes in /proc and from getrusage (Linux)."""

from __future__ import annotations

import resource
from pathlib import Path


def children(parent: int) -> list[int]:
    """The pids of ``parent``'s child processes (e.g. a gunicorn arbiter's workers)."""
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


def rss_mib(pid: int) -> float:
    """A process's resident memory in MiB (NaN when /proc does not say)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished, waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
