"""How strongly one sentence holds the kind of answer a question asks for (graded, for ranking).

`coverage.has_evidence` says yes or no, for deciding whether the documents answer.
Choosing *which* sentence to quote first needs degrees and every ask of the question:

- "Var och när började …?" asks for a date though it does not open with "när";
- "hur ofta …?" asks for a recurrence ("varje år", "årligen", "på årets sista möte"),
  which a single past date ("reviderad 2022-11-22") does not give;
- a full date ("den 8 november") answers "när" better than a season ("under hösten");
- "vad är X?", "vad står X för?" are answered by the sentence that defines X
  ("Jämlikhetsdata är statistik om …", "4R står för …").

The question's own words are never evidence: "kontakta DO" does not say who may report
to DO (`coverage.has_evidence` masks them).
"""

import re
from collections.abc import Collection

from bot.answer.coverage import Ask, Term, has_evidence
from bot.answer.matching import same_word
from bot.ingest.dates import MONTHS
from bot.search.text import fold, terms

_MONTH = "|".join(MONTHS)
_FULL_DATE = re.compile(rf"\b\d{{1,2}}\s+({_MONTH})\b|\b(19|20)\d\d-\d\d-\d\d\b|\b\d{{1,2}}/\d{{1,2}}\b", re.I)
_MONTH_OR_YEAR = re.compile(rf"\b({_MONTH}|1[89]\d\d|20\d\d)\b", re.I)
_OFTEN = re.compile(
    r"\b(varje|varannan|vartannat|årlig(en|t|a)?|årets|månatlig\w*|månadsvis|veckovis|dagligen|"
    r"löpande|regelbundet|kontinuerligt|återkommande|fortlöpande|stående|kvartal\w*|halvår\w*|"
    r"gång(er)? (i|per|om) (dag|dagen|vecka|veckan|månad|månaden|år|året|termin|terminen)|"
    r"per (dag|vecka|månad|år|termin)|every|annually|monthly|weekly)\b",
    re.I,
)
# A definition: the thing asked about, early in the sentence, then the verb that defines it.
_DEFINES = re.compile(r"^(\S+\s+){0,3}?(är|betyder|innebär|står för|handlar om|avser|kallas|menas)\b", re.I)
_DEFINITION_ASKED = re.compile(
    r"^\W*vad (ar|e|betyder|innebar|star|menas|handlar|avser)\b"
    r"|\bvad (betyder|innebar|menas med|avses med|raknas som)\b"
)
# "Vad står [ESF] för?", "vad betyder förkortningen [DO]": the abbreviation asked about (not "ESF+-ansökan").
_ACRONYM_ASKED = re.compile(
    r"(?i:\bvad\s+(?:står|betyder|är|e|innebär|menas\s+med)\s+(?:förkortningen\s+)?)([A-ZÅÄÖ]{2,6})\b(?![-+])"
)
# A list item that opens with a bold label defines or rules on just that: "- **Strukturnivå:** …".
_LABEL = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+\*\*([^*]+?):?\*\*")
_SECOND_ASKS: tuple[tuple[Ask, re.Pattern[str]], ...] = (
    ("when", re.compile(r"\b(nar|sedan nar|vilket ar|when)\b")),
    ("who", re.compile(r"\b(vem|vilka personer|who)\b")),
    ("count", re.compile(r"\bhur (manga|mycket)\b|\bhow (many|much)\b")),
)

Want = str  # an Ask, or "often" (a recurrence) or "define" (a definition)
_KINDS: dict[Want, Ask] = {"who": "who", "time": "time", "count": "count"}


def wanted(question: str, ask: Ask) -> frozenset[Want]:
    """Return every kind of answer `question` asks for: its main ask and the ones joined to it.

    >>> sorted(wanted("Var och när började man använda Lex Heller?", "other"))
    ['when']
    >>> sorted(wanted("Hur ofta revideras planen?", "when")), sorted(wanted("Vad är jämlikhetsdata?", "other"))
    (['often'], ['define'])
    """
    folded = fold(question)
    found: set[Want] = {ask} if ask not in ("other", "how", "list") else set()
    found |= {kind for kind, pattern in _SECOND_ASKS if pattern.search(folded)}
    if re.search(r"\b(hur ofta|how often)\b", folded):
        found = (found - {"when"}) | {"often"}
    if _DEFINITION_ASKED.search(folded):
        found.add("define")
    return frozenset(found)


