"""Pure choice of the HP-punkt's quoted passage: whole sentences about the principle itself.

The principle's query retrieves a pool of passages; each is split into sentences (the
answers' sentence splitter), and runs of whole sentences that fit QUOTE_CHARS and open
with one of the principle's terms become candidates, best ranked first. The n-th time a
principle comes round in a channel it quotes candidate n (mod the pool), so a quote
returns only after every other candidate has been shown. Passages about how to hold an
HP-punkt or about the bot itself are tips, not the principle: they are never quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.quoting import split_units
from bot.answer.types import Source
from bot.search.text import fold

QUOTE_CHARS = 400
MIN_CHARS = 40  # shorter "sentences" are headings or fragments
# Words of a tip about the bot or about the HP-punkt itself (folded: no diacritics).
_META = re.compile(r"hp-assistent|hp-punkt|\bboten\b|\bslack\b|arbetsmotet|\bapt\b", re.IGNORECASE)
_ITEM_LABEL = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+(?:\*\*[^*]{1,60}:\*\*\s+)?")
# Footnote numbers and inline HTML that converted documents keep ("jämställdhet<sup>1</sup>").
_MARKUP = re.compile(r"<sup>.*?</sup>|</?(?:sub|br|b|i|em|strong|span)\b[^>]*>", re.IGNORECASE)
# A sentence naming all three principles is about HP in general, not about one of them.
_ALL_THREE = ("jamstalldhet", "tillganglighet", "icke-diskriminering")
_WHOLE = re.compile(r"^[A-ZÅÄÖÉ0-9\"“”«].*[.!?…][\"”»)]?$", re.DOTALL)


@dataclass(frozen=True)
class Quote:
    """A passage quoted in a post, with its source (texts not yet escaped)."""

    text: str
    title: str
    section: str
    url: str | None


def is_meta(text: str) -> bool:
    """Return True for text about the bot or the HP-punkt (a tip, not the principle).

    >>> is_meta("Upplägget nedan är HP-assistentens förslag."), is_meta("Jämställdhet betyder …")
    (True, False)
    """
    return bool(_META.search(fold(text)))


def candidates(hits: Sequence[Source], terms: Sequence[str]) -> list[Quote]:
    """Return the quotable runs of whole sentences in `hits`, in rank order, without repeats."""
    folded_terms = [fold(term) for term in terms]
    found: list[Quote] = []
    seen: set[str] = set()
    for hit in hits:
        # A heading path ends in the passage's own heading: a tip's subsection may be content.
        if is_meta(hit.title) or is_meta(hit.section.split(" › ")[-1]):
            continue
        for text in _runs(hit.text):
            key = fold(text)
            if key in seen or not any(term in fold(text.split(". ")[0]) for term in folded_terms):
                continue
            seen.add(key)
            found.append(Quote(text, hit.title, hit.section, hit.url))
    return found


def _runs(passage: str) -> list[str]:
    """Split a passage into runs of consecutive whole prose sentences of at most QUOTE_CHARS.

    >>> _runs("Jämställdhet betyder lika makt för kvinnor och män i samhället. Det gäller oss. Sista.")
    ['Jämställdhet betyder lika makt för kvinnor och män i samhället. Det gäller oss. Sista.']
    """
    runs: list[str] = []
    current: list[str] = []
    block = -1
    for number, _lead, unit in split_units(passage):
        # A list item "- **Label:** A sentence." quotes as its sentence.
        sentence = re.sub(r"\s+", " ", _MARKUP.sub("", _ITEM_LABEL.sub("", unit))).strip()
        general = all(name in fold(sentence) for name in _ALL_THREE)
        whole = _WHOLE.match(sentence) and not is_meta(sentence) and not general
        fits = len(" ".join([*current, sentence])) <= QUOTE_CHARS
        item = unit.lstrip()[:1] in {"-", "*", "•"} or bool(re.match(r"\s*\d{1,2}[.)]\s", unit))
        if current and (item or number != block or not whole or not fits):
            runs.append(" ".join(current))
            current = []
        if whole and len(sentence) <= QUOTE_CHARS:
            if item:  # a list item stands alone: its neighbours are other points
                runs.append(sentence)
                continue
            current.append(sentence)
            block = number
    if current:
        runs.append(" ".join(current))
    return [run for run in runs if len(run) >= MIN_CHARS]


def pick(pool: Sequence[Quote], turn: int) -> Quote | None:
    """Return the quote for the principle's `turn`-th time round (None: an empty pool).

    >>> pick([Quote("a", "", "", None), Quote("b", "", "", None)], 3).text
    'b'
    """
    return pool[turn % len(pool)] if pool else None
