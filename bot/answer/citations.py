"""Honest citations: sources numbered in the order the answer cites them, each saying whose it is.

`renumber` runs on every answer (through `policy.answered`): the first source the text
cites is [1], the next new one [2], and so on; sources the text never cites are dropped,
and two cited passages of the same document and section become one source. `attribution`
and `label` give the words the renderers (Slack, terminal) put on each source line.
"""

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.search.types import Source

__all__ = ["LABELS", "attribution", "label", "renumber"]

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "sources": "Källor",
        "own": "förbundets eget dokument",
        "guidance": "HP-assistentens vägledning",
        "more": "Läs mer",
    },
    "en": {
        "sources": "Sources",
        "own": "the association's own document",
        "guidance": "HP-assistenten's guidance",
        "more": "Read more",
    },
}
_MARKER = re.compile(r"\[(\d+)\]")
_REPEATED = re.compile(r"\[(\d+)\](?:[ \t]*\[\1\])+")  # "[1] [1]" after two sources merged


def renumber(text: str, sources: Sequence[Source]) -> tuple[str, tuple[Source, ...]]:
    """Number the cited sources 1..n in citation order, drop the uncited, merge same doc + section.

    `[n]` refers to `sources[n-1]`. A marker with no source behind it (`[9]` of five
    sources) is left as it is: it is not a citation this function can honour.

    >>> a, b, c = (Source(d, d.upper(), "", 1.0, f"Text {d}.") for d in ("a", "b", "c"))
    >>> text, cited = renumber("C [3]. A [1]. C again [3].", [a, b, c])
    >>> text, [s.id for s in cited]
    ('C [1]. A [2]. C again [1].', ['c', 'a'])
    >>> a2 = Source("a", "A", "", 0.5, "More of a.")
    >>> text, cited = renumber("A [1]. More [3] [1].", [a, b, a2])
    >>> text, [(s.id, s.text) for s in cited]
    ('A [1]. More [1].', [('a', 'Text a.\\n\\nMore of a.')])
    """
    numbers: dict[int, int] = {}  # old number → new number
    merged: list[Source] = []
    places: dict[tuple[str, str], int] = {}  # (document, section) → new number
    for match in _MARKER.finditer(text):
        old = int(match.group(1))
        if old in numbers or not 1 <= old <= len(sources):
            continue
        source = sources[old - 1]
        place = (source.id, source.section)
        if place in places:
            merged[places[place] - 1] = _merge(merged[places[place] - 1], source)
        else:
            merged.append(source)
            places[place] = len(merged)
        numbers[old] = places[place]

    def new_marker(match: re.Match[str]) -> str:
        old = int(match.group(1))
        return f"[{numbers[old]}]" if old in numbers else match.group(0)

    return _REPEATED.sub(r"[\1]", _MARKER.sub(new_marker, text)), tuple(merged)


def _merge(first: Source, other: Source) -> Source:
    """Join two passages of one document and section into one source (the first one's id).

    >>> s = _merge(Source("a", "A", "S", 0.4, "One."), Source("a", "A", "S", 0.9, "Two."))
    >>> s.text, s.score
    ('One.\\n\\nTwo.', 0.9)
    """
    text = first.text if other.text in first.text else f"{first.text}\n\n{other.text}"
    return replace(first, text=text, score=max(first.score, other.score))


def label(key: str, language: str) -> str:
    """Return a source label ("sources", "own", "guidance", "more") in `language` (Swedish by default).

    >>> label("guidance", "sv"), label("more", "en")
    ('HP-assistentens vägledning', 'Read more')
    """
    return LABELS.get(language, LABELS["sv"])[key]


def attribution(source: Source, language: str) -> str:
    """Say whose words a source holds, for the parentheses after its title.

    The association's own document says so; another organisation's names it. Guidance
    gets "": its line opens with "HP-assistentens vägledning" instead, so the link it
    carries is never read as the author of the quote.

    >>> attribution(Source("h", "Handlingsplan", "", 1.0, "", kind="own"), "sv")
    'förbundets eget dokument'
    >>> attribution(Source("r", "Remissvar", "", 1.0, "", organisation="Stockholms stad"), "en")
    'Stockholms stad'
    >>> attribution(Source("hp", "HP", "", 1.0, "", kind="guidance", organisation="HP-assistenten"), "sv")
    ''
    """
    if source.kind == "own":
        return label("own", language)
    if source.kind == "guidance":
        return ""
    return source.organisation
