"""The answer policy every answerer shares: what a question becomes, and what the user reads.

An answerer calls `prepare` first (it masks personal data, see `bot.answer.privacy`),
answers an empty question with `empty_answer`, picks its retrieval query with
`retrieval_query`/`choose_query`, and refuses with `refusal`; only finding and wording
the answer itself is its own. All user-visible texts live here.
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.answer.citations import renumber
from bot.answer.privacy import TOKENS, Kind, mask
from bot.answer.types import Answer, Source, Turn
from bot.ingest.cutting import cut_point
from bot.search.text import detect_language, words

__all__ = [
    "TEXTS",
    "Prepared",
    "answered",
    "choose_query",
    "empty_answer",
    "is_follow_up",
    "language_of",
    "prepare",
    "readable",
    "refusal",
    "removed_notice",
    "retrieval_query",
]

_FOLLOW_UP = re.compile(r"^(och|men|samt|också|även|and|but|what about|how about)\b", re.I)
SHORT_QUESTION_WORDS = 6  # a question this short in a conversation is read as a follow-up
MASK_MARGIN = 40  # characters masked past the cut, so a number across it is still found whole

TEXTS = {
    "sv": {
        "intro": "Så här står det i förbundets dokument:",
        "empty": "Skriv en fråga, till exempel: *Vad är en HP-punkt?* eller "
        "*Vilket steg i Respekttrappan tar vi på nästa APT?*",
        "refusal": "Det hittar jag inget om i förbundets dokument, så jag vill inte gissa. "
        "Fråga gärna din förbundschef eller den som samordnar arbetet med de horisontella "
        "principerna i ditt projekt. Gäller det diskriminering kan du också vända dig till "
        "Diskrimineringsombudsmannen (DO).",
        "long": "Frågan var mycket lång ({n} tecken), så jag använde bara de första {max} tecknen.",
        "personal": "Jag tog bort personuppgifter ({what}) ur frågan innan jag sökte. "
        "Skriv aldrig personuppgifter i frågor till mig.",
    },
    "en": {
        "intro": "Here is what the association's documents say (quoted in Swedish):",
        "empty": "Please type a question, for example: *What is an HP point?*",
        "refusal": "I can't find anything about that in the association's documents, so I won't "
        "guess. Please ask your manager (förbundschef) or the person who coordinates the "
        "horizontal principles in your project. For discrimination matters you can also "
        "contact the Equality Ombudsman (DO).",
        "long": "Your question was very long ({n} characters), so I only used the first {max}.",
        "personal": "I removed personal data ({what}) from your question before searching. "
        "Please never put personal data in questions to me.",
    },
}
# The kinds of `bot.answer.privacy`, named in the notice in the order of `KINDS`.
_KIND_NAMES: dict[str, dict[Kind, str]] = {
    "sv": {"personnummer": "personnummer", "samordningsnummer": "samordningsnummer",
           "telefonnummer": "telefonnummer", "e-post": "e-postadress"},
    "en": {"personnummer": "personal identity number", "samordningsnummer": "coordination number",
           "telefonnummer": "phone number", "e-post": "e-mail address"},
}
_AND = {"sv": "och", "en": "and"}


@dataclass(frozen=True)
class Prepared:
    """A question ready to answer: personal data masked, trimmed, shortened if need be, its language known."""

    text: str
    language: str  # "sv" or "en"
    notice: str | None = None  # personal data removed, a very long question shortened: one line each
    history: tuple[Turn, ...] = ()

    @property
    def empty(self) -> bool:
        """Return True when there is no question to answer."""
        return not self.text

    @property
    def texts(self) -> dict[str, str]:
        """Return the user texts in the question's language."""
        return TEXTS[self.language]


