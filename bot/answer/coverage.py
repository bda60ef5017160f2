"""Does a quote answer the question? Its specific terms, and the kind of answer it asks for.

Relevance of the best passage cannot tell "the documents answer this" from "the documents
are about this topic but do not say *that*" (a salary, a named person, next year's date).
The quote can. One quote answers when, together with its title, section and lead-in, it
holds

- QUOTE_COVERAGE of the question's specific terms (not question words, not words that occur
  all over the knowledge base, not very common Swedish words), and every required one: the
  noun asked about, numbers and ordinals, a fact asked for by name (a salary, a password, a
  penalty: "lönekartläggning" does not answer "lön"), and the question's names (another
  project, organisation or place);
- the kind of answer asked for (bot/answer/asks.py).

Terms are matched word by word as in bot/answer/matching.py. Each check is explainable on
its own; the answerer records which terms were missing and whether the kind was there.
"""

import re
from collections.abc import Callable, Collection
from dataclasses import replace

from bot.answer.asks import PRICE, Ask, ask_kind, has_evidence, named_noun
from bot.answer.matching import ENDINGS, Term, compound_parts, coverage, uncovered, zipf
from bot.search.text import fold, terms

__all__ = [  # what the answerer and the selection use, wherever it lives
    "ASKING",
    "PAST",
    "MIN_COVERAGE",
    "Ask",
    "Term",
    "answers",
    "ask_kind",
    "asking_sentence",
    "compound_parts",
    "coverage",
    "english_terms",
    "fact_term",
    "focus_word",
    "has_evidence",
    "own_names",
    "specific_terms",
    "uncovered",
    "zipf",
]

