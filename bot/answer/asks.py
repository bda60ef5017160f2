"""The kind of answer a question asks for, and whether a quote's text holds it.

vem → a person, role or body; vem är [a role] → the person who holds it, named by the role;
vad heter [a role] → a person's name by that role; när → a date; vilket datum / vilken dag →
a day (a date or a weekday); vilken tid → a time of day; hur många → a number that counts the
thing asked about; hur mycket pengar / vad kostar → an amount of money; hur stor del → a share;
vilka → several things, not the thing asked about named as one kind among others. The question's own words
never count as the answer: "kontakta dataskyddsombudet" does not say who it is.
"""

import re
from collections.abc import Collection
from typing import Literal

from bot.answer.matching import Term, covered
from bot.ingest.dates import MONTHS, WEEKDAYS
from bot.search.text import fold, terms

Ask = Literal[
    "who", "holder", "name", "when", "date", "time", "duration", "amount", "share", "count", "list", "how", "other"
]

# Money asked for: "hur mycket pengar", "vad kostar", "budget", "how much money".
_MONEY = (
    r"(pengar|kosta\w*|kostnad\w*|budget\w*|belopp\w*|kronor|pris\w*|avgift\w*|arvode\w*|bidrag\w*"
    r"|tjanar|tjanade|betala\w*|money|pay|pays|paid|cost\w*|price\w*|fees?|salary|salaries|earns?|earned|funding|grants?)"
)
PRICE = re.compile(r"(kosta\w*|pengar|pris\w*|belopp\w*|money|costs?|price\w*)$")
# Question patterns, checked in this order on the folded question ("vilken tid" before "vilken").
_ASKS: tuple[tuple[Ask, re.Pattern[str]], ...] = (
    ("time", re.compile(r"\b(vilken tid|hur dags|vilket klockslag|what time|at what time)\b")),
    (
        "share",
        re.compile(
            r"\b(hur stor (del|andel)|vilken andel|hur manga procent|what (share|proportion|percentage)"
            r"|how (large|big) a (share|part|proportion))\b"
        ),
    ),
    (
        "amount",
        re.compile(
            r"\b(hur (mycket|stor|stort|hog|hogt)|vad kostar|vilket belopp|how (much|large|big)|what does)\b"
            rf".*\b{_MONEY}\b"
            rf"|\b{_MONEY}\b.*\b(hur (mycket|stor|stort)|how much)\b|\b(vad|hur mycket) kosta(r|de)\b"
        ),
    ),
    ("duration", re.compile(r"\b(hur (lang tid|lange|mycket tid)|how (long|much time))\b")),
    ("count", re.compile(r"\b(hur (manga|mycket|stor|stora)|how (many|much)|vilket belopp|vad kostar)\b")),
    (
        "name",
        re.compile(
            r"^\W*(vad (heter|hette|kallas)|vilket namn|what(?: is|'s| was) the name"
            r"|what (?:is|are) (?:\w+ ){1,3}called)\b"
        ),
    ),
    # ...when a role follows (_holds_role); "vem e" is spoken, "which person" asks for one person
    ("holder", re.compile(r"^\W*(vem (ar|var|e)|who (is|was)|vilken person|which person)\b")),
    (
        "who",
        re.compile(
            r"^\W*(vem|vilka personer|vilken person|which (?:person|people)|who)\b|\bvem (ar|har|ansvarar|leder)\b"
        ),
    ),
    # A day, not any time: "vilket datum", "vilken dag i månaden" (a year or "löpande" does not say it)
    ("date", re.compile(r"^\W*(vilket datum|vilken (?:vecko)?dag|what date|(?:which|what) day)\b")),
    (
        "when",
        re.compile(
            r"^\W*(nar|vilket (ar|artal|datum)|vilka (artal|datum)|vilken (dag|period|manad|vecka|tidpunkt)"
            r"|sedan nar|hur ofta"
            r"|when|what date|how often|(what|which) (years?|periods?|months?|dates?))\b"
            r"|\b(under|fran|till|vid) vilken (period|tid|tidpunkt)\b|\b(in|during) which (years?|periods?)\b"
            r"|\bnar (ar|blir|borjar|ska)\b"
        ),
    ),
    # "which" is plural only by its noun: "which grounds" lists, "which article of …" names one
    ("list", re.compile(r"^\W*(vilka|what are|which (?:\w+ )?\w+[^s\W]s)\b")),
    ("how", re.compile(r"^\W*(hur (gor|ska|bor|kan) (vi|man|jag|ni)|how (do|should|can) (we|i|you))\b")),
)
# "När vi …, ska vi …?", "Om man …, vem …?": a clause that sets the scene, cut at its comma or dash
# when a question follows (matched on the folded question).
_LEADING_CLAUSE = re.compile(
    r"^\W*(?:nar|om|innan|efter att|eftersom|utover att|forutom att|when|if|before|after)\s+"
    r"(?:vi|jag|man|du|ni|de|dom|hen|han|hon|nagon|en|det)\b[^,–—]*?(?:,|\s[–—-])\s+(?=\w+\s+\w+)"
)
# "Vad heter [förbundschefen]": the noun a name is asked for (articles and possessives skipped).
_NAMED = re.compile(
    r"^\W*(?:vad (?:heter|hette|kallas)|what(?: is| s| was) the name of)\s+"
    r"(?:(?:en|ett|den|det|de|var|vart|vara|er|ert|era|min|mitt|mina|the|a|an|our|your|their|my)\s+)?(\w+)"
)
# Nouns for a person by role or agent ("verksamhetsutvecklaren", "förbundschefen", "the chair").
_PERSON = re.compile(
    r"(are|aren|arna|ör|ören|chef|chefen|ordförande|ordföranden|ombud|ombudet|ombudsman|ansvarig|ansvariga"
    r"|person|personen|ledamot|ledamoten|kollega|kollegan|chair|chairman|chairperson|manager|director"
    r"|coordinator|officer|leader|head|boss|contact|representative)$"
)
# A role one person holds ("vem är [HR-chef]", "who is the [chair]"), matched on the folded noun:
# the answer names the person by the role; another role or body in the quote does not say who
# holds it. "Ansvarig" is not one: "vem är ansvarig för …" is answered by a role or a body.
_ROLE = re.compile(
    r"(chef|chefen|ordforande|ordforanden|ombud|ombudet|ombudsman|ledare|ledaren|ledamot|ledamoten"
    r"|kontaktperson|kontaktpersonen|person|chair|chairman|chairperson|manager|director|officer|contact|head|boss)$"
)
_HOLDER = re.compile(
    r"^\W*(?:vem (?:ar|var|e)|who (?:is|was)|(?=vilken person|which person)\w+)\s+"
    r"(?:(?:en|ett|den|det|var|vart|vara|er|ert|era|min|mitt|mina|the|a|an|our|your|their|my)\s+)?(.*)"
)
# The noun asked about ("§") named as one item of an enumeration: "vilka utvärderare" is not
# answered by "leverantörer, utvärderare och föreläsare".
_SIBLING = re.compile(
    r",\s*§\s*(?:,|\b(?:och|eller|samt|and|or)\b)|,\s*[^,.;:]+\s(?:och|eller|samt|and|or)\s+§"
    r"|§\s*,\s*[^,.;:]+\b(?:och|eller|samt|and|or)\b"
)
_ITEM_LINE = re.compile(r"^\W*(?:[-*•]|\d{1,2}[.)])\s+")
_MONTHS = "|".join(MONTHS)
_WEEKDAYS = "|".join(WEEKDAYS)
_EVIDENCE: dict[Ask, re.Pattern[str]] = {
    "time": re.compile(r"\b([01]?\d|2[0-3])[:.][0-5]\d\b|\bklockan\b|\bkl\.\s?\d", re.I),
    "count": re.compile(
        r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|hundra|tusen|"
        r"hälften|procent|kronor|dubbelt|gratis|kostnadsfri(tt)?|avgiftsfri(tt)?)\b",
        re.I,
    ),
    # A length of time: a number (or "en") and a unit, "ungefär två veckor", "30 minuter", "ett halvår".
    "duration": re.compile(
        r"\b(\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|tolv|femton|tjugo|trettio|några|par|halv)\s*"
        r"(minut\w*|min|timm\w*|tim|h|dag\w*|veck\w*|månad\w*|år|åren|termin\w*|halvår\w*|halvtimm\w*)\b"
        r"|\b(halvår\w*|halvtimm\w*|heldag\w*|halvdag\w*)\b",
        re.I,
    ),
    "when": re.compile(
        rf"\b(1[89]\d\d|20\d\d|{_MONTHS}|måndag|tisdag|onsdag|torsdag|fredag|vår(en)?|sommar(en)?"
        r"|höst(en)?|vinter(n)?|årlig(en)?|månadsvis|veckovis|varje (dag|vecka|månad|år|termin)"
        r"|en gång|senast|inför|efter|innan|före|i samband med|sedan|datum)\b|\d{1,2}/\d{1,2}",
        re.I,
    ),
    "date": re.compile(
        rf"\b\d{{1,2}}(?::e)?\s(?:{_MONTHS})\b|\b(?:den|on the) \d{{1,2}}(?::?[ae]|st|nd|rd|th)?\b|\d{{4}}-\d\d-\d\d"
        rf"|\d{{1,2}}/\d{{1,2}}|\b(?:{_WEEKDAYS})(?:en|ar|arna)?\b|\bdag \d{{1,2}}\b",
        re.I,
    ),
    "amount": re.compile(
        r"\d[\d\s.,]*\s?(kr\b|kr\.|kronor|tkr|mkr|mnkr|miljon\w*|miljard\w*|sek\b|euro\w*|€|:-)"
        r"|\b(gratis|kostnadsfri(tt|a)?|avgiftsfri(tt|a)?|utan kostnad|free of charge)\b",
        re.I,
    ),
    "share": re.compile(
        r"\d+(?:[.,]\d+)?\s?(%|procent)|\b(hälften|halva|\w*tredjedel\w*|\w*fjärdedel\w*|\w*femtedel\w*"
        r"|majoriteten|merparten)\b",
        re.I,
    ),
    # A person's name: two capitalised words ("Anna Lindqvist"), the question's own masked.
    "name": re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)? [A-ZÅÄÖ][a-zåäöé]+\b"),
    "who": re.compile(
        r"\b\w*(chef|chefen|ordförande|ansvarig|ansvarar|ansvaret|samordnare|ombud|ombudet|"
        r"ombudsmannen|styrelse|styrelsen|styrgrupp\w*|nämnd\w*|ledning\w*|ledare|handläggare|kansli\w*|"
        r"arbetsgivare\w*|samordnare\w*)\b"
        r"|\b[A-ZÅÄÖ][a-zåäöé]+ [A-ZÅÄÖ][a-zåäöé]+\b"
        r"|\b(DO|SBAB|IVO|Försäkringskassan|Arbetsförmedlingen|Make Equal)\b"
        r"|\b(av|från|by|from) [A-ZÅÄÖ]\w+"  # the agent: "drevs av Finsam", "3R-metoden från JämKom"
        r"|\b([Vv]em som helst|[Vv]ar och en|anyone|everyone)\b"
        r"|\b[Dd]en som (?!helst\b)\w+",  # "den som leder APT-punkten"
    ),
}
# Numbers that count nothing: years, dates, times of day, a law's chapters and sections, and
# lengths of time ("demokratin fyller 100 år", "den 8 november", "3 kap. 2 §", "2021–2027").
_NOT_COUNTS = re.compile(
    rf"\b(?:1[89]|20)\d\d(?:\s?[–-]\s?(?:1[89]|20)?\d\d)?\b|\b\d{{1,2}}\s(?:{_MONTHS})\b"
    r"|\b\d{1,2}[:.]\d\d\b|\b\d+\s?(?:kap\.|§)|\b\d+\s(?:år|dagar|veckor|månader|timmar|minuter)\b"
    # ...and numbers that name, not count: list markers, "steg 2", "punkt 4", "artikel 9"
    r"|^\W*\d{1,2}[.)]\s|\b(?:steg|steget|punkt|punkten|kap|kapitel|artikel|artikeln|bilaga|nr|nummer)\s\d+\b",
    re.I | re.M,
)
BY = 2  # words between a role and the name that goes with it ("förbundschef är Anna Lindqvist")
NEAR = 3  # words between a number and the thing it counts ("sju steg", "sex former av diskriminering")