def strength(wants: Collection[Want], text: str, asked: Collection[Term], question: str) -> float:
    """Return how well `text` holds the kinds of answer wanted, 0..1 (the mean over the kinds).

    >>> round(strength({"when"}, "Dagen hålls den 8 november.", [], ""), 2)
    1.0
    >>> round(strength({"when"}, "Dagen hålls under hösten 2021.", [], ""), 2)
    0.6
    >>> strength({"often"}, "Planen är reviderad 2022-11-22.", [], "")
    0.0
    >>> strength({"often"}, "Planen revideras varje år.", [], "")
    1.0
    >>> strength({"define"}, "4R står för Representation och Resurser.", [], "Vad står 4R för?")
    1.0
    """
    if not wants:
        return 0.0
    return sum(_one(want, text, asked, question) for want in wants) / len(wants)


def _one(want: Want, text: str, asked: Collection[Term], question: str) -> float:
    """Return how well `text` holds one kind of answer."""
    if want in ("when", "date"):
        if _FULL_DATE.search(text):
            return 1.0
        return 0.6 if _MONTH_OR_YEAR.search(text) else 0.3 if has_evidence("when", text, asked) else 0.0
    if want == "often":
        return 1.0 if _OFTEN.search(text) else 0.0
    if want == "define":
        return 1.0 if defines(text, question) else 0.0
    kind = _KINDS.get(want)
    return 1.0 if kind is not None and has_evidence(kind, _spelled_out(text, asked), asked) else 0.0


def _spelled_out(text: str, asked: Collection[Term]) -> str:
    """Drop the long form of an abbreviation the question uses: it is the question's own word.

    >>> _spelled_out("Anmäl till Diskrimineringsombudsmannen (DO).", [Term("DO", "do")])
    'Anmäl till (DO).'
    """
    stems = {t.stem for t in asked}

    def drop(match: re.Match[str]) -> str:
        return match.group(0) if not set(terms(match.group(2))) & stems else f"({match.group(2)})"

    return re.sub(r"\b([\w-]+) \(([A-ZÅÄÖ]{2,6})\)", drop, text)


def defines(text: str, question: str) -> bool:
    """Whether `text` opens by defining a word of `question` ("X är …", "X står för …").

    >>> defines("Jämlikhetsdata är statistik om bemötande.", "Vad är jämlikhetsdata?")
    True
    >>> defines("Insamling av jämlikhetsdata bygger på tre principer.", "Vad är jämlikhetsdata?")
    False
    >>> defines("- **Strukturnivå:** På strukturnivå handlar analysen om regler.", "Vad innebär strukturnivån?")
    True
    >>> defines("- **Sexuella trakasserier:** Ett uppträdande av sexuell natur.", "Vad räknas som trakasserier?")
    False
    >>> esf = ("Europeiska socialfonden (ESF+) kräver …", "Vårt ESF-projekt (Europeiska Socialfonden) …", "ESF-rådet")
    >>> [defines(text, "Vad betyder ESF?") for text in esf]
    [True, True, False]
    >>> [defines(text, "Vad står HP för?") for text in ("Principerna, ofta förkortade HP, är …", "En HP-punkt är …")]
    [True, False]
    >>> defines("- **Icke-diskriminering:** Principen innebär …", "Min ESF+-ansökan: vad innebär icke-diskriminering?")
    True
    """
    acronyms = _ACRONYM_ASKED.findall(question)
    if acronyms:  # an abbreviation is defined by its spelled-out form: "Europeiska socialfonden (ESF+)"
        spelled = (rf"\({a}\W?\)|\b{a}\S*\s\([A-ZÅÄÖ][a-zåäö]+ \w|förkorta\w*\s+{a}\b" for a in acronyms)
        return any(re.search(pattern, text) for pattern in spelled)
    label = _LABEL.match(text)
    if label is not None:  # "- **Trakasserier:** …" defines trakasserier, not sexuella trakasserier
        words = [w for w in re.findall(r"\w+", label.group(1)) if terms(w)]
        asked = re.findall(r"\w+", question)
        return bool(words) and all(any(same_word(w, v) for v in asked) for w in words)
    match = _DEFINES.search(text)
    if match is None:
        return False
    subject = set(terms(text[: match.start(2)]))
    return bool(subject & set(terms(question)))
