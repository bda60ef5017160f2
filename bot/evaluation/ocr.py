"""Measure `bot.ingest.ocr.repair_text` on clean documents whose diacritics we strip ourselves.

Usage: ``bot bench ocr [--json] [--strict] [--sources DIR] [--knowledge DIR]``

For every clean source document (the clean ``.txt`` files in the sources folder and
any ``.md``/``.txt`` in ``knowledge/``), the script strips å/ä/ö/é (``å→a, ä→a,
ö→o, é→e``), repairs the result and compares it word by word with the original:

- ``with_diacritics``: words of the original that contain å/ä/ö/é;
- ``restored``: the share of those that came back exactly (case included);
- ``broken``: words *without* diacritics that the repair changed.

Leave-one-out. The lexicon must not be learnt from the document being scored.
Our lexicon is wordfreq's Swedish list, which is external and is never augmented
with our documents' words, so the ordinary run already satisfies this: a word
that occurs only in the scored document and not in wordfreq is simply unknown.
(Excluding *every* word of the document from wordfreq would make the test
meaningless, since ``och`` and ``för`` would become unknown.) ``--strict`` goes
further and also removes the document's rare words (wordfreq Zipf < 3) from the
lexicon, so they can only be recovered as compounds of other words; it shows how
much the result leans on rare-word coverage.

The two OCR-damaged documents have no clean original; for them the script reports
how many tokens the repair changed, a before/after sample, and the **non-words** left:

- in the raw scan (``non_words_raw``) and in the text we index (``non_words``: the
  document loaded from ``knowledge/`` as `bot index` loads it, repaired and chunked);
- a token is a run of letters, digits and the OCR symbols ``& @ | { }``; hyphens,
  slashes and punctuation separate tokens;
- not counted: URLs, e-mail addresses and document ids; tokens of one character;
  tokens that start with a digit (numbers, dates, "4R"); names and acronyms, that is
  capitalised tokens of plain Swedish letters ("Botkyrka", "KS", "Rätt");
- a non-word is any other token that `Speller.known` rejects: neither a wordfreq word
  (minus the misspellings wordfreq lists, such as "tilsammans") nor a compound of such
  words. Rare but real words missing from wordfreq count too, so the figure is an
  upper bound; it is meant to be compared before and after a change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.ingest.chunking import chunk_document
from bot.ingest.knowledge import load_file
from bot.ingest.ocr import needs_repair, repair_text
from bot.ingest.ocr_lexicon import Lexicon
from bot.ingest.speller import Speller

DAMAGED = ("demokratiatagande-stockholms-stad", "remissvar-mr-programmet-serviceforvaltningen")
SOURCES = Path("../shared/knowledge-sources")  # relative to the repository, where the bench runs
KNOWLEDGE = Path("knowledge")
TARGET = 0.98
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"[\w&@|{}]+")
_SKIP = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b")
_NAME = re.compile(r"[A-ZÅÄÖ][a-zåäö]*|[A-ZÅÄÖ]+")  # Botkyrka, KS: capitalised, plain letters
_URL = re.compile(r"https?://\S+|www\.\S+")  # left alone by the repair, so not scored
_STRIP = str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE")
_DIACRITICS = set("åäöéÅÄÖÉ")


@dataclass
class Score:
    """How well one document's stripped text was repaired."""

    document: str
    words: int = 0
    with_diacritics: int = 0
    restored: int = 0
    broken: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def restored_share(self) -> float:
        """Share of diacritic words restored exactly (1.0 when there were none)."""
        return self.restored / self.with_diacritics if self.with_diacritics else 1.0


def strip_diacritics(text: str) -> str:
    """Map å/ä→a, ö→o, é→e in both cases, as diacritic-losing OCR does.

    >>> strip_diacritics("Åtar sig ökad förmåga")
    'Atar sig okad formaga'
    """
    return text.translate(_STRIP)


def aligned_words(original: str, repaired: str) -> list[tuple[str, str]]:
    """Pair each word of `original` with its counterpart in `repaired`."""
    before, after = (_WORD.findall(_URL.sub(" ", t)) for t in (original, repaired))
    if len(before) == len(after):
        return list(zip(before, after, strict=True))
    keys = [[strip_diacritics(w).lower() for w in ws] for ws in (before, after)]
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, keys[0], keys[1], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        counterparts = after[j1:j2] if tag == "equal" else [""] * (i2 - i1)
        pairs += zip(before[i1:i2], counterparts, strict=True)
    return pairs


def score(document: str, original: str, repaired: str) -> Score:
    """Compare a repaired text with the original, word by word."""
    result = Score(document)
    for want, got in aligned_words(original, repaired):
        result.words += 1
        if _DIACRITICS.intersection(want):
            result.with_diacritics += 1
            result.restored += got == want
            if got != want:
                result.misses.append(f"{want}→{got}")
        elif got != want:
            result.broken += 1
            result.misses.append(f"{want}→{got} (broken)")
    return result


