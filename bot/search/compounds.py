"""Swedish compound splitting for BM25: index a compound and its parts.

"barnbidrag" then also matches "bidrag" and "barn", as a Swedish query often names
one part only. The parts come from the OCR repair's compound analysis over wordfreq's
Swedish lexicon (bot.ingest.ocr_lexicon), here asked for a split even of a known word
(the answerer's `compound_parts` keeps a known word whole).

Measured on held-out folds, it raises BM25 alone but not the hybrid, so the retriever
leaves it off (README, "Fusion chosen by cross-validation"); `bot bench fusion` keeps
measuring it.
"""

from functools import lru_cache

from bot.search.text import terms, words

MIN_WORD = 10  # shorter words split mostly into noise ("flykt|ingar")
MIN_PART = 4


@lru_cache(maxsize=65536)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a lower-case word into two lexicon parts, or return it whole.

    >>> split_compound("bostadsbidrag"), split_compound("kommunen")
    (('bostads', 'bidrag'), ('kommunen',))
    """
    from bot.ingest.ocr_lexicon import Lexicon, analyses, score  # loads wordfreq on first use

    if len(word) < MIN_WORD or not word.isalpha():
        return (word,)
    lexicon = Lexicon.from_wordfreq()
    pairs = [a for a in analyses(lexicon, word, {}, max_parts=3) if len(a.parts) == 2]
    pairs = [a for a in pairs if min(map(len, a.parts)) >= MIN_PART]
    return max(pairs, key=lambda a: score(lexicon, a)).parts if pairs else (word,)


def compound_terms(text: str) -> list[str]:
    """Content terms (see `terms`) plus the terms of each compound's parts.

    >>> compound_terms("Bostadsbidrag?")
    ['bostadsbidrag', 'bostad', 'bidrag']
    """
    out: list[str] = []
    for word in words(text):
        whole = terms(word)
        out += whole
        parts = split_compound(word) if whole else (word,)
        if len(parts) > 1:
            out += [t for part in parts for t in terms(part) if t not in whole]
    return out

