"""Pure text helpers shared by BM25, sentence selection and language detection."""

import re
import unicodedata
from functools import lru_cache
from typing import Any

from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_SWEDISH

_WORD = re.compile(r"\w+", re.UNICODE)
# Frequent words that exist in only one of the two languages (compared diacritic-folded).
_SV_ONLY = frozenset(
    "och att det som ar pa for med vad hur vilka vilken vilket nar var vem kan ska jag vi ni "
    "en ett har inte om till av fran eller mig oss dem gor finns betyder galler".split()
)
_EN_ONLY = frozenset(
    "the is what how which are do does of and we you our they this that with to be "
    "can should when who why where there have has about does mean means did was were will would could "
    "their its from an on or if any your my been".split()
)
# Swedish stop words, also folded so that questions typed without å/ä/ö match them.
_STOP = frozenset(STOPWORDS_SWEDISH) | frozenset(STOPWORDS_EN)


def fold(text: str) -> str:
    """Lower-case and strip diacritics.

    >>> fold("Jämställdhet På Åland")
    'jamstalldhet pa aland'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STOP_FOLDED = frozenset(fold(w) for w in _STOP)


@lru_cache(maxsize=1)
def _stemmer() -> Any:  # PyStemmer publishes no types
    import Stemmer  # PyStemmer: Snowball's Swedish stemmer, fast C implementation

    return Stemmer.Stemmer("swedish")


def words(text: str) -> list[str]:
    """Split into lower-case word tokens (keeps diacritics).

    >>> words("Vad är HP-punkten?")
    ['vad', 'är', 'hp', 'punkten']
    """
    return [w.lower() for w in _WORD.findall(text)]


def terms(text: str) -> list[str]:
    """Content terms for lexical matching: stemmed, diacritic-folded, no stop words.

    We fold before stemming so that a question typed without å/ä/ö produces the
    same terms as the document.

    >>> terms("Vilka är diskrimineringsgrunderna?")
    ['diskrimineringsgrund']
    >>> terms("Vilka ar diskrimineringsgrunderna?")
    ['diskrimineringsgrund']
    >>> terms("i år, för kvinnor och män")
    ['ar', 'kvinn', 'man']
    """
    kept = [fold(w) for w in words(text) if not _stop(w) and (len(w) > 1 or w.isdigit())]
    return list(_stemmer().stemWords(kept))


def _stop(word: str) -> bool:
    """Whether lower-case `word` is a stop word, as written or typed without å/ä/ö ("ar", "pa").

    A word written with its diacritics is judged as written: "år" and "män" fold to the stop
    words "ar" (är) and "man", but are content words.

    >>> _stop("är"), _stop("ar"), _stop("år"), _stop("män")
    (True, True, False, False)
    """
    return word in _STOP or (word == fold(word) and word in _STOP_FOLDED)


def detect_language(text: str) -> str:
    """Return "en" for English text, else "sv" (Swedish is the default).

    A stop-word vote is enough for staff questions and needs no model download.

    >>> detect_language("What are the seven grounds of discrimination?")
    'en'
    >>> detect_language("Vilka är diskrimineringsgrunderna?")
    'sv'
    """
    if any(ch in text.lower() for ch in "åäö"):
        return "sv"
    tokens = [fold(t) for t in words(text)]
    en = sum(t in _EN_ONLY for t in tokens)
    sv = sum(t in _SV_ONLY for t in tokens)
    return "en" if en > sv else "sv"
