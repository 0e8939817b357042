"""What a parsed query asks of every backend: the words that count, and what must hold strictly.

The plain words of a query (and ``a OR b`` groups of them) are *soft* clauses: a document
should have all of them, and when no document has them all, the documents that have most of
them are shown instead, ranked, each with the words it lacks. A question (a query with stop
words, so asked in words rather than keywords) with fewer than ``FILL_BELOW`` documents having
every word gets those with most of them too, ranked together with them. Exact phrases,
exclusions and field filters are *hard*: they always hold.

Stop words ("when", "were", "the", "and", "why"…) are left out of a query that has other
words, so they neither decide the ranking nor make a question find nothing; inside a
``"phrase"`` they count. A query made only of stop words searches them as typed. The list is
the Snowball English stop list, the one PostgreSQL's ``english`` configuration uses, so both
backends leave out the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .querylang import AnyOf, Filter, Not, ParsedQuery, Phrase, Word

_STOP = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself "
    "she her hers herself it its itself they them their theirs themselves what which who whom "
    "this that these those am is are was were be been being have has had having do does did "
    "doing a an the and but if or because as until while of at by for with about against "
    "between into through during before after above below to from up down in out on off over "
    "under again further then once here there when where why how all any both each few more "
    "most other some such no nor not only own same so than too very s t can will just don "
    "should now"
)
STOP_WORDS = frozenset(_STOP.split())
# The hundred most frequent English words (Brown corpus) beside the stop words. Each adjacent
# pair of them is indexed as one token, so a phrase of two common words ("the was", "is the")
# is answered from the index, and a longer one is checked only where all its pairs are, instead
# of in thousands of documents. Runs of three are indexed too (Whoosh's ``runs`` field,
# PostgreSQL's ``pairs``), so a phrase of three is one lookup. (Pairing every word with a
# common neighbour, as Lucene's CommonGrams does, made the Whoosh index 328 MiB.)
_FREQUENT = (
    "one would said could time two may first like man even made also many must back years "
    "much way well new people"
)
COMMON_WORDS = STOP_WORDS | frozenset(_FREQUENT.split())


def common_grams(words: list[str]) -> list[str]:
    """The adjacent pairs of common words in ``words`` (folded), each indexed as one token:
    "in the and" gives "in the" and "the and"."""
    return [
        f"{a} {b}"
        for a, b in zip(words, words[1:], strict=False)
        if a in COMMON_WORDS and b in COMMON_WORDS
    ]


FILL_BELOW = 10  # a question with fewer documents having every word also gets those with most
NO_DOCUMENT_HAS_ALL = "No document has all your words; these have most of them."


@dataclass(frozen=True)
class Soft:
    """One clause that counts toward "most of the words": a word, a prefix or an OR group."""

    label: str  # as the user typed it, for "Missing: …"
    nodes: tuple  # Word | Phrase alternatives; any one satisfies the clause


@dataclass
class Plan:
    soft: list[Soft] = field(default_factory=list)
    hard: list = field(default_factory=list)  # Phrase | Filter | AnyOf nodes that must hold
    negative: list = field(default_factory=list)  # nodes no result may match
    left_out: list[str] = field(default_factory=list)  # stop words not searched

    @property
    def is_empty(self) -> bool:
        return not (self.soft or self.hard or self.negative)

    @property
    def may_relax(self) -> bool:
        """Whether documents lacking some words may be shown: with two soft clauses or more,
        or one beside a phrase or filter (which alone then selects)."""
        return len(self.soft) >= 2 or bool(self.soft and self.hard)

    @property
    def is_question(self) -> bool:
        """Asked in words, not keywords: it had stop words to leave out."""
        return bool(self.left_out)

    def scored_words(self) -> list[Word | Phrase]:
        """Every positive word or phrase, for ranking and snippets."""
        found: list = []
        for soft in self.soft:
            found.extend(soft.nodes)
        for node in self.hard:
            nodes = node.nodes if isinstance(node, AnyOf) else (node,)
            found.extend(n for n in nodes if isinstance(n, Word | Phrase))
        return found


def _label(node) -> str:
    if isinstance(node, AnyOf):
        return " OR ".join(_label(n) for n in node.nodes)
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    return node.text + ("*" if node.prefix else "")


def _is_stop(node) -> bool:
    return isinstance(node, Word) and not node.prefix and node.text.lower() in STOP_WORDS


def make_plan(parsed: ParsedQuery) -> Plan:
    """Sort the clauses of a parsed query into soft, hard and negative ones."""
    plan = Plan()
    soft_nodes = []
    for clause in parsed.clauses:
        if isinstance(clause, Not):
            plan.negative.append(clause.node)
        elif isinstance(clause, Word) or (
            isinstance(clause, AnyOf) and not any(isinstance(n, Filter) for n in clause.nodes)
        ):
            soft_nodes.append(clause)
        else:
            plan.hard.append(clause)
    if any(not _is_stop(n) for n in soft_nodes):
        plan.left_out = [n.text for n in soft_nodes if _is_stop(n)]
        soft_nodes = [n for n in soft_nodes if not _is_stop(n)]
    seen = set()
    for node in soft_nodes:
        label = _label(node)
        if label.lower() in seen:
            continue
        seen.add(label.lower())
        nodes = node.nodes if isinstance(node, AnyOf) else (node,)
        plan.soft.append(Soft(label, tuple(nodes)))
    return plan


def only_some_have_all(count: int) -> str:
    verb, noun = ("has", "document") if count == 1 else ("have", "documents")
    return f"Only {count} {noun} {verb} all your words; the others have most of them."


def relaxed_notice(strict: int, relaxed: int) -> str | None:
    """The notice for results that lack some of the words, if any are shown."""
    if not relaxed:
        return None
    return NO_DOCUMENT_HAS_ALL if not strict else only_some_have_all(strict)


def should_relax(plan: Plan, strict: int, allowed: bool = True) -> bool:
    """Whether to show the documents with most of the words: when none has them all, or, for
    a question, when fewer than a page have."""
    if not (allowed and plan.may_relax):
        return False
    return strict == 0 or (plan.is_question and strict < FILL_BELOW)
