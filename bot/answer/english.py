"""Search Swedish documents for an English question: its words in Swedish, added to the query.

The embedding model matches across languages, but weakly ("fact sheet on the Discrimination
Act" finds HP-punkt tips), and BM25 over Swedish text matches almost nothing of an English
question. So an English question is searched with, after it, the Swedish words of Folkets
lexikon (KTH's Swedish–English dictionary, CC BY-SA 2.5, shipped in the `svlang` package)
for each of its words: at most TRANSLATIONS per word, the most frequent Swedish ones.

Only the search sees them. Whether the documents answer is still decided on the question as
asked: its relevance (an off-topic question does not become relevant by its translations)
and its names and numbers (bot/answer/coverage.py `english_terms`).
"""

import re
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files

from bot.search.text import terms, words

TRANSLATIONS = 2  # Swedish words per English word ("regulation": förordning, bestämmelse)
COMMON_ZIPF = 5.5  # English words this frequent only ask or link ("does", "have", "you"): not translated


def in_swedish(question: str, frequency: Callable[[str], float]) -> str:
    """Return `question` followed by the Swedish words for its words, or as it is when none.

    >>> in_swedish("Which regulation?", lambda sv: {"förordning": 3.9, "bestämmelse": 4.1}.get(sv, 0.0))
    'Which regulation? (bestämmelse förordning)'
    """
    from wordfreq import zipf_frequency  # English word frequencies (the OCR lexicon's package)

    asked = [w for w in words(question) if terms(w) and zipf_frequency(w, "en") < COMMON_ZIPF]
    found = [sv for word in asked for sv in _swedish(word, frequency)]
    return f"{question} ({' '.join(dict.fromkeys(found))})" if found else question


def _swedish(word: str, frequency: Callable[[str], float]) -> list[str]:
    """The most frequent Swedish content words for English `word`, tried as written and as a singular."""
    glossary = _glossary()
    for form in (word, *_singulars(word)):
        if form in glossary:
            content = [sv for sv in glossary[form] if terms(sv)]  # not "vilken" for "which"
            return sorted(content, key=lambda sv: -frequency(sv))[:TRANSLATIONS]
    return []


def _singulars(word: str) -> tuple[str, ...]:
    """English plural endings removed: "principles" → "principle", "bodies" → "body"."""
    if word.endswith("ies"):
        return (f"{word[:-3]}y",)
    if word.endswith("es"):
        return (word[:-1], word[:-2])
    return (word[:-1],) if word.endswith("s") else ()


@lru_cache(maxsize=1)
def _glossary() -> dict[str, list[str]]:
    """English word → the Swedish headwords it translates (single words only, lower case)."""
    text = (files("svlang") / "data" / "folkets_sv_en.tsv").read_text(encoding="utf-8")
    glossary: dict[str, list[str]] = {}
    for line in text.splitlines():
        swedish, _, english = line.partition("\t")
        if line.startswith("#") or not english:
            continue
        for sense in re.split(r"[,;]", english):
            sense = sense.strip().lower()
            if sense and " " not in sense:
                glossary.setdefault(sense, []).append(swedish.replace("|", ""))  # "kontakt|person"
    return glossary