def ask_kind(question: str) -> Ask:
    """Return the kind of answer a question asks for.

    >>> [ask_kind(q) for q in ("Vem är vårt dataskyddsombud?", "När är nästa demokratidag?",
    ...  "Vilken tid börjar APT?", "Hur många steg har trappan?", "Vilka är grunderna?", "Vad är HP?",
    ...  "Hur gör vi en HP-punkt?", "Hur lång tid tar steg 4?")]
    ['holder', 'when', 'time', 'count', 'list', 'other', 'how', 'duration']

    A clause that sets the scene is not the question: "När vi tar fram åtgärder, ska vi …?"
    asks whether, not when.

    >>> ask_kind("När vi tar fram åtgärder i sista steget – ska vi bestämma vem som ansvarar?")
    'other'
    """
    folded = _LEADING_CLAUSE.sub("", re.sub(r"\bmkt\b", "mycket", fold(question)))  # "hur mkt" in Slack
    for kind, pattern in _ASKS:
        if pattern.search(folded) and (kind != "name" or _names_person(question)) and (
            kind != "holder" or _holds_role(folded)
        ):
            return kind
    return "other"


def _holds_role(folded: str) -> bool:
    """Whether a "vem är …" question asks who holds a role: its noun, or (English) one of the
    three words after "who is the", is a role one person holds.

    >>> _holds_role("vem ar vart dataskyddsombud"), _holds_role("who is the data protection officer")
    (True, True)
    >>> _holds_role("vem ar ansvarig for planen"), _holds_role("vem ar det som tar upp avvikelsen")
    (False, False)
    """
    match = _HOLDER.match(folded)
    if match is None:
        return False
    words = re.findall(r"\w+(?:-\w+)*", match.group(1))[: 3 if match.group(0).startswith("who") else 1]
    return any(_ROLE.search(w) for w in words)


