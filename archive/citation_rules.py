"""Style rules about the quoted words themselves, which CSL cannot express.

CSL describes how to cite a source, not how to present the words quoted from it, so the
quotation rules of each style are applied here, explicitly.
"""

from __future__ import annotations

OSCOLA_BLOCK_CHARACTERS = 300  # OSCOLA 1.6.1: "more than three lines" (~ 100 characters a line)
APA_BLOCK_WORDS = 40  # APA 7 §8.27: 40 words or more is a block quotation


def _swap_quotes(text: str, to_single: bool) -> str:
    """Turn the quotation marks inside a quotation into the other kind (quotes within quotes)."""
    pairs = {"“": "‘", "”": "’"} if to_single else {"‘": "“", "’": "”"}
    if not to_single:
        # An apostrophe (a ’ between letters) is not a quotation mark: keep it.
        chars = list(text)
        for i, char in enumerate(chars):
            between_letters = (
                0 < i < len(chars) - 1 and chars[i - 1].isalpha() and chars[i + 1].isalpha()
            )
            if char in pairs and not (char == "’" and between_letters):
                chars[i] = pairs[char]
        return "".join(chars)
    return "".join(pairs.get(c, c) for c in text)


def single_quoted(title: str) -> str:
    """A title in single quotation marks, quotation marks inside it made double (OSCOLA 1.6.1,
    and British usage in Chicago): ‘Home Office: “leave no stone unturned” on grooming’."""
    return f"‘{_swap_quotes(title, to_single=False)}’"


def oscola_quotation(words: str) -> str:
    """OSCOLA 1.6.1 (4th edn): short quotations in single quotation marks, quotations within
    them in double marks; longer than three lines: an indented block without quotation marks.
    The footnote marker follows the closing mark (OSCOLA 1.1.3), shown here as the number 1."""
    flat = " ".join(words.split())
    if len(flat) > OSCOLA_BLOCK_CHARACTERS:
        return flat + "¹"
    return f"‘{_swap_quotes(flat, to_single=False)}’¹"


def apa_quotation(words: str, in_text: str) -> str:
    """APA 7 §8.25–8.27: short quotations in double quotation marks (quotes within them in
    single marks) followed by the parenthetical citation; 40 words or more: a block without
    quotation marks, the citation after the final punctuation."""
    flat = " ".join(words.split())
    if len(flat.split()) >= APA_BLOCK_WORDS:
        return f"{flat} {in_text}"
    return f"“{_swap_quotes(flat, to_single=True)}” {in_text}"