# Words that only ask, in any question; folded and stemmed like every other term.
ASKING = frozenset(
    terms(
        "vem vad när hur vilken vilket vilka varför var vart många mycket ofta länge dags "
        "betyder betyda innebär innebära gäller gälla står säger säga handlar menas göra gör slags sorts "
        "finns ska skall kan får måste vill behöver egentligen exakt nu räknas nämns listas "
        # ...and the words that point into a document, not at what it says ("enligt inledningen")
        "inledningen inledning förkortningen förkortning stycket avsnittet formuleringen texten dokumentet "
        "who what when how which why where many much often mean means does say says"
    )
)
# Time words anchored on the day of asking: a document, written once, cannot say when
# "nästa" APT is or how many came "i år" unless it says so in the same words.
_NOW = frozenset("nästa förra kommande hittills idag nuvarande next last today".split())
# ...and the past and the running year, whatever is asked: a document cannot say how "förra
# månaden" went or what was done "hittills" ("Fanns det skillnader förra månaden?").
PAST = frozenset("förra hittills fjol".split())
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# The noun that names the kind of answer of a "när" question ("vilken period gällde …"): the
# date or period quoted answers it, the noun itself need not be written.
_WHEN_NOUNS = frozenset(
    terms("period perioden år året årtal datum datumet dag dagen månad månaden vecka veckan tidpunkt tidpunkten")
)
# Nouns that only name a kind of item in a "vilka/vilken …" question: the list's items answer it.
_KINDS_OF = frozenset(
    terms("områden område saker sak delar del typer typ ämnen ämne aspekter aspekt sorter punkt punkter")
)
# Spoken forms of function words, typed in Slack ("vem ska jag vända mej till"); wordfreq ranks
# them below GENERIC_ZIPF, so without this they would count as specific terms.
# Abbreviations of function words too ("vad räknas som trakasserier enl lagen").
_SPOKEN = frozenset(
    terms("mej dej sej dom nån nåt nåra nånting sån sånt sånna sådär asså mkt ngn ngt elr ba enl ang pga mha ev resp"
          " inkl exkl osv dvs tex bla"
          # ...and Slack's verbs for doing anything ("vad behöver jag fixa"): a document says what is done
          " fixa fixar greja grejar kolla kollar")
)
# A noun after "sådan/sådant/sådana" points back at the story told ("gäller lagen i ett sådant
# sammanhang?"): it is not asked about, and no document names it.
_POINTS_BACK = re.compile(r"\b(?:sådan|sådant|sådana|dylik|dylikt|dylika|such)\s+(?:an?\s+)?(\w+)", re.I)
# A law, ordinance, convention or code by name ("förvaltningslagen", "barnkonventionen"): the
# documents answer about it only where they name it, like a project or a place. Matched on the
# stem; "förslag", "underlag" are no laws (a short prefix before "slag", "underlag" itself).
_LAW = re.compile(r"^(?!\w*underlag$)(?:\w{5,}s|\w{4,}[^s])lag$|^\w{4,}(?:forordning|konvention|balk)$")
_ORDINAL_WORDS = (
    "första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte tolfte",
    "first second third fourth fifth sixth seventh eighth ninth tenth",
)
_ORDINALS = frozenset(w for words in _ORDINAL_WORDS for w in words.split())
_ORDINAL_NUMBER = {w: str(n) for words in _ORDINAL_WORDS for n, w in enumerate(words.split(), 1)}
_NUMBER_ORDINAL = {str(n): tuple(terms(w)) for n, w in enumerate(_ORDINAL_WORDS[0].split(), 1)}
# Asks whose answer is a fact of its own (a salary, a password, a penalty, a budget): a quote that
# does not name it does not answer, however much else it shares. Folded Swedish base form → the
# words that say the same, and the English words that ask for it (English is not in the quotes).
_FACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "losenord": (("anvandarnamn", "inloggning"), ("password", "passwords", "passcode", "username", "login")),
    "anvandarnamn": (("losenord", "inloggning"), ()),
    "lon": (("arvode",), ("salary", "salaries", "wage", "wages")),
    "semester": ((), ("vacation", "vacations")),
    "straff": (
        ("boter", "fangelse", "sanktion", "skadestand"),
        ("penalty", "penalties", "punishment", "sanction", "sanctions"),
    ),
    "budget": ((), ("budget", "budgets")),
    # Leave is a fact of its own, like pay ("ledighet" alone stems to "led", as "leder" does).
    "tjanstledig": (("tjanstledighet",), ()),
    "tjanstledighet": (("tjanstledig",), ()),
    "foraldraledig": (("foraldraledighet",), ()),
    "foraldraledighet": (("foraldraledig",), ()),
    "sjukskriv": (("sjukskrivning", "sjukfranvaro"), ()),
    "sjukskrivning": (("sjukskriv", "sjukfranvaro"), ()),
    "overtid": ((), ("overtime",)),
    "telefonnummer": ((), ("phone",)),
}
# "Vad tjänar en projektledare?" asks for pay, though "tjäna" also means serve ("kan tjäna som exempel").
_PAY_WORD = re.compile(r"tjana(?:r|de)?|earns?|earned|earning")
_PAY_VERB = re.compile(rf"\b(?:vad|hur mycket)\s+(?:\w+\s+)?{_PAY_WORD.pattern}\b|\b(?:earns?|earned|earning)\b")
_FACT_WORD = re.compile(rf"^(?:\w{{4,}})?({'|'.join(_FACTS)})({'|'.join(ENDINGS)})$")
_FACT_EN = {en: base for base, (_, english) in _FACTS.items() for en in english}
GENERIC_ZIPF = 5.0  # words this frequent in Swedish at large ("heter", "brukar") ask nothing specific
NAMES_REQUIRED = True  # a name of the question must be in the quote that answers (another project, a place)
ENGLISH_ZIPF = 3.0  # a capitalised word this frequent in English is English ("Swedish"), not a name
MIN_COVERAGE = 0.6  # share of the specific terms all quotes together must hold (tuned on the tune half)
QUOTE_COVERAGE = 0.5  # ...and the one quote that answers (a verb may be said otherwise: började, startade)


