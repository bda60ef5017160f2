"""Choose what the extractive answer quotes: the unit that answers first, then at most two more.

Units (sentences and list items) are scored by similarity to the question, the question's
terms, the passage's rank, and — since a quote must *answer* — by how many of the
question's specific terms they hold and whether they hold the kind of answer asked for.
The best unit is quoted first; another quote follows only when it adds something the
first does not (a specific term not yet quoted) or scores almost as well and says
something else.
"""

import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.answer.coverage import Ask, Term, coverage, uncovered
from bot.answer.evidence import strength, wanted
from bot.answer.quoting import Unit, length, local_coverage
from bot.search.text import terms
from bot.search.types import Source

Vector = npt.NDArray[np.float64]
# A sentence that points back ("Konkret görs detta …", "Dessa kommer …") means nothing alone.
_REFERS_BACK = re.compile(r"^(\S+\s+){0,3}?(detta|dessa|denna|det här|den här|därför|sådana)\b", re.I)
PRIOR = 1.0  # weight of the passage's own relevance, relative to the best passage
LEXICAL_WEIGHT = 0.1
COVER_WEIGHT = 0.08  # share of the question's specific terms in the unit (with its heading)
RARE_WEIGHT = 0.2  # IDF-weighted share of the specific terms in the unit's own words
EVIDENCE_WEIGHT = 0.12  # the unit holds the kind of answer asked for (a date for "när"), graded
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
    question: str,
    units: Sequence[Unit],
    sources: Sequence[Source],
    similarity: Sequence[float],
    specific: Sequence[Term],
    ask: Ask,
    idf: Callable[[str], float] | None = None,
) -> list[float]:
    """Score every unit as an answer to `question`.

    `similarity` is the embedding model's own query/unit similarity; the rest says what it
    cannot: whether the unit's *own* words hold the question's rarest terms (a title
    names every sentence of its document), and whether it holds the kind of answer wanted.
    """
    contexts = [context(u, sources[u.ref - 1]) for u in units]
    lexical = local_coverage(question, contexts)
    wants = wanted(question, ask)
    wants_list = ask in ("list", "how")  # "vilka …?" and "hur gör vi …?" are answered by lists
    required = {t.stem for t in specific if t.required}  # "steg 6": the section *about* steg 6
    return [
        sim
        + LEXICAL_WEIGHT * lex
        + PRIOR * (sources[unit.ref - 1].score - sources[0].score)
        + COVER_WEIGHT * coverage(specific, placed(unit, sources[unit.ref - 1]))
        + RARE_WEIGHT * rare_share(specific, placed(unit, sources[unit.ref - 1]), idf)
        + EVIDENCE_WEIGHT * strength(wants, unit.text, specific, question)
        + (LIST_BONUS if wants_list and unit.is_item else 0.0)
        + (HEADING_BONUS if required and required <= set(terms(sources[unit.ref - 1].section)) else 0.0)
        for unit, lex, sim in zip(units, lexical, similarity, strict=True)
    ]


def rare_share(specific: Sequence[Term], text: str, idf: Callable[[str], float] | None) -> float:
    """Return the share of the specific terms in `text`, each weighted by its rarity (IDF).

    The sentence that holds the question's rarest term ("demokratidag") is preferred to
    one that holds only the names every sentence of the document shares.

    >>> terms_ = [Term("demokratidag", "demokratidag"), Term("lovade", "lov")]
    >>> rarity = {"demokratidag": 3.0, "lov": 1.0}.get
    >>> rare_share(terms_, "en demokratidag för alla", lambda t: rarity(t, 1.0))
    0.75
    """
    if not specific:
        return 0.0
    weights = [idf(t.stem) if idf else 1.0 for t in specific]
    missing = {id(t) for t in uncovered(specific, text)}
    return sum(w for t, w in zip(specific, weights, strict=True) if id(t) not in missing) / (sum(weights) or 1.0)


def spans(units: Sequence[Unit]) -> list[list[Unit]]:
    """Return each unit as it is quoted: a list whole; a sentence with the one it points back to
    ("Konkret görs detta …" needs the sentence before) and with the next when that one does.

    >>> u = [Unit(1, 0, "Externt sprids kunskap."), Unit(1, 1, "Konkret görs detta med ett webbinarium.")]
    >>> [[x.order for x in s] for s in spans(u)]
    [[0, 1], [0, 1]]
    """
    out = []
    for i, unit in enumerate(units):
        if unit.is_item:
            out.append(whole(units, i))
            continue
        quote = [unit]
        if _refers_back(unit) and i > 0 and _continues(units[i - 1], unit):
            quote.insert(0, units[i - 1])
        if i + 1 < len(units) and _continues(unit, units[i + 1]) and _refers_back(units[i + 1]):
            quote.append(units[i + 1])
        out.append(quote)
    return out


