"""Pure helpers of the extractive answer: passages → quotable units → Markdown quotes."""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.types import Source
from bot.ingest.sentences import sentences
from bot.search.text import terms

_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_POINTS_ELSEWHERE = re.compile(r"\b(nedan|nedanstående)\b", re.I)


@dataclass(frozen=True)
class Unit:
    """A quotable sentence or list item, from source number `ref` (1-based)."""

    ref: int
    order: int
    text: str
    lead: str = ""  # for a list item: the line that introduces its list
    block: int = 0  # paragraph/list number within the passage

    @property
    def is_item(self) -> bool:
        """True for a list item."""
        return bool(_ITEM.match(self.text))


def split_units(text: str) -> list[tuple[int, str, str]]:
    """Split a passage into (block, lead, unit): sentences, and list items with their lead-in.

    >>> split_units("Första meningen. Andra meningen.\\n\\nMålen är:\\n- a\\n- b")
    [(0, '', 'Första meningen.'), (0, '', 'Andra meningen.'), (1, 'Målen är:', '- a'), (1, 'Målen är:', '- b')]
    """
    units: list[tuple[int, str, str]] = []
    for n, block in enumerate(re.split(r"\n\s*\n", text.strip())):
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        items = [ln for ln in lines if _ITEM.match(ln)]
        if items:
            first = lines.index(items[0])
            lead = " ".join(ln.strip() for ln in lines[:first])
            units += [(n, lead, ln.strip()) for ln in lines[first:]]
        else:
            prose = " ".join(ln.strip() for ln in lines)
            units += [(n, "", s) for s in sentences(prose)]
    return units


def local_coverage(query: str, texts: Sequence[str]) -> list[float]:
    """IDF-weighted share of the query's terms in each text, IDF taken over `texts` only.

    Words shared by every candidate (the document's own name, say) do not tell the
    candidates apart; the word only one sentence contains ("demokratidag") does.

    >>> [round(x, 2) for x in local_coverage("mål för demokratidag", ["mål och demokratidag", "mål"])]
    [1.0, 0.41]
    """
    wanted = set(terms(query))
    sets = [set(terms(t)) for t in texts]
    df = Counter(t for s in sets for t in s & wanted)
    idf = {t: math.log(1 + len(texts) / (df.get(t, 0) + 0.5)) for t in wanted}
    total = sum(idf.values()) or 1.0
    return [sum(idf[t] for t in wanted & s) / total for s in sets]


def quotable_units(sources: Sequence[Source]) -> list[Unit]:
    """Quotable units of `sources`; duplicates and heading-like fragments dropped."""
    seen: set[str] = set()
    units = []
    for ref, source in enumerate(sources, start=1):
        for order, (block, lead, text) in enumerate(split_units(source.text)):
            # headings-like fragments, and a lead-in whose list is in another passage
            fragment = (
                (len(text.split()) < 4 and not _ITEM.match(text))
                or text.endswith(":")
                or bool(_POINTS_ELSEWHERE.search(text))  # "Upplägget nedan ..." without its list
            )
            if text in seen or fragment:
                continue
            seen.add(text)
            units.append(Unit(ref, order, text, lead, block))
    return units


def length(units: Sequence[Unit]) -> int:
    """Characters quoted so far."""
    return sum(len(u.text) for u in units)


def render_quotes(units: Sequence[Unit]) -> list[str]:
    """Render chosen units as Markdown quotes; items of one list share their lead-in."""
    out: list[str] = []
    previous: Unit | None = None
    for unit in units:
        same_list = (
            previous is not None
            and unit.is_item
            and (unit.ref, unit.block) == (previous.ref, previous.block)
        )
        if same_list:
            out[-1] = out[-1].removesuffix(f" [{unit.ref}]") + f"\n> {unit.text} [{unit.ref}]"
        else:
            lead = f"> {unit.lead}\n" if unit.lead else ""
            out.append(f"{lead}> {unit.text} [{unit.ref}]")
        previous = unit
    return out