# The noun an ask is about: "vem är [projektledare]", "hur många [timmar]", "vilka [leverantörer]",
# "vilket [diarienummer]"; a "vem" question's own verb too ("vem [utvärderar]"). Matched on the
# folded question; possessives and articles before the noun are skipped (closed word classes).
_FOCUS = re.compile(
    r"\b(?:vem (?:ar|var)|hur manga|vilken|vilket|vilka|who (?:is|was|are)|how many|which)\s+"
    r"(?:(?:en|ett|den|det|de|var|vart|vara|er|ert|era|min|mitt|mina|din|ditt|dina|sin|sitt|sina"
    r"|the|a|an|our|your|their|my)\s+)?(\w+)"
    r"|^\W*(?:vem|who)\s+(\w+)"
    # "vad visade [utvärderingen]": the subject of a "vad" question's own verb (not "vad är/gör …")
    r"|^\W*vad\s+(?!(?:ar|var|betyder|innebar|gor|ska|skall|kan|far|maste|menas|handlar|galler|finns|hander"
    r"|behover|bor|vill|sager|star)\b)\w+\s+(?:(?:en|ett|den|det|de|var|vart|vara|er|ert|era|min|mitt|mina"
    r"|din|ditt|dina|sin|sitt|sina)\s+)?(?!(?:man|vi|jag|du|ni|de|dom|det|den|hon|han|hen|folk|nagon)\b)(\w+)"
    # "hur [anmäler] jag mig": the verb of a "hur" question asked of a person is what it is about
    r"|^\W*hur\s+(?!(?:ar|var|gor|gjorde|ska|skall|kan|far|maste|bor|vill|behover|manga|mycket|lange|ofta|stor"
    r"|stort|stora|lang|langt|gammal|tidigt|sent|snabbt|bra|mkt)\b)(\w+)\s+(?:jag|man|vi|ni|du|dom|de)\b"
)


def answers(question_terms: Collection[Term], context: str, text: str, kind: Ask, own: Collection[Term] = ()) -> bool:
    """Whether one quote answers: its `context` (the quote with its title, section and lead-in)
    holds QUOTE_COVERAGE of the specific terms and every required one, and its `text` the kind
    of answer asked for.

    Judged quote by quote, not over all quotes together: terms scattered over three
    documents ("uppgifter", "Försäkringskassan", "samtycke") answer nothing.

    >>> plan, lon, chef = Term("planen", "plan"), Term("lön", "lon"), Term("chefens", "chef")
    >>> answers([plan], "Planen antogs 2022.", "Planen antogs 2022.", "when")
    True
    >>> answers([plan, lon, chef], "Planen antogs 2022.", "Planen antogs 2022.", "when")
    False

    `own` are the question's names that are too common to be terms ("Samordningsförbundet"):
    they are no answer either ("Vem skrev under för Samordningsförbundet Stockholms stad?").
    """
    missing = uncovered(question_terms, context)
    share = 1.0 - len(missing) / len(question_terms) if question_terms else 1.0
    if share < QUOTE_COVERAGE or any(t.required or (NAMES_REQUIRED and t.named) for t in missing):
        return False
    return has_evidence(kind, text, [*question_terms, *own])


def focus_word(question: str) -> tuple[str, bool] | None:
    """Return the word a question asks about, as typed, and whether it is a verb ("vem [leder]",
    "hur [anmäler] jag mig").

    >>> focus_word("Vem är vårt dataskyddsombud?"), focus_word("Hur många timmar får jag lägga?")
    (('dataskyddsombud', False), ('timmar', False))
    >>> focus_word("Vem utvärderar projektet?"), focus_word("Vad är HP?")
    (('utvärderar', True), None)
    >>> focus_word("Hur anmäler jag mig till webbinariet?"), focus_word("Hur gör vi en HP-punkt?")
    (('anmäler', True), None)
    """
    typed = re.findall(r"\w+(?:-\w+)*", question)  # "e-postadress" is one word
    folded = " ".join(fold(w).replace("-", "_") for w in typed)
    match = _FOCUS.search(folded)
    if match is None:
        return None
    group = next(g for g in (1, 2, 3, 4) if match.group(g))
    index = folded[: match.start(group)].count(" ")  # the typed word at the same position
    return typed[index].split("-")[-1], group in (2, 4)  # its last part is the term ("postadress")