def extended(units: Sequence[Unit], quote: list[Unit]) -> list[Unit] | None:
    """Return `quote` with the sentence after it (same passage and paragraph), or None when there is none."""
    at = units.index(quote[-1]) + 1
    if quote[-1].is_item or at >= len(units) or not _continues(quote[-1], units[at]):
        return None
    return [*quote, units[at]]


def _continues(unit: Unit, following: Unit) -> bool:
    """Whether `following` is the sentence right after `unit` in the same paragraph."""
    return (
        (following.ref, following.block) == (unit.ref, unit.block)
        and following.order == unit.order + 1
        and not (unit.is_item or following.is_item)
    )


def _refers_back(unit: Unit) -> bool:
    return bool(_REFERS_BACK.search(unit.text))


def pick(
    units: Sequence[Unit],
    sources: Sequence[Source],
    scores: Sequence[float],
    vectors: Sequence[Vector],
    specific: Sequence[Term],
    answering: Sequence[bool] | None = None,
    quoted_as: Sequence[list[Unit]] | None = None,
) -> list[list[Unit]]:
    """Return the quotes, first the one that answers; each quote is a unit or a whole list.

    `answering` marks the units that answer on their own (`coverage.answers`): the best
    of them goes first when it scores within ANSWER_MARGIN of the best unit of all.
    `quoted_as` gives each unit as it is quoted (`spans`); by default a unit or its list.
    """
    as_quoted = list(quoted_as) if quoted_as is not None else [whole(units, i) for i in range(len(units))]
    order = sorted(range(len(units)), key=lambda i: -scores[i])
    first = order[0]
    if answering is not None:
        first = next((i for i in order if answering[i] and scores[i] >= scores[first] - ANSWER_MARGIN), first)
        order = [first, *(i for i in order if i != first)]
    quotes = [as_quoted[first]]
    follower = units.index(quotes[0][-1]) + 1  # the next sentence often carries the detail ("…, till exempel …")
    if (
        follower < len(units)
        and _continues(quotes[0][-1], units[follower])
        and scores[follower] >= scores[first] - FOLLOWER_MARGIN
    ):
        quotes[0] = [*quotes[0], units[follower]]
    chosen = {id(u) for q in quotes for u in q}
    for i in order[1:]:
        candidate = as_quoted[i]
        if len(quotes) > MAX_EXTRA or any(id(u) in chosen for u in candidate):
            continue
        quoted = " ".join(placed(u, sources[u.ref - 1]) for q in quotes for u in q)
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


def singled(units: Sequence[Unit], specific: Sequence[Term]) -> set[int]:
    """Return the ids of the list items the question singles out: an item that holds, in its own
    words (not the lead-in they share), more of the question's specific terms than any other item
    of its list and one that no other holds. The question asks about that item, not the list.

    >>> items = [Unit(1, 0, "- Kallelse: två veckor i förväg.", "Tips:"),
    ...          Unit(1, 1, "- Dagordning: en vecka i förväg.", "Tips:")]
    >>> kallelse, forvag, tips = Term("kallelsen", "kallels"), Term("förväg", "forvag"), Term("tips", "tips")
    >>> [singled(items, t) == {id(items[0])} for t in ([kallelse, forvag], [forvag], [tips])]
    [True, False, False]
    """
    lists: dict[tuple[int, int], list[Unit]] = {}
    for unit in units:
        if unit.is_item:
            lists.setdefault((unit.ref, unit.block), []).append(unit)
    out: set[int] = set()
    for items in lists.values():
        held = [{id(t) for t in specific} - {id(t) for t in uncovered(specific, u.text)} for u in items]
        for i, own in enumerate(held):
            others = [h for j, h in enumerate(held) if j != i]
            if others and own - set().union(*others) and all(len(own) > len(h) for h in others):
                out.add(id(items[i]))
    return out


def narrowed(quote: list[Unit], specific: Sequence[Term]) -> list[Unit]:
    """Return the one item of a quoted list that the question singles out (`singled`), or the
    quote as it is: a related quote under "Dokumenten säger inget om …" shows what is related,
    not six tips around it."""
    if len(quote) < 2 or not quote[0].is_item:
        return quote
    chosen = singled(quote, specific)
    return next(([u] for u in quote if id(u) in chosen), quote)


def whole(units: Sequence[Unit], i: int) -> list[Unit]:
    """Return unit `i`, or its whole list when it is a list item (in the list's order)."""
    unit = units[i]
    if not unit.is_item:
        return [unit]
    return [u for u in units if u.is_item and (u.ref, u.block) == (unit.ref, unit.block)]