def prepare(question: str, history: Sequence[Turn] = (), max_chars: int = 2000) -> Prepared:
    """Mask personal data, trim `question`, detect its language, and cut it at a word before `max_chars`.

    The earlier questions in `history` are masked too: they come from the conversation as typed.

    >>> prepare("  Vad är en APT? ")
    Prepared(text='Vad är en APT?', language='sv', notice=None, history=())
    >>> long = prepare("ord " * 10, max_chars=10)
    >>> long.text, long.notice
    ('ord ord', 'Frågan var mycket lång (39 tecken), så jag använde bara de första 10 tecknen.')
    >>> private = prepare("Jag har personnummer 19900101-0017, vad gäller för mig?")
    >>> private.text
    'Jag har personnummer [personnummer], vad gäller för mig?'
    >>> private.notice.startswith("Jag tog bort personuppgifter (personnummer) ur frågan")
    True
    """
    typed = readable(question).strip()
    # Masked before cutting, so no number is cut in half and left readable; but only what
    # can be kept (masking costs time on hostile input, and the rest is never read).
    masked = mask(typed[: max_chars + MASK_MARGIN])
    text = masked.text.strip()
    language = language_of(text) if text else "sv"
    notices = [removed_notice(masked.kinds, language)] if masked.found else []
    if len(typed) > max_chars:
        notices.append(TEXTS[language]["long"].format(n=len(typed), max=max_chars))
    if len(text) > max_chars:
        text = text[: cut_point(text, max_chars)].rstrip()
    earlier = tuple(Turn(mask(readable(turn.question)).text, readable(turn.answer)) for turn in history)
    return Prepared(text, language, "\n".join(notices) or None, earlier)


def language_of(question: str) -> str:
    """Return the question's language, not counting names or what it glosses in parentheses:
    "Gränsgångare" in an English question is a name, "(Program för ett jämställt Stockholm)" a
    Swedish title quoted.

    >>> language_of("What does Projekt Gränsgångare want to achieve?"), language_of("Vad gör Gränsgångare?")
    ('en', 'sv')
    >>> language_of("Which years did the programme (Program för ett jämställt Stockholm) cover?")
    'en'
    """
    unglossed = re.sub(r"\([^()]*\)", "", question)
    unnamed = re.sub(r"(?<=[\w,;:)] )[A-ZÅÄÖ][\w!+-]*", "", unglossed)  # capitalised inside the sentence
    return detect_language(unnamed or question)


_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """Replace lone surrogates with U+FFFD, so the question can be encoded, embedded and stored.

    A JSON body may carry half of a UTF-16 pair (`"\\ud800"`); Python decodes it to a str
    that no UTF-8 encoder, tokenizer or database accepts.

    >>> readable("Vad är en APT\\ud800?")
    'Vad är en APT\ufffd?'
    """
    return _SURROGATE.sub("\ufffd", text)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")  # questions are a sentence or three: no segmenter needed
_TOKEN = re.compile("|".join(re.escape(token) for token in TOKENS.values()))


def asked_part(text: str) -> str:
    """Return what a masked question asks: without the sentences that only gave personal data.

    The masked words ("Mitt personnummer är [personnummer]") are not what the documents
    should be searched for; when every sentence holds a token, only the tokens go.

    >>> asked_part("Mitt personnummer är [personnummer]. Hur länge får man låna en cykel?")
    'Hur länge får man låna en cykel?'
    >>> asked_part("Jag, [personnummer], undrar vad en APT är?")
    'Jag, undrar vad en APT är?'
    """
    if not _TOKEN.search(text):
        return text
    kept = [s for s in _SENTENCE_END.split(text) if not _TOKEN.search(s)]
    if kept:
        return " ".join(kept)
    return re.sub(rf"\s*(?:{_TOKEN.pattern})(?:\s*,)?", "", text).strip(" ,")


def removed_notice(kinds: Collection[Kind], language: str) -> str:
    """Tell the asker which kinds of personal data were removed from the question.

    >>> removed_notice({"e-post", "telefonnummer", "personnummer"}, "en").split(" from")[0]
    'I removed personal data (personal identity number, phone number and e-mail address)'
    >>> removed_notice({"telefonnummer"}, "sv").split(" ur")[0]
    'Jag tog bort personuppgifter (telefonnummer)'
    """
    names = [name for kind, name in _KIND_NAMES[language].items() if kind in kinds]
    what = names[-1] if len(names) == 1 else f"{', '.join(names[:-1])} {_AND[language]} {names[-1]}"
    return TEXTS[language]["personal"].format(what=what)


