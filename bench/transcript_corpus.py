"""Synthetic hearing transcripts: speaker turns of invented words, clearly fake, no real names.

Each transcript is one Markdown document of ``kind: transcript`` with ``hearing_day``, whose
paragraphs are turns (``THE CHAIR: …``, ``MS EXEMPLAR: …``) and now and then a stage direction
(``(11.15 am)``) with no speaker. Used by ``bench/transcripts.py`` and the transcript tests.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

SPEAKERS = ["THE CHAIR", "MS EXEMPLAR", "MR SPECIMEN", "THE WITNESS", "MS PLACEHOLDER"]


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    "fixture sample evidence witness record council policy board meeting review panel agency "
    "referral team officer report minutes question answer document paragraph exhibit page "
    "timeline strategy partnership response concern lesson procedure training audit data the "
    "of and to a in that is was for it with as on be at by this had not are but from or have an "
    "they which we would their been when who will more no if so what about into than can only"
)
FAKE = _words("blorv quandle trenish mivvet skorrel pendax lumbry frastic wembly zorple")
FIRST_DAY = dt.date(2031, 3, 3)  # a date no real hearing had: these are not real transcripts


def turn_text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(FAKE if rng.random() < 0.05 else WORDS) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + rng.choice([".", "?", "."])


def transcript_body(words: int, seed: int = 0) -> str:
    """A body of about ``words`` words: turns of 5–60 words, some stage directions."""
    rng, paragraphs, count = random.Random(seed), [], 0
    while count < words:
        if rng.random() < 0.02:
            paragraphs.append(f"({rng.randint(10, 16)}.{rng.choice(['00', '15', '30'])} am)")
            continue
        size = rng.randint(5, 60)
        paragraphs.append(f"{rng.choice(SPEAKERS)}: {turn_text(rng, size)}")
        count += size + 1
    return "\n\n".join(paragraphs) + "\n"


def transcript_document(
    doc_id: str, day: int, words: int, seed: int = 0, body: str | None = None
) -> str:
    """A whole document file: front matter and ``body`` (by default about ``words`` words)."""
    date = FIRST_DAY + dt.timedelta(days=day - 1)
    return (
        f"---\nid: {doc_id}\ntitle: Synthetic hearing, day {day}\nkind: transcript\n"
        f"organisations: [iicsa]\ndate: '{date.isoformat()}'\nhearing_day: {day}\n"
        "source:\n  title: Synthetic transcript (benchmark fixture)\n"
        "  publisher: Fixture Inquiry\n  via: transcript\n"
        f"tags: [synthetic]\n---\n{body or transcript_body(words, seed)}"
    )


def write_transcripts(folder: Path, count: int, words: int, prefix: str = "tx-day") -> list[str]:
    """Write ``count`` transcripts into ``folder``; return their ids."""
    ids = []
    for day in range(1, count + 1):
        doc_id = f"{prefix}-{day:04d}"
        text = transcript_document(doc_id, day, words, seed=day)
        (folder / f"{doc_id}.md").write_text(text, encoding="utf-8")
        ids.append(doc_id)
    return ids
