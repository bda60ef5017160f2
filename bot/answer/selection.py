"""Choose what the extractive answer quotes: the unit that answers first, then at most two more.

Units (sentences and list items) are scored by similarity to the question, the question's
terms, the passage's rank, and — since a quote must *answer* — by how many of the
question's specific terms they hold and whether they hold the kind of answer asked for.
The best unit is quoted first; another quote follows only when it adds something the
first does not (a specific term not yet quoted) or scores almost as well and says
something else.
"""

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.answer.coverage import Ask, Term, coverage, has_evidence, uncovered
from bot.answer.quoting import Unit, length, local_coverage
from bot.ingest.dates import MONTHS
from bot.search.text import terms
from bot.search.types import Source

Vector = npt.NDArray[np.float64]
_TIME = re.compile(
    rf"\b(1[89]\d\d|20\d\d|{'|'.join(MONTHS)}|våren|sommaren|hösten|vintern|varje (vecka|månad|år))\b",
    re.I,
)
PRIOR = 1.0  # weight of the passage's own relevance, relative to the best passage
LEXICAL_WEIGHT = 0.1
COVER_WEIGHT = 0.08  # share of the question's specific terms in the unit (with its heading)
EVIDENCE_WEIGHT = 0.04  # the unit holds the kind of answer asked for (a date for "när")
LIST_BONUS = 0.06  # "Vilka ...?" prefers list items (the whole list is quoted)
HEADING_BONUS = 0.05  # the question's numbers are in the unit's heading ("Steg 6 av 7")
FOLLOWER_MARGIN = 0.12  # the sentence right after the first is quoted when this close
EXTRA_MARGIN = 0.07  # another quote without new terms must score this close to the first
ADDS_MARGIN = 0.12  # a quote that adds a missing specific term may score this much lower
ANSWER_MARGIN = 0.1  # a unit that answers goes first when it scores this close to the best
SAME = 0.93  # cosine above which two units say the same thing
MAX_EXTRA = 2  # quotes after the first
MAX_QUOTE_CHARS = 900


def context(unit: Unit, source: Source) -> str:
    """Return the unit with its section heading and list lead-in: what it means in place."""
    return f"{source.section}: {unit.lead} {unit.text}"


def placed(unit: Unit, source: Source) -> str:
    """Return the unit with everything the reader sees around it: document title, section, lead-in.

    "När togs Gränsgångares strategi fram?" is answered by a date in a document titled
    after Gränsgångare, though the sentence itself does not name it.
    """
    return f"{source.title} › {context(unit, source)}"


def score_units(
    question: str, units: Sequence[Unit], sources: Sequence[Source], similarity: Sequence[float],
    specific: Sequence[Term], ask: Ask,
) -> list[float]:
    """Score every unit as an answer to `question`."""
    contexts = [context(u, sources[u.ref - 1]) for u in units]
    lexical = local_coverage(question, contexts)
    wants_list = ask in ("list", "how")  # "vilka …?" and "hur gör vi …?" are answered by lists
    required = {t.stem for t in specific if t.required}  # "steg 6": the section *about* steg 6
    return [
        sim
        + LEXICAL_WEIGHT * lex
        + PRIOR * (sources[unit.ref - 1].score - sources[0].score)
        + COVER_WEIGHT * coverage(specific, placed(unit, sources[unit.ref - 1]))
        + (EVIDENCE_WEIGHT if ask in ("when", "time", "count", "who") and has_evidence(ask, unit.text) else 0.0)
        + (EVIDENCE_WEIGHT if ask == "when" and _TIME.search(unit.text) else 0.0)
        + (LIST_BONUS if wants_list and unit.is_item else 0.0)
        + (HEADING_BONUS if required and required <= set(terms(sources[unit.ref - 1].section)) else 0.0)
        for unit, ctx, lex, sim in zip(units, contexts, lexical, similarity, strict=True)
    ]


def pick(
    units: Sequence[Unit], sources: Sequence[Source], scores: Sequence[float], vectors: Sequence[Vector],
    specific: Sequence[Term], answering: Sequence[bool] | None = None,
) -> list[list[Unit]]:
    """Return the quotes, first the one that answers; each quote is a unit or a whole list.

    `answering` marks the units that answer on their own (`coverage.answers`): the best
    of them goes first when it scores within ANSWER_MARGIN of the best unit of all.
    """
    order = sorted(range(len(units)), key=lambda i: -scores[i])
    first = order[0]
    if answering is not None:
        first = next((i for i in order if answering[i] and scores[i] >= scores[first] - ANSWER_MARGIN), first)
        order = [first, *(i for i in order if i != first)]
    quotes = [whole(units, first)]
    follower = first + 1  # the next sentence often carries the detail ("…, till exempel …")
    if (
        follower < len(units) and units[follower].ref == units[first].ref and not units[first].is_item
        and not units[follower].is_item and scores[follower] >= scores[first] - FOLLOWER_MARGIN
    ):
        quotes[0] = [*quotes[0], units[follower]]
    chosen = {id(u) for q in quotes for u in q}
    for i in order[1:]:
        if len(quotes) > MAX_EXTRA or id(units[i]) in chosen:
            continue
        quoted = " ".join(placed(u, sources[u.ref - 1]) for q in quotes for u in q)
        candidate = whole(units, i)
        missing = uncovered(specific, quoted)
        adds = bool(missing) and len(uncovered(missing, placed(units[i], sources[units[i].ref - 1]))) < len(missing)
        close = scores[i] >= scores[first] - EXTRA_MARGIN
        if not (adds and scores[i] >= scores[first] - ADDS_MARGIN) and not close:
            continue
        if max(float(vectors[i] @ vectors[j]) for j in range(len(units)) if id(units[j]) in chosen) > SAME:
            continue  # says what is already quoted
        if sum(map(length, quotes)) + length(candidate) > MAX_QUOTE_CHARS:
            continue
        quotes.append(candidate)
        chosen |= {id(u) for u in candidate}
    return quotes


def whole(units: Sequence[Unit], i: int) -> list[Unit]:
    """Return unit `i`, or its whole list when it is a list item (in the list's order)."""
    unit = units[i]
    if not unit.is_item:
        return [unit]
    return [u for u in units if u.is_item and (u.ref, u.block) == (unit.ref, unit.block)]