def _names_person(question: str) -> bool:
    """Whether a "vad heter …" question asks for a person: its noun is a role ("förbundschefen").

    >>> _names_person("Vad heter förbundschefen?"), _names_person("Vad heter metoden?")
    (True, False)
    """
    noun = named_noun(question)
    if noun is None:
        return False
    following = question[question.index(noun) :].split()[:3]  # "the data protection officer"
    return any(_PERSON.search(w.lower().strip("?!.,")) for w in (following if noun.isascii() else [noun]))


def named_noun(question: str) -> str | None:
    """Return the noun of a "vad heter …" question, as typed."""
    typed = re.findall(r"\w+", question)
    match = _NAMED.search(" ".join(fold(w) for w in typed))
    return typed[match.string[: match.start(1)].count(" ")] if match else None


def has_evidence(kind: Ask, text: str, asked: Collection[Term] = ()) -> bool:
    """Return True when `text` holds the kind of answer asked for ("other": always).

    The question's own words do not count: "kontakta dataskyddsombudet" does not say
    *who* the dataskyddsombud is. A count must count the thing asked about ("sju steg"
    for "hur många steg"), and a "vilka" question wants several things: a list, an
    enumeration, or names.

    >>> has_evidence("when", "Planen antogs i oktober 2023."), has_evidence("when", "Planen gäller alla.")
    (True, False)
    >>> has_evidence("who", "Förbundschefen ansvarar för planen."), has_evidence("time", "Mötet är på måndag.")
    (True, False)
    >>> has_evidence("duration", "Kallelsen skickas ut två veckor i förväg."), has_evidence("duration", "Steg 7")
    (True, False)
    >>> has_evidence("who", "Fråga dataskyddsombudet.", [Term("dataskyddsombud", "dataskyddsombud")])
    False

    "Vem är [role]" asks who holds the role: a name by it, not another role.

    >>> chef = [Term("HR", "hr"), Term("chef", "chef", asked=True)]
    >>> has_evidence("holder", "Verksamhetschefen har talat med alla HR-chefer.", chef)
    False
    >>> has_evidence("holder", "Förvaltningens HR-chef är Eva Berg.", chef)
    True
    >>> has_evidence("holder", "Styrelsens ordförande är Eva Berg.", [Term("board", "board")])  # English
    True
    >>> has_evidence("holder", "Verktyget togs fram av SBAB och Make Equal.", [Term("contact", "contact")])
    False
    >>> has_evidence("count", "Demokratin fyller 100 år den 8 november 2021."), has_evidence("count", "Vi är 40.")
    (False, True)
    >>> has_evidence("count", "Make Equal: steg 2 är en föreläsning."), has_evidence("count", "1. Undersöka")
    (False, False)
    >>> steg = [Term("steg", "steg", required=True, asked=True)]
    >>> has_evidence("count", "Trappan har sju steg.", steg), has_evidence("count", "Steg 7 tar 30 minuter.", steg)
    (True, False)
    >>> has_evidence("list", "Vi besöker leverantörerna."), has_evidence("list", "Målen är a, b och c.")
    (False, True)
    """
    if kind == "count" and any(t.asked for t in asked):
        return _counted(text, [t for t in asked if t.asked])
    if kind == "list":
        return _several(_masked(text, asked))
    if kind in ("name", "holder") and "§" in (masked := _masked(text, asked)):
        return _name_by(masked)
    if kind == "holder":  # the role asked about is not in the quote (an English question): a name by any role
        roles = re.sub(r"\w+", lambda m: "§" if _ROLE.search(fold(m.group(0))) else m.group(0), masked)
        return "§" in roles and _name_by(roles)
    pattern = _EVIDENCE.get(kind)
    if pattern is None:
        return True
    if kind == "count":  # "hur många får plats?": a year, a date or a law's chapter counts nobody
        text = _NOT_COUNTS.sub(" ", text)
    return bool(pattern.search(_masked(text, asked)))


