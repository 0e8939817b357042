"""The words of the About and Editorial policy pages (their JSON twins return the same)."""

from __future__ import annotations

ABOUT = [
    {
        "id": "what",
        "heading": "What the archive holds",
        "paragraphs": [
            "Public statements, reports, news articles and events about the Independent Inquiry"
            " into Child Sexual Abuse's investigation into child sexual exploitation by organised"
            " networks: what the Home Office, Lancashire's police and county council, and the"
            " NSPCC said about it, and what happened, on a timeline to the public hearings"
            " planned for spring 2020.",
        ],
    },
    {
        "id": "why",
        "heading": "Why",
        "paragraphs": [
            "So that what each body said, and when, can be read in its own words, checked"
            " against its source and cited by a link that shows the same words for as long as"
            " the archive exists.",
        ],
    },
    {
        "id": "how",
        "heading": "How it keeps them",
        "paragraphs": [
            "Every version of every document is kept. A version's address never changes, and a"
            " quote permalink always shows exactly the words it was made for, with their"
            " standing in the current version. Each version is identified by a SHA-256 hash"
            " recorded in a ledger that is published with the documents.",
            "Each document names its source and, where the archive has recorded its address,"
            " links to it and to the Internet Archive's captures of that address.",
        ],
    },
    {
        "id": "care",
        "heading": "A note on the subject",
        "paragraphs": [
            "The subject is child sexual abuse and exploitation. The archive quotes public"
            " statements and records events; it holds no names or identifying details of"
            " victims or survivors.",
        ],
    },
]

POLICY = [
    {
        "id": "verbatim",
        "heading": "Words are kept as the source printed them",
        "paragraphs": [
            "A statement's text is verbatim from its source. Where a source quoted only some of"
            " a speaker's words, the archive keeps only those words; the sentence around them is"
            " the source's, and any editorial note says so in the archive's own words, marked as"
            " such.",
            "Words that a newspaper or other publication reported are attributed to the speaker"
            " and cited as reported in that publication: the archive does not know more of them"
            " than the report gives.",
        ],
    },
    {
        "id": "dates",
        "heading": "Dates are never more precise than the source",
        "paragraphs": [
            "A date is shown as precisely as the source gives it: a day, a month, a season or a"
            " year. “c.” marks an approximate date and “(uncertain)” an uncertain one; citations"
            " mark them as each style guide does. Machine-readable dates (JSON-LD, citation"
            " tags) are ISO 8601 no more precise than that, with the exact EDTF date beside them.",
        ],
    },
    {
        "id": "victims",
        "heading": "No details of victims",
        "paragraphs": [
            "The archive holds no names, images or other identifying details of victims or"
            " survivors. A document that would need them is not archived.",
        ],
    },
    {
        "id": "corrections",
        "heading": "Corrections are new versions",
        "paragraphs": [
            "A correction is made as a new version with a note saying what changed. The earlier"
            " version stays readable at its own address, so a citation of it keeps showing what"
            " it cited. Every correction is listed, newest first, on the corrections page and"
            " in the Atom feed of new and changed documents.",
        ],
    },
    {
        "id": "report-an-error",
        "heading": "Report an error",
        "paragraphs": [
            "Give the address of the page or quote permalink, say what is wrong, and name the"
            " source that shows it. Please include no details of any victim or survivor.",
        ],
    },
]