def leave_one_out(document: str, text: str, strict: bool = False) -> Score:
    """Strip `text`, repair it with a lexicon not built from it, and score the result."""
    exclude: set[str] = set()
    if strict:
        plain = Lexicon.from_wordfreq()
        exclude = {w for w in map(str.lower, _WORD.findall(text)) if plain.frequency(w) < 3}
    lexicon = Lexicon.from_wordfreq(exclude=exclude)
    return score(document, text, repair_text(strip_diacritics(text), lexicon))


def non_words(text: str, speller: Speller) -> list[str]:
    """The tokens of `text` that are no word (see the module docstring), in order.

    >>> lexicon = Lexicon({"vi": 6.0, "arbetar": 4.5, "tillsammans": 5.5, "med": 7.0, "och": 7.4, "på": 7.0})
    >>> non_words("Vi arbetar tilsammans med Botkyrka, KS och servicendimnden (4R) på https://x.se.", Speller(lexicon))
    ['tilsammans', 'servicendimnden']
    """
    tokens = _TOKEN.findall(_SKIP.sub(" ", text))
    words = [t for t in tokens if len(t) > 1 and not t[0].isdigit() and not _NAME.fullmatch(t)]
    return [t for t in words if not speller.known(t.lower())]


def damaged_report(document: str, text: str, indexed: str, lines: int = 6) -> dict[str, object]:
    """Count the tokens the repair changes in a damaged document, and the non-words left.

    Args:
        text: the raw scan.
        indexed: the text `bot index` stores for the document (repaired, chunked).
    """
    repaired = repair_text(text)
    speller = Speller(Lexicon.from_wordfreq())
    left = non_words(indexed, speller)
    before, after = text.split(), repaired.split()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    changed = sum(i2 - i1 for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal")
    head = [line for line in text.splitlines() if line.strip()][:lines]
    fixed = [line for line in repaired.splitlines() if line.strip()][:lines]
    return {
        "document": document,
        "needs_repair": needs_repair(text),
        "tokens": len(before),
        "tokens_changed": changed,
        "non_words_raw": len(non_words(text, speller)),
        "non_words": len(left),
        "non_word_examples": sorted(set(left)),
        "before": head,
        "after": fixed,
    }


def indexed_text(source: Path, ours: Path) -> str:
    """The text `bot index` stores for a document: our copy (else the source), loaded and chunked."""
    doc = load_file(ours if ours.exists() else source)
    return "\n\n".join(chunk.text for chunk in chunk_document(doc))


def clean_documents(sources: Path, knowledge: Path) -> dict[str, str]:
    """The clean documents by id: sources minus the damaged ones, plus knowledge/."""
    found = {p.stem: p for p in sorted(sources.glob("*.txt")) if p.stem not in DAMAGED}
    mine = [p for p in sorted(knowledge.glob("*")) if p.suffix in (".md", ".txt")]
    found |= {p.stem: p for p in mine if p.stem not in DAMAGED}
    return {name: path.read_text(encoding="utf-8") for name, path in found.items()}


def _total(scores: list[Score]) -> Score:
    total = Score("TOTAL")
    for s in scores:
        total.words += s.words
        total.with_diacritics += s.with_diacritics
        total.restored += s.restored
        total.broken += s.broken
    return total


def print_report(report: dict[str, Any]) -> None:
    """Print the report's tables: per document, the total, and the damaged documents' samples."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"OCR repair, leave-one-out{' (strict)' if report['strict'] else ''}")
    for column in ("document", "words", "with å/ä/ö/é", "restored", "broken"):
        table.add_column(column, justify="left" if column == "document" else "right")
    for s in [*report["documents"], report["total"]]:
        row = [s["document"], str(s["words"]), str(s["with_diacritics"])]
        table.add_row(*row, f"{s['restored_share']:.1%}", str(s["broken"]))
    console.print(table)
    for s in report["documents"]:
        if s["misses"]:
            console.print(f"[bold]{s['document']}[/] misses: " + ", ".join(s["misses"]))
    for damaged in report["damaged"]:
        changed, tokens = damaged["tokens_changed"], damaged["tokens"]
        console.print(f"\n[bold]{damaged['document']}[/]: {changed} of {tokens} tokens changed")
        raw, left = damaged["non_words_raw"], damaged["non_words"]
        examples = ", ".join(damaged["non_word_examples"])
        console.print(f"non-words: {raw} in the scan, {left} in the indexed text: {examples}", markup=False)
        for before, after in zip(damaged["before"], damaged["after"], strict=False):
            console.print(f"  - {before}\n  + {after}", highlight=False, markup=False)


def run(sources: Path, knowledge: Path, strict: bool = False) -> dict[str, Any]:
    """Measure the repair on every clean document; return the report (JSON-ready)."""
    docs = clean_documents(sources, knowledge)
    scores = [leave_one_out(name, text, strict) for name, text in docs.items()]
    damaged = [
        damaged_report(path.stem, path.read_text(encoding="utf-8"), indexed_text(path, knowledge / path.name))
        for path in (sources / f"{name}.txt" for name in DAMAGED)
        if path.exists()
    ]
    total = _total(scores)
    return {
        "strict": strict,
        "documents": [asdict(s) | {"restored_share": s.restored_share} for s in scores],
        "total": asdict(total) | {"restored_share": total.restored_share},
        "damaged": damaged,
        "target_met": total.restored_share >= TARGET and total.broken == 0,
    }