def empty_answer(prepared: Prepared) -> Answer:
    """Answer an empty question with a hint of what to ask.

    >>> empty_answer(prepare("  ")).text.startswith("Skriv en fråga")
    True
    """
    return Answer(prepared.text, prepared.texts["empty"], refused=True, language=prepared.language)


def refusal(prepared: Prepared, meta: dict[str, object] | None = None) -> Answer:
    """Refuse: the documents do not answer the question, so the answerer must not guess.

    >>> refusal(prepare("What is for lunch?")).text.startswith("I can't find anything")
    True
    """
    return Answer(
        prepared.text, prepared.texts["refusal"], True, prepared.language,
        notice=prepared.notice, meta=dict(meta or {}),
    )


def answered(prepared: Prepared, text: str, sources: Sequence[Source], meta: dict[str, object]) -> Answer:
    """Return the answer `text` citing `sources` as `[n]`, renumbered in citation order, with the notice.

    Sources the text never cites are dropped; see `bot.answer.citations.renumber`.

    >>> a, b = Source("a", "A", "", 1.0, "x"), Source("b", "B", "", 0.5, "y")
    >>> answer = answered(prepare("Vad?"), "> y [2]", [a, b], {})
    >>> answer.text, [s.id for s in answer.sources]
    ('> y [1]', ['b'])
    """
    text, cited = renumber(text, sources)
    return Answer(prepared.text, text, False, prepared.language, cited, prepared.notice, meta)


def is_follow_up(question: str) -> bool:
    """Return True when the question opens like a follow-up ("och ...", "what about ...").

    >>> is_follow_up("och hur ofta då?"), is_follow_up("Vad är Lex Heller?")
    (True, False)
    """
    return bool(_FOLLOW_UP.match(question.strip()))


def retrieval_query(question: str, history: Sequence[Turn]) -> str:
    """Add the previous question to a short follow-up ("och hur ofta då?").

    >>> retrieval_query("och hur ofta då?", [Turn("Vad är en APT?", "...")])
    'Vad är en APT? och hur ofta då?'
    >>> retrieval_query("och hur ofta då?", [])
    'och hur ofta då?'
    """
    if history and (len(words(question)) <= SHORT_QUESTION_WORDS or is_follow_up(question)):
        return f"{history[-1].question} {question}"
    return question


def choose_query(prepared: Prepared, answerable_alone: bool) -> str:
    """Pick the retrieval query: the question alone, or with the previous turn.

    "och hur ofta då?" needs the earlier question; "Vad är Lex Heller?" asked later in
    the same thread does not, so a question the documents answer alone stays alone.

    >>> thread = prepare("Vad är Lex Heller?", [Turn("Hur ofta hålls en APT?", "...")])
    >>> choose_query(thread, answerable_alone=True), choose_query(thread, answerable_alone=False)
    ('Vad är Lex Heller?', 'Hur ofta hålls en APT? Vad är Lex Heller?')
    """
    combined = retrieval_query(prepared.text, prepared.history)
    if combined == prepared.text or (answerable_alone and not is_follow_up(prepared.text)):
        return prepared.text
    return combined