def _masked(text: str, asked: Collection[Term]) -> str:
    """Replace the question's own words in `text` by "_" (the noun asked about by "§"),
    and the words an acronym of the question stands for ("MR" → "Mänskliga Rättigheter").

    >>> _masked("MR-ambassadörer (Mänskliga Rättigheter) och utvärderare", [Term("MR", "mr"),
    ...  Term("utvärderare", "utvarder", asked=True)])
    '_-ambassadörer (_) och §'
    """
    stems = {t.stem for t in asked}
    if not stems:
        return text
    for t in asked:
        if t.word.isupper() and t.word.isalpha() and 2 <= len(t.word) <= 5:
            text = re.sub(r"\b" + r"\s+".join(rf"{c}\w+" for c in t.word) + r"\b", "_", text)
    focus = {t.stem for t in asked if t.asked}

    def mark(match: re.Match[str]) -> str:
        found = set(terms(match.group(0)))
        return "§" if found & focus else "_" if found & stems else match.group(0)

    return re.sub(r"\w+", mark, text)


def _counted(text: str, counted: Collection[Term]) -> bool:
    """Whether a number stands at most NEAR words before a word for the thing counted."""
    words = re.findall(r"[\w–-]+", text)
    for i, word in enumerate(words):
        if any(covered(t, set(terms(word))) for t in counted):
            before = " ".join(words[max(0, i - NEAR) : i])
            if _EVIDENCE["count"].search(before):
                return True
    return False