def _object_of(question: str, verb: str, frequency: Callable[[str], float]) -> str:
    """Return the noun right after a common verb ("vem tog [initiativet]", "vem har [ansvaret]"),
    or the verb when a function or common word follows ("vem tar emot", "vem ska leda").

    >>> _object_of("Vem tog initiativet till deklarationen?", "tog", zipf)
    'initiativet'
    >>> _object_of("Vem tar emot avvikelsen?", "tar", zipf)
    'tar'
    """
    words = re.findall(r"\w+", question)
    at = words.index(verb) if verb in words else -1
    following = words[at + 1] if 0 <= at < len(words) - 1 else ""
    stems = terms(following)
    if not stems or stems[0] in ASKING or frequency(following.lower()) >= GENERIC_ZIPF:
        return verb
    return following


def asking_sentence(question: str) -> str:
    """Return the sentence that asks, when the question first tells a story: the terms a quote
    must hold are the asked sentence's, not the context's ("En deltagare hamnade i kläm …
    Kan vi rapportera samverkansbristen någonstans?").

    >>> asking_sentence("En deltagare blev illa behandlad. Kan vi rapportera det någonstans?")
    'Kan vi rapportera det någonstans?'
    >>> asking_sentence("Vad gör man i steget Gör! inför nästa APT?")
    'Vad gör man i steget Gör! inför nästa APT?'
    """
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", question.strip())
    return sentences[-1] if len(sentences) > 1 and sentences[-1].endswith("?") else question


def _names(question: str) -> set[str]:
    """Words written with a capital inside a sentence: names, even when made of common words.

    >>> sorted(_names("Vem utvärderar Rätt stöd för mig! i år? Och Lex Heller?"))
    ['Heller', 'Lex', 'Rätt']
    """
    return {
        m.group(0)
        for m in re.finditer(r"\w+", question)
        if m.group(0)[0].isupper() and re.search(r"\w[^\w.?!]*$", question[: m.start()])
    }


def specific_terms(
    question: str,
    common: Collection[str] = (),
    split: Callable[[str], tuple[str, ...]] | None = None,
    frequency: Callable[[str], float] | None = None,
) -> list[Term]:
    """Return the terms of `question` that a quote must contain to answer it.

    Args:
        common: stems that occur all over the knowledge base (they pick no passage out).
        split: a word → its compound parts (unsplit words return themselves).
        frequency: a word → its Zipf frequency in the language at large.

    >>> [t.stem for t in specific_terms("Vem är vårt dataskyddsombud?")]
    ['dataskyddsombud']
    >>> [t.stem for t in specific_terms("Vad säger planen om jämställdhet?", common={"jamstalld"})]
    ['plan']

    The noun the question asks about is required: "vem är projektledare" is not answered
    by a quote that never names a projektledare, however much else it shares.

    >>> [(t.word, t.required) for t in specific_terms("Vem är projektledare för Gränsgångare?")]
    [('projektledare', True), ('Gränsgångare', False)]

    A law by name is a name ("förslaget" is none); a noun after "sådan" points back at the story.

    >>> [(t.word, t.named) for t in specific_terms("Gäller förvaltningslagen förslaget i ett sådant fall?")]
    [('förvaltningslagen', True), ('förslaget', False)]
    """
    found: dict[str, Term] = {}
    kind = ask_kind(question)
    anchored = _NOW if kind in ("when", "date", "time", "duration", "count") else PAST
    if _YEAR.search(question):  # "förra ESF-perioden, 2014–2020": the years say which, not the day of asking
        anchored = frozenset()
    found |= {
        terms(w)[0]: Term(w, terms(w)[0], required=True) for w in re.findall(r"\w+", question) if w.lower() in anchored
    }
    focus, verb = focus_word(question) or ("", False) if kind not in ("when", "date", "time") else ("", False)
    if kind == "name":  # "vad heter [förbundschefen]": the name must stand by that role
        focus, verb = named_noun(question) or "", False
    if verb and frequency is not None and frequency(focus.lower()) >= GENERIC_ZIPF:
        focus = _object_of(question, focus, frequency)  # "vem tog [initiativet]": the noun says what was done
    names = _names(question)
    pointing = {m.group(1) for m in _POINTS_BACK.finditer(question)}
    paid = _PAY_VERB.search(fold(question)) is not None
    for word in re.findall(r"\w+", question):
        fact = fact_term(word)
        if fact is None and paid and _PAY_WORD.fullmatch(fold(word)):
            fact = _pay(word)
        if fact is not None:
            found[fact.stem] = fact
            continue
        stems = terms(word)
        if not stems or stems[0] in found or stems[0] in _SPOKEN or word in pointing:
            continue
        stem = stems[0]
        if kind in ("when", "date", "time") and stem in _WHEN_NOUNS:
            continue
        # The noun asked about; even a word all over the documents when a number must count it.
        asked = word == focus and stem not in ASKING and (kind == "count" or stem not in common)
        if asked and kind in ("list", "other") and stem in _KINDS_OF:
            continue  # "vilka områden": the items answer, the word "områden" need not be quoted
        generic = frequency is not None and max(frequency(word.lower()), frequency(stem)) >= GENERIC_ZIPF
        if asked and generic and (verb or kind != "count"):
            asked = False  # "vem leder", "vilka tidigare": a common word is said in many ways; a count must count it
        required = stem.isdigit() or word.lower() in _ORDINALS or asked
        # "Gör!", "Rätt stöd för mig!": a name, though made of common words; a law by name
        named = word in names or _LAW.match(stem) is not None
        priced = kind == "amount" and PRICE.match(fold(word))  # "vad kostar": the amount answers it
        if not required and (((stem in ASKING or generic or priced) and not named) or stem in common):
            continue
        parts = split(word.lower()) if split else ()
        part_stems = tuple(s for p in parts for s in terms(p)) if len(parts) > 1 else ()
        # "första steget" is "steg 1", and "steg 1" is "första steget"
        same = (_ORDINAL_NUMBER[word.lower()],) if word.lower() in _ORDINAL_NUMBER else _NUMBER_ORDINAL.get(stem, ())
        found[stem] = Term(word, stem, part_stems, required, asked, named, same)
    return list(found.values())


