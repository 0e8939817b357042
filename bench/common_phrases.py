"""CPU time of phrases of common words on an existing Whoosh index, and of the search bench's
query groups, for comparing two versions of the code on one shared, noisy machine.

    python bench/common_phrases.py --workdir DIR [--answers FILE]

``DIR`` is a ``bench/search.py --workdir`` corpus whose index is already built (run that first,
with ``--reindex`` after changing the index format). For each phrase: how many documents hold
it, the least CPU time (``time.process_time``, this process only) of five matchings
(``Gatherer.phrase``, after one to warm the caches) and a digest of the answer (each
document's id and count per field), which must not change between two versions of the code;
``--answers`` writes the digests as JSON. Then each group of the bench's 300 queries: p50 / p95
of each query's least CPU and wall time over three rounds of whole searches.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.core import Archive  # noqa: E402
from archive.search import SearchRequest  # noqa: E402
from archive.search.whoosh_index import IndexDirectory  # noqa: E402
from archive.search.whoosh_stems import StemForms  # noqa: E402
from archive.search.whoosh_terms import Gatherer  # noqa: E402

PHRASES = [
    "in the and", "to to it", "of the and", "and the in", "it was in", "one of the",
    "to the and", "was to the", "it was in the", "of the and the", "in the of the and",
    "to be in the of", "the and of the in",
]  # fmt: skip
REQUEST_KEYS = ("q", "org", "kind", "date_from", "date_to")


def phrases(index_dir: Path) -> dict[str, str]:
    ix = IndexDirectory(index_dir).open_current()
    searcher = ix.searcher()
    ids = [fields["id"] for fields in searcher.all_stored_fields()]
    hot: dict = {}
    digests = {}
    for phrase in PHRASES:
        words = phrase.split()
        Gatherer(searcher, StemForms(), [], hot).phrase(words)
        best = float("inf")
        for _ in range(5):
            gatherer = Gatherer(searcher, StemForms(), [], hot)
            started = time.process_time()
            found = gatherer.phrase(words)
            best = min(best, time.process_time() - started)
        answer = json.dumps(sorted((ids[d], counts) for d, counts in found.items()))
        digests[phrase] = hashlib.sha256(answer.encode()).hexdigest()[:12]
        print(f'"{phrase}"{"":{22 - len(phrase)}} {len(found):6} docs  CPU {best * 1000:7.1f} ms'
              f"  answer {digests[phrase]}")  # fmt: skip
    searcher.close()
    ix.close()
    return digests


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def groups(workdir: Path) -> None:
    _docs, queries = pickle.loads((workdir / "corpus.pickle").read_bytes())
    requests = [SearchRequest(**{k: q[k] for k in REQUEST_KEYS if k in q}) for q in queries]
    archive = Archive.open(workdir / "root")
    for request in requests:  # warm: the searcher, the common words' postings
        archive.search.search(request)
    cpu = [float("inf")] * len(requests)
    wall = [float("inf")] * len(requests)
    for _ in range(3):
        for i, request in enumerate(requests):
            started, clock = time.process_time(), time.perf_counter()
            archive.search.search(request)
            cpu[i] = min(cpu[i], time.process_time() - started)
            wall[i] = min(wall[i], time.perf_counter() - clock)
    archive.close()
    print(f"\n{'group':16} {'n':>4}  CPU p50 / p95 ms   wall p50 / p95 ms")
    for group in [*sorted({q["group"] for q in queries}), "all"]:
        picked = [i for i, q in enumerate(queries) if group in ("all", q["group"])]
        c50, c95 = percentiles([cpu[i] for i in picked])
        w50, w95 = percentiles([wall[i] for i in picked])
        print(f"{group:16} {len(picked):4}  {c50:6.1f} / {c95:6.1f}    {w50:6.1f} / {w95:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--answers", type=Path, help="write each phrase's answer digest here")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    digests = phrases(args.workdir / "root" / "index")
    if args.answers:
        args.answers.write_text(json.dumps(digests, indent=0))
    groups(args.workdir)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