_GAPS = {
    "sv": {
        "terms": "Dokumenten säger inget om {what}.",
        "quoted": "”{word}”",
        "who": "Dokumenten säger inte vem som {rest}.",
        "who_any": "Dokumenten säger inte vem det gäller.",
        "when": "Dokumenten anger ingen tidpunkt för det du frågar om.",
        "date": "Dokumenten anger inget datum för det du frågar om.",
        "time": "Dokumenten anger ingen tid på dagen för det du frågar om.",
        "duration": "Dokumenten anger ingen tidsrymd för det du frågar om.",
        "name": "Dokumenten säger inte vad {rest} heter.",
        "count": "Dokumenten anger inget antal för det du frågar om.",
        "amount": "Dokumenten anger inget belopp för det du frågar om.",
        "share": "Dokumenten anger ingen andel eller procentsats för det du frågar om.",
        "other": "Dokumenten svarar inte på just det du frågar om.",
        "related": "Det närmaste jag hittar:",
        "ask": "Fråga gärna din förbundschef eller den som samordnar arbetet i ditt projekt.",
        "and": "och",
    },
    "en": {
        "terms": "The documents say nothing about {what}.",
        "quoted": "“{word}”",
        "who": "The documents do not say who {rest}.",
        "who_any": "The documents do not say who.",
        "when": "The documents give no date for what you ask about.",
        "date": "The documents give no date for what you ask about.",
        "time": "The documents give no time of day for what you ask about.",
        "duration": "The documents give no length of time for what you ask about.",
        "name": "The documents do not give the name of {rest}.",
        "count": "The documents give no number for what you ask about.",
        "amount": "The documents give no amount for what you ask about.",
        "share": "The documents give no share or percentage for what you ask about.",
        "other": "The documents do not answer exactly what you ask.",
        "related": "The closest I can find (quoted in Swedish):",
        "ask": "Please ask your manager (förbundschef) or whoever coordinates the work in your project.",
        "and": "and",
    },
}
_WHO = re.compile(r"^\s*(vem|who|vilken person|which person|vilka personer|which people)\s+(.+?)[\s?!.]*$", re.I)
_NAME = re.compile(r"^\s*(?:vad (?:heter|hette|kallas)|what(?: is|'s| was) the name of)\s+(.+?)[\s?!.]*$", re.I)


def gap(prepared: Prepared, ask: str, missing: Sequence[str]) -> str:
    """Say first what the documents do not say: the missing words, or the kind of answer.

    >>> gap(prepare("Vad tjänar en projektledare?"), "other", ["tjänar"])
    'Dokumenten säger inget om ”tjänar”.'
    >>> gap(prepare("Vem är vårt dataskyddsombud?"), "who", [])
    'Dokumenten säger inte vem som är vårt dataskyddsombud.'
    >>> gap(prepare("Which person at SBAB pushed the decision through?"), "holder", [])
    'The documents do not say who at SBAB pushed the decision through.'
    >>> gap(prepare("Which people sit on the steering group?"), "who", [])
    'The documents do not say who sit on the steering group.'
    >>> gap(prepare("Vad heter förbundschefen i SCÖ?"), "name", [])
    'Dokumenten säger inte vad förbundschefen i SCÖ heter.'
    >>> gap(prepare("Vad gör man i steg 9?"), "other", ["steg 9", "lösenord"])
    'Dokumenten säger inget om ”steg 9” och ”lösenord”.'
    """
    texts = _GAPS[prepared.language]
    if missing:
        named = [texts["quoted"].format(word=word) for word in missing]
        what = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} {texts['and']} {named[-1]}"
        return texts["terms"].format(what=what)
    if ask in ("who", "holder"):
        match = _WHO.match(prepared.text)
        return texts["who"].format(rest=match.group(2)) if match else texts["who_any"]
    if ask == "name":
        noun = _NAME.match(prepared.text)
        return texts["name"].format(rest=noun.group(1)) if noun else texts["other"]
    return texts.get(ask, texts["other"])


def partial(
    prepared: Prepared, ask: str, missing: Sequence[str], quotes: Sequence[str],
    sources: Sequence[Source], meta: dict[str, object],
) -> Answer:
    """Return the honest answer to a question whose topic is covered but whose ask is not.

    It counts as a refusal: the gap comes first, then at most two related quotes.
    """
    texts = _GAPS[prepared.language]
    parts = [gap(prepared, ask, missing)]
    if quotes:
        parts += [texts["related"], *quotes[:2]]
    parts.append(texts["ask"])
    text, cited = renumber("\n\n".join(parts), sources)
    return Answer(prepared.text, text, True, prepared.language, cited, prepared.notice, {**meta, "coverage": "partial"})
