"""A synthetic English corpus for bench/search.py: Zipf-distributed words, EDTF dates of every
precision, six organisations, five kinds; and a mix of queries over it."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from archive.dates import parse_date


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION = _words(
    "the of and to a in that is was he for it with as his on be at by i this had not are but "
    "from or have an they which one you were her all she there would their we him been has "
    "when who will more no if out so said what up its about into than them can only other new "
    "some could time these two may then do first any my now such like our over man me even "
    "most made after also did many before must through back years where much your way well"
)
TOPIC = _words(
    "inquiry statement council police children exploitation network hearing evidence report "
    "review safeguarding victims survivors response agency public institution failure lesson "
    "county national figures recorded offence grooming online protect priority partner team "
    "investigation panel chair witness record annual data authority concern service support "
    "abuse sexual organised lancashire home office minister department education social care "
    "court trial prosecution charity family school teacher officer detective council's leave "
    "stone unturned truth expose wrong learn future accountability independent"
)
SYLLABLES = _words(
    "ba be bi bo bu ca co cu da de di do fa fe fi ga go la le li lo lu ma me mi mo "
    "na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi"
)
SUFFIXES = ["", "", "", "s", "ed", "ing", "er", "tion", "ly", "ment"]
PROJECT = Path(__file__).resolve().parent.parent
ORGS = ["home-office", "iicsa", "nspcc", "lancashire-police", "lancashire-county-council",
        "lancashire-telegraph"]  # fmt: skip
KINDS = ["statement", "report", "article", "transcript", "event"]


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    body: str
    org: str
    kind: str
    edtf: str
    earliest: str
    latest: str


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = list(dict.fromkeys(FUNCTION + TOPIC))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) + rng.choice(SUFFIXES)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def random_date(rng: random.Random) -> str:
    year = rng.randint(2014, 2022)
    shape = rng.random()
    if shape < 0.6:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if shape < 0.8:
        return f"{year}-{rng.randint(1, 12):02d}" + rng.choice(["", "~"])
    if shape < 0.9:
        return f"{year}-{rng.randint(21, 24)}"
    return str(year)


def _new_corpus(root: Path, rng: random.Random) -> tuple[Path, list[str], list[float]]:
    """A new ``root/documents`` with the shipped organisations, and a Zipf vocabulary with its
    cumulative weights (for ``rng.choices``)."""
    directory = root / "documents"
    directory.mkdir(parents=True)
    (directory / "organisations.yaml").write_bytes(
        (PROJECT / "documents" / "organisations.yaml").read_bytes()
    )
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(vocab))))
    return directory, vocab, weights


def make_corpus(root: Path, count: int, words: int, rng: random.Random) -> list[Doc]:
    """Write ``count`` documents into ``root/documents`` and return them."""
    directory, vocab, weights = _new_corpus(root, rng)
    docs = []
    for n in range(count):
        tokens = rng.choices(vocab, cum_weights=weights, k=words)
        cut = sorted(rng.sample(range(20, words - 20), 4))
        paragraphs = [" ".join(tokens[a:b]) for a, b in zip([0, *cut], [*cut, words], strict=True)]
        body = "\n\n".join(p[0].upper() + p[1:] + "." for p in paragraphs)
        title = " ".join(rng.choices(vocab[100:3000], k=rng.randint(3, 7))).capitalize()
        edtf, org, kind = random_date(rng), rng.choice(ORGS), rng.choice(KINDS)
        date = parse_date(edtf)
        doc = Doc(f"synthetic-{n:06d}", title, body, org, kind, edtf,
                  date.earliest.isoformat(), date.latest.isoformat())  # fmt: skip
        _write(directory, doc)
        docs.append(doc)
    return docs


def _write(directory: Path, doc: Doc) -> None:
    (directory / f"{doc.id}.md").write_text(
        f"---\nid: {doc.id}\ntitle: {doc.title}\nkind: {doc.kind}\norganisations: [{doc.org}]\n"
        f'date: "{doc.edtf}"\nsource:\n  title: Synthetic source\n  publisher: Benchmark\n'
        f"tags: [benchmark]\n---\n{doc.body}\n",
        encoding="utf-8",
    )


QUESTION_WORDS = _words("what when who why how where which did were was is the of in to about")


def make_questions(docs: list[Doc], count: int, rng: random.Random, words: int = 10) -> list[dict]:
    """Ten-word questions as people type them: about half question and function words, half
    words of one document (the one the question is about, ``target``)."""
    questions = []
    function = set(FUNCTION)
    for _ in range(count):
        doc = rng.choice(docs)
        own = [w for w in dict.fromkeys(doc.body.lower().replace(".", "").split())
               if w not in function]  # fmt: skip
        content = rng.sample(own, min(len(own), words // 2))
        glue = [rng.choice(QUESTION_WORDS[:7])] + rng.sample(QUESTION_WORDS[7:], words // 2 - 1)
        middle = content + glue[1:]
        rng.shuffle(middle)
        questions.append({"q": " ".join([glue[0], *middle]), "group": "question",
                          "target": doc.id})  # fmt: skip
    return questions


def make_queries(docs: list[Doc], count: int, rng: random.Random) -> list[dict]:
    """A mix like real use: 40% 1–3 words, 20% phrases, 20% org-filtered, 20% date-filtered."""
    middle = sorted({w for d in docs[:200] for w in d.body.lower().replace(".", "").split()})
    common = [w for w in middle if len(w) > 3]
    queries = []
    for n in range(count):
        share = n % 5
        if share in (0, 1):
            queries.append({"q": " ".join(rng.sample(common, rng.randint(1, 3))), "group": "words"})
        elif share == 2:
            words = rng.choice(docs).body.replace(".", "").lower().split()
            start = rng.randrange(len(words) - 3)
            phrase = words[start : start + rng.randint(2, 3)]
            group = "common phrase" if set(phrase) <= set(FUNCTION) else "phrase"
            queries.append({"q": '"' + " ".join(phrase) + '"', "group": group})
        elif share == 3:
            queries.append({"q": rng.choice(common), "org": rng.choice(ORGS), "group": "filtered"})
        else:
            start = dt.date(rng.randint(2014, 2021), rng.randint(1, 12), 1)
            queries.append({"q": rng.choice(common), "date_from": start,
                            "date_to": start + dt.timedelta(days=180),
                            "group": "filtered"})  # fmt: skip
    return queries


# -- a judged collection for bench/relevance.py -----------------------------------------------


def _stem(rng: random.Random, taken: set[str]) -> str:
    while True:
        stem = "".join(rng.choices(SYLLABLES, k=3))
        if stem not in taken:
            taken.add(stem)
            return stem


def _text(rng, size: int, topic: list[str], rate: float, background) -> list[str]:
    vocab, weights = background
    words = rng.choices(vocab, cum_weights=weights, k=size)
    return [rng.choice(topic) + rng.choice(SUFFIXES) if rng.random() < rate else w for w in words]


def _judged_doc(rng, n: int, title: list[str], body: list[str]) -> Doc:
    edtf = random_date(rng)
    date = parse_date(edtf)
    text = " ".join(body)
    return Doc(f"judged-{n:05d}", " ".join(title).capitalize(), text[0].upper() + text[1:] + ".",
               rng.choice(ORGS), rng.choice(KINDS), edtf, date.earliest.isoformat(),
               date.latest.isoformat())  # fmt: skip


def make_judged(root: Path, topics: int, background: int, rng: random.Random):
    """A collection whose relevant documents are known by construction, and its questions.

    Each topic has ten word stems (two shared with other topics). Two to four documents per
    topic are mostly about it (grade 2: one word in eight from the topic, two in the title),
    three to six touch on it (grade 1: one in twenty-five, from half its stems); the rest are
    background English (Zipf), a third of them with a few words of some topic (confusers).
    Documents are 50–400 words. A question asks about a topic in its own words, as in the
    classic test collections: three to six of its stems with any suffix, one to three general
    words that many documents have, sometimes a word no document has, and question and
    function words ("what", "were", "the" …)."""
    directory, vocab, weights = _new_corpus(root, rng)
    taken = set(vocab)
    shared = [_stem(rng, taken) for _ in range(topics)]
    stems = [[_stem(rng, taken) for _ in range(8)] + rng.sample(shared, 2) for _ in range(topics)]
    docs, questions = [], []
    for topic in stems:
        relevant = {}
        for grade, count, rate, share in ((2, rng.randint(2, 4), 1 / 8, 1.0),
                                          (1, rng.randint(3, 6), 1 / 25, 0.5)):  # fmt: skip
            for _ in range(count):
                own = rng.sample(topic, max(1, int(len(topic) * share)))
                title = _text(rng, rng.randint(3, 7), own, 0.0, (vocab, weights))
                title[: 2 if grade == 2 else 1] = [
                    rng.choice(own) + rng.choice(SUFFIXES) for _ in range(2 if grade == 2 else 1)
                ]
                body = _text(rng, rng.randint(50, 400), own, rate, (vocab, weights))
                docs.append(_judged_doc(rng, len(docs), title, body))
                relevant[docs[-1].id] = grade
        questions.append({"q": _question(rng, topic, vocab[150:2000]), "relevant": relevant})
    for _ in range(background):
        topic = rng.choice(stems) if rng.random() < 1 / 3 else []
        title = _text(rng, rng.randint(3, 7), topic, 0.0, (vocab, weights))
        body = _text(rng, rng.randint(50, 400), topic, 0.01 if topic else 0.0, (vocab, weights))
        docs.append(_judged_doc(rng, len(docs), title, body))
    for doc in docs:
        _write(directory, doc)
    return docs, questions


def _question(rng: random.Random, topic: list[str], general: list[str]) -> str:
    content = [s + rng.choice(SUFFIXES) for s in rng.sample(topic, rng.randint(3, 6))]
    content += rng.sample(general, rng.randint(1, 3))  # words many documents have
    if rng.random() < 0.3:
        content.append("".join(rng.choices(SYLLABLES, k=5)))  # a word no document has
    glue = rng.sample(QUESTION_WORDS[7:], rng.randint(2, 5))
    middle = content + glue
    rng.shuffle(middle)
    return " ".join([rng.choice(QUESTION_WORDS[:7]), *middle])