def own_names(question: str, question_terms: Collection[Term]) -> list[Term]:
    """Return the question's names that are no specific term (they are all over the documents):
    a quote that only repeats them does not say who or which.

    >>> [t.word for t in own_names("Vem skrev under för Samordningsförbundet Stockholms stad?", [])]
    ['Samordningsförbundet', 'Stockholms']
    """
    stems = {t.stem for t in question_terms}
    found = {terms(w)[0]: Term(w, terms(w)[0]) for w in sorted(_names(question)) if terms(w)}
    return [t for stem, t in found.items() if stem not in stems]


def fact_term(word: str) -> Term | None:
    """Return the required term for a word that asks for a fact of its own, or None.

    >>> fact_term("straffet").alternatives[:2], fact_term("ingångslönen").required, fact_term("lönekartläggning")
    (('straff', 'bot'), True, None)
    >>> fact_term("password").stem
    'losenord'
    """
    folded = fold(word)
    match = _FACT_WORD.match(folded)
    base = match.group(1) if match else _FACT_EN.get(folded)
    if base is None:
        return None
    same = tuple(dict.fromkeys(s for w in (base, *_FACTS[base][0]) for s in terms(w)))
    stem = terms(word)[0] if match else same[0]
    return Term(word, stem, required=True, alternatives=same)


def _pay(word: str) -> Term:
    """Return the "lön" fact as asked for by `word` ("Vad tjänar …?", "… earn?")."""
    pay = fact_term("lön")
    assert pay is not None  # "lön" is a fact
    return replace(pay, word=word)


def english_terms(question_terms: Collection[Term], question: str) -> list[Term]:
    """Return the terms of an English question that a Swedish quote can hold: numbers and
    ordinals, facts asked for (in Swedish: "password" → "lösenord"), and names.

    >>> [t.word for t in english_terms(specific_terms("What is the password for Respekttrappan in Swedish?"),
    ...  "What is the password for Respekttrappan in Swedish?")]
    ['password', 'Respekttrappan']
    """
    from wordfreq import zipf_frequency  # English word frequencies (the OCR lexicon's package)

    names = _names(question)
    return [
        t
        for t in question_terms
        if (t.required and not t.asked) or (t.word in names and zipf_frequency(t.word.lower(), "en") < ENGLISH_ZIPF)
    ]