def _name_by(masked: str) -> bool:
    """Whether a name stands by the role asked about ("§"): a capitalised word, not the first of
    its sentence, at most BY words away ("författaren Joseph _", "§ är Anna Lindqvist").

    >>> _name_by("Lex Heller kommer från § Joseph _."), _name_by("Enligt Lex Heller tas den emot av förbundets §.")
    (True, False)
    >>> _name_by("Verksamhetsutvecklaren för den till §.")
    False
    """
    words = list(re.finditer(r"[\w§]+", masked))
    roles = [i for i, w in enumerate(words) if w.group(0) == "§"]
    for i, word in enumerate(words):
        inner = re.search(r"\w[^\w.?!:]*$", masked[: word.start()])
        if word.group(0)[0].isupper() and inner and any(abs(i - j) <= BY for j in roles):
            return True
    return False


def _several(text: str) -> bool:
    """Whether `text` names several things: list items, "a, b och c", or two names."""
    if _SIBLING.search(text):  # "leverantörer, utvärderare och föreläsare": kinds, not the ones asked for
        return False
    if sum(bool(_ITEM_LINE.match(line)) for line in text.splitlines()) >= 2:
        return True
    if re.search(r"[\w)]+(?:,\s+[^,.;:]+)+,?\s+(?:och|eller|samt|and|or)\s+\w+", text):
        return True
    inner = [m for m in re.finditer(r"\b[A-ZÅÄÖ]\w+", text) if re.search(r"\w[^\w.?!:]*$", text[: m.start()])]
    return len(inner) >= 2
