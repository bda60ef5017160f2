"""Repair Swedish text whose å/ä/ö were lost or misread by OCR.

The text decides the mode:

- clean: lexicon words are never changed; an unknown word only gets å/ä/ö back
  when that makes it a lexicon word (``Forsakringskassan``).
- stripped (`needs_repair`): a lexicon word gives way to a clearly more frequent
  variant (``for`` -> ``för``, ``atar`` -> ``åtar``), stray symbols are read as
  letters (``6kad`` -> ``ökad``, ``&r`` -> ``är``) and a few context rules apply.
- OCR-confused (such symbols are frequent): misread letters are tried too
  (``mdjlighet`` -> ``möjlighet``, ``rittigheter`` -> ``rättigheter``).

>>> repair_text("Vi atar oss att 6ka kunskapen for alla.")
'Vi åtar oss att öka kunskapen för alla.'
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.ingest.dates import MONTHS
from bot.ingest.ocr_lexicon import Lexicon, Substitutions, analyses, best
from bot.ingest.speller import Speller

RESTORE_COST = 0.05  # Zipf units: a restored å/ä/ö must make the word 10**0.05 = 1.12x likelier
OCR_COST = 1.0  # a misread letter (d for ä) must make it 10x likelier
CLEAR_GAIN = 1.3  # 10**1.3 = 20x: a word this much likelier marks the text as damaged
CONTEXT_GAIN = 1.0  # after "har" or for a name, a variant must be 10x likelier (göteborg)

R, C = RESTORE_COST, OCR_COST  # short names keep the tables below readable
_RESTORE: Substitutions = {"a": (("å", R), ("ä", R)), "o": (("ö", R),), "e": (("é", R),)}
_SYMBOLS: Substitutions = {  # symbols that never belong inside a Swedish word
    **_RESTORE,
    **{k: (("ö", R),) for k in ("6", "0")},
    **{k: (("ä", R),) for k in ("&", "&d", "@")},
    "é": (("ö", R), ("ä", R), ("å", R), ("e", C)),
    "|": (("l", 0.0),),
    "{": (("f", 0.0),),  # "{or att" is "för att"
}
_LETTERS: Substitutions = {  # letters OCR misread, tried once the text shows such symbols
    **_SYMBOLS,
    "d": (("ä", C), ("ö", C), ("å", C)),
    **{k: (("ä", C), ("å", C)) for k in ("i", "éa")},
    **{k: (("ä", C),) for k in ("éi", "ad", "id", "ia")},
    **{k: (("ö", C),) for k in ("ao", "od", "oé")},
}
_OCR_MARK = re.compile(r"[6&@|0](?=[a-zåäöé])|(?<=[a-zåäö])[6@|0]")  # 6kad, &r, f0r, m@nniskor
_SKIP = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+"  # URLs and e-mail addresses
    r"|\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b"  # document ids: demokratiatagande-stockholms-stad
)
_TOKEN = re.compile(r"(?:(?<=\s)\|)?[\w&@{]+")  # "|an" is OCR for "lan"; "a|b" is no word
_HYPHEN_BREAK = re.compile(r"([^\W\d_]+)-[ \t]*\n[ \t]*([^\W\d_]+)(\S*)([ \t]+)?")
_KEEP_HYPHEN = {"icke"}  # "icke-diskriminering" keeps its hyphen
_PIPE_AS_I = re.compile(r"^([ \t]*)\|(?=[ \t]+[^\W\d_][^|\n]*$)", re.MULTILINE)
_MONTHS = "|".join(MONTHS)
_ONE_AS_I = re.compile(  # "stadens 1 stadens" is "i"; "1. Remissen" and "den 1 maj" are numbers
    rf"(?<=[^\W\d_])([ \t]*\n?[ \t]*)(?<=\s)1(?=[ \t]+[^\W\d_]{{2,}})(?![ \t]+(?i:{_MONTHS})\b)"
)
_NOT_SWEDISH = re.compile(r"[^a-zåäö]")  # in a lowercased word: OCR symbols (é, 6, &, |)
_SENTENCE_BREAK = re.compile(r"[.!?:;\n•*#>]|\s[-–]\s")
_AUXILIARIES = {"har", "hade"}  # "har utsatts" is a supine, however common "utsätts" is
_COUNTS = "varje|per|förra|nästa|i|ett|två|tre|fyra|fem|tio"
_YEARS = re.compile(rf"(?:(\w+)[ \t]+)?\b(\d+|{_COUNTS})(\s+)är\b")
_HERE = re.compile(r"\b([Hh])ar(\s+är)\b")  # "har är" is no Swedish; "här är" is
# "det har faktabladet": "har" takes no definite noun (-et), "det här" does; not "-het".
_THIS = re.compile(r"\b([Dd]e(?:t|tta)\s+)har(?=\s+[a-zåäö]{3,}(?<!h)et\b)")
_LABELS = {"steg", "punkt", "kapitel", "kap", "fråga", "nummer", "sida", "bilaga", "avsnitt"}
_GENDER = "kvinnor|kvinnors|flickor|flickors|pojkar|pojkars"
_MEN_AFTER = re.compile(rf"\b({_GENDER})(\s+och\s+)man(s?)\b")
_MEN_BEFORE = re.compile(rf"\b([Mm])an(s?)(\s+och\s+(?:{_GENDER}))\b")
# A singular genitive takes a determiner ("en mans röst"); "mans våld" without one is "mäns".
_MENS = re.compile(r"(?<![Ee]n )(?<![Dd]en )(?<!ingen )(?<!varje )(?<!samma )\b([Mm])ans(?=\s+[a-zåäö])")
# Verbs a bare infinitive may follow ("kunna fortsätta"); after any other infinitive
# ("förhindra fortsatta trakasserier") a second infinitive is no Swedish.
_INFINITIVE_TAKERS = {
    *"kunna vilja låta behöva hinna orka våga bruka slippa försöka börja sluta tänka lova råka verka".split()
}
_PREPOSITIONS = "i|för|av|med|på|hos|om|från|inom|bland|mellan|genom|under|efter|åt|mot|vid"
_OUR = re.compile(  # "i vart ESF-projekt" is "i vårt", but "i vart och ett" and "i var sin" stay
    rf"\b((?i:{_PREPOSITIONS})\s+)([Vv])ar(a|t)?\b(?!\s+(?:och|sin|sitt|sina|annan|annat)\b)"
)
_ENGLISH = {"the", "and", "of", "is", "are", "this", "that", "with", "you", "it", "to", "was"}
_SWEDISH = {"och", "att", "som", "det", "en", "av", "med", "till", "den", "inte", "ett", "vi"}


class _Repairer:
    """Per-text state: the lexicon, the substitution table, and words already decided."""

    def __init__(self, lexicon: Lexicon, table: Substitutions | None) -> None:
        self.lexicon, self.table = lexicon, table  # table None: the text is clean
        self.speller = Speller(lexicon, table) if table is not None else None
        self.memo: dict[tuple[str, bool], str] = {}

    def word(self, token: str, strict: bool = False) -> str:
        """Repair one token, keeping its case; `strict` keeps lexicon words but for clear gains."""
        if (token, strict) not in self.memo:
            self.memo[token, strict] = _with_case(token, self._lower(token, strict))
        return self.memo[token, strict]

    def _lower(self, token: str, strict: bool) -> str:
        word = token.lower()
        if not _is_word(word) or (token.isupper() and len(token) <= 3):  # DO, SCÖ: acronyms
            return word
        if not token.isupper() and any(c.isupper() for c in token[1:]):  # OSError, JämKom
            return word
        if self.table is None:
            if word in self.lexicon or any(c in "åäöé" for c in word):
                return word
            # Only when diacritics give a reading with fewer parts than any without them
            # (Forsakringskassan, not forsa|krings|kassan; endfor stays end|for), and
            # compounds only of parts of four letters or more (asarray is no åsar|ray).
            found = analyses(self.lexicon, word, _RESTORE)
            plain = min((len(a.parts) for a in found if a.cost == 0), default=9)
            found = [a for a in found if len(a.parts) == 1 or min(map(len, a.parts)) > 3]
            fewest = best(self.lexicon, found) if found else None
            return fewest.text if fewest and len(fewest.parts) < plain else word
        found = analyses(self.lexicon, word, self.table)
        choice = best(self.lexicon, found).text if found else word
        if strict and word in self.lexicon:
            gain = self.lexicon.frequency(choice) - self.lexicon.frequency(word)
            return choice if gain >= CONTEXT_GAIN else word
        # Letters inserted or lost (tilsammans, servicendimnden): the speller, for non-words
        # only, and for a capitalised word (a name, an acronym) only when OCR symbols mark it.
        name = token.isupper() or (token[:1].isupper() and not _NOT_SWEDISH.search(word))
        if self.speller and not name:
            return self.speller.correct(choice) or choice
        return choice

    def join(self, match: re.Match[str]) -> str:
        """Rejoin `resurs-\\nanvandning, 6ka` as `resursanvändning,\\n6ka` if it is Swedish."""
        head, tail, rest, space = match.groups()
        if head.lower() in _KEEP_HYPHEN or not tail[0].islower() or head[1:].isupper():
            return match.group(0)
        joined = self.word(head + tail)
        if not analyses(self.lexicon, joined.lower(), {}):
            return match.group(0)
        return joined + rest + ("\n" if space else "")


def _is_word(word: str) -> bool:
    return len(word) > 1 and any(c.isalpha() for c in word) and not re.search(r"[_1-578-9]", word)


def _with_case(original: str, repaired: str) -> str:
    if repaired == original.lower():
        return original
    if len(original) > 1 and original.isupper():
        return repaired.upper()
    if len(original) == len(repaired):
        pairs = zip(original, repaired, strict=True)
        return "".join(r.upper() if o.isupper() else r for o, r in pairs)
    return repaired[:1].upper() + repaired[1:] if original[:1].isupper() else repaired


def _suspicious(lexicon: Lexicon, word: str) -> bool:
    """Whether one lowercase word looks damaged: an OCR symbol, or a far likelier variant."""
    if _OCR_MARK.search(word) or ("é" in word and word not in lexicon):
        return True
    own = lexicon.frequency(word)
    found = analyses(lexicon, word, _RESTORE, max_parts=1 if own else 2)
    if own:
        return any(lexicon.frequency(a.text) >= own + CLEAR_GAIN for a in found)
    return bool(found) and best(lexicon, found).cost > 0


def _table(text: str, lexicon: Lexicon) -> Substitutions | None:
    """The substitutions this text calls for; None when it looks clean."""
    words = [m.group(0).lower() for m in _TOKEN.finditer(_SKIP.sub(" ", text))]
    words = [w for w in words if _is_word(w)]
    if not words or sum(w in _ENGLISH for w in words) > sum(w in _SWEDISH for w in words):
        return None
    distinct = set(words) - _SWEDISH
    marked = sum(bool(_OCR_MARK.search(w)) or "é" in w and w not in lexicon for w in distinct)
    if marked >= max(2.0, 0.01 * len(distinct)):
        return _LETTERS
    suspicious = sum(_suspicious(lexicon, w) for w in distinct)
    intact = sum(w in lexicon for w in distinct if any(c in "åäö" for c in w))  # "går"
    letters = sum(c.isalpha() for c in text)
    few_diacritics = letters >= 400 and sum(c in "åäöÅÄÖ" for c in text) < 0.005 * letters
    many = suspicious >= max(1.0, 0.04 * len(distinct)) and suspicious > intact
    return _SYMBOLS if many or few_diacritics else None


def needs_repair(text: str, lexicon: Lexicon | None = None) -> bool:
    """True when the text looks diacritic-damaged (many unknown words that a diacritic variant fixes, or almost no å/ä/ö in a long Swedish text)."""  # noqa: E501
    return _table(text, lexicon or Lexicon.from_wordfreq()) is not None


def repair_text(text: str, lexicon: Lexicon | None = None) -> str:
    """Restore diacritics and undo common OCR confusions, leaving correct words untouched."""
    lexicon = lexicon or Lexicon.from_wordfreq()
    repairer = _Repairer(lexicon, _table(text, lexicon))
    pieces, last = [], 0
    for skip in _SKIP.finditer(text):
        pieces += [_repair_span(repairer, text[last : skip.start()]), skip.group(0)]
        last = skip.end()
    pieces.append(_repair_span(repairer, text[last:]))
    return "".join(pieces)


def restore_diacritics(word: str) -> str:
    """Return a word typed without å/ä/ö with them back when Swedish at large makes that reading
    clearly likelier (the stripped-text rule above), else as typed: for questions typed in haste.

    >>> [restore_diacritics(w) for w in ("soker", "har", "forbundsmotet", "medarb")]
    ['söker', 'har', 'förbundsmötet', 'medarb']
    """
    return _typed().word(word, strict=True)


@lru_cache(maxsize=1)
def _typed() -> _Repairer:
    """The repairer of words typed without diacritics (restores them; no OCR confusions)."""
    return _Repairer(Lexicon.from_wordfreq(), _RESTORE)


def _repair_span(repairer: _Repairer, text: str) -> str:
    damaged = repairer.table is not None
    if damaged:
        text = _ONE_AS_I.sub(_one_as_i, _PIPE_AS_I.sub(r"\1I", text))
    text = _HYPHEN_BREAK.sub(repairer.join, text)
    previous, end = "", 0

    def repair(match: re.Match[str]) -> str:
        # After "har", and for a capitalised word mid-sentence (a name: Slack), lexicon
        # words only give way to a clearly likelier variant.
        nonlocal previous, end
        token, gap = match.group(0), match.string[end : match.start()]
        name = token[:1].isupper() and previous and not _SENTENCE_BREAK.search(gap)
        word = repairer.word(token, strict=bool(name) or previous in _AUXILIARIES)
        if damaged and _is_infinitive(repairer.lexicon, previous) and _is_infinitive(repairer.lexicon, word.lower()):
            word = token if token.lower() in repairer.lexicon else word  # fortsatta stays after förhindra
        previous, end = word.lower(), match.end()
        return word

    text = _TOKEN.sub(repair, text)
    if damaged:
        text = _THIS.sub(r"\1här", _HERE.sub(r"\1är\2", _YEARS.sub(_year, text)))
        text = _OUR.sub(r"\1\2år\3", text)
        text = _MEN_BEFORE.sub(r"\1än\2\3", _MEN_AFTER.sub(r"\1\2män\3", text))
        text = _MENS.sub(r"\1äns", text)
    return text


def _is_infinitive(lexicon: Lexicon, word: str) -> bool:
    """A verb's infinitive that takes no bare infinitive after it: förhindra (förhindrar), öka (ökar)."""
    if len(word) < 4 or not word.endswith("a") or word in _INFINITIVE_TAKERS:
        return False
    return max(lexicon.frequency(word + "r"), lexicon.frequency(word[:-1] + "er")) >= 3.0


def _one_as_i(match: re.Match[str]) -> str:
    """`stadens 1 stadens` is `i`; after a label (`steg 1`, `punkt 1`) the 1 is a number."""
    before = match.string[max(0, match.start() - 12) : match.start()].split()
    return match.group(0) if before and before[-1].lower() in _LABELS else match.group(1) + "i"


def _year(match: re.Match[str]) -> str:
    """`100 ar` and `varje ar` are `år`; `steg 3 är` and `2024 är` stay `är`."""
    label, count = (match.group(1) or "").lower(), match.group(2)
    if count.isdigit() and (label in _LABELS or 1900 <= int(count) < 2100):
        return match.group(0)
    return match.group(0)[:-2] + "år"
