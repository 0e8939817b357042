"""A temporary archive holding the shipped corpus and synthetic hearing transcripts (generated
at test time from bench/transcript_corpus.py; nothing is added to ``documents/``)."""

from __future__ import annotations

from pathlib import Path

from archive.core import Archive
from bench.transcript_corpus import transcript_document
from tests.conftest import SHIPPED_DOCUMENTS, copy_corpus

LONG_ID = "tx-day-0011"  # about 60,000 words, ten parts
SHORT_ID = "tx-short-hearing"  # a few turns: one part, speakers marked
SHORT_BODY = (
    "THE CHAIR: Good morning. We begin with the panel's evidence.\n\n"
    "(10.00 am)\n\n"
    "MS O’HARA-SMITH: Thank you, chair. Q. Did the board meet twice?\n\n"
    "THE WITNESS: It met *twice*, in the spring.\n"
)


def write_transcripts(documents: Path) -> None:
    (documents / f"{LONG_ID}.md").write_text(
        transcript_document(LONG_ID, 11, 60_000, seed=11), encoding="utf-8"
    )
    short = transcript_document(SHORT_ID, 3, 0, body=SHORT_BODY)
    (documents / f"{SHORT_ID}.md").write_text(short, encoding="utf-8")


def transcript_archive(root: Path) -> Archive:
    copy_corpus(SHIPPED_DOCUMENTS, root)
    write_transcripts(root / "documents")
    archive = Archive.open(root)
    report = archive.build()
    assert not report.problems, report.problems
    return archive
