"""Personal data out of a question: identity numbers, phone numbers and e-mail addresses.

`mask` runs before a question reaches the search, an LLM, a log line or the database.
Each find becomes a readable token (`[personnummer]`, `[telefonnummer]`, `[e-post]`);
dates, case numbers, law references and amounts stay as typed.

Order matters: Slack's links first (one link is one address), then e-mail addresses
(they may hold digits), then identity numbers (a ten-digit personnummer would also
parse as a phone number), then phone numbers.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from personnummer import personnummer

__all__ = ["KINDS", "TOKENS", "Kind", "Masked", "mask"]

Kind = Literal["personnummer", "samordningsnummer", "telefonnummer", "e-post"]
KINDS: tuple[Kind, ...] = ("personnummer", "samordningsnummer", "telefonnummer", "e-post")
TOKENS: dict[Kind, str] = {kind: f"[{kind}]" for kind in KINDS}

# Slack sends a typed address as <mailto:a@b.se|a@b.se> (and a phone link as <tel:…|…>):
# the whole link is one address, so it becomes one token, not "<mailto:[e-post]|[e-post]>".
_SLACK_LINK = re.compile(r"<(mailto|tel):[^<>]*>", re.IGNORECASE)
# Written by hand: email.utils and email-validator check a whole string that is already an
# address; they do not find addresses inside running text. "(at)"/"[at]" is how Swedish
# public web pages write addresses to fool harvesters, and people copy them that way.
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?[(\[]at[)\]]\s?)[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])",
    re.IGNORECASE,
)
# Candidates only: YYMMDD or YYYYMMDD, a separator or none, four digits. The check digit,
# the date (day + 60 for a samordningsnummer) and the serial are the library's to judge.
_IDENTITY = re.compile(r"(?<!\d)(\d{6}|\d{8})([-+\u2010-\u2013\u00a0 ]?)(\d{4})(?!\d)")
# Blanked out (same length, so positions hold) before phone numbers are looked for: a time,
# a span of times, a day.month.year date. libphonenumber reads "08.00-16.30" and
# "08.10.2023" as Stockholm numbers (08-…), and "kl 08.00 070-…" as one invalid number.
_TIME = r"(?:[01]?\d|2[0-3])[.:][0-5]\d"
_DATE = r"(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d\d"
_NOT_A_PHONE = re.compile(rf"(?<![\d.:/-])(?:{_TIME}(?:\s*[-\u2010-\u2014]\s*{_TIME})?|{_DATE})(?!\d)")
# Where a phone number may start: "+", "(", or the trunk 0 Swedes write, not inside another
# number ("2023-0001"). At most 24 characters: a phone number has at most 15 digits.
_PHONE_RUN = re.compile(
    r"(?<![\w+])(?<!\d[-/.,:\u2010-\u2014])(?:\+|\(\+?(?=\d)|(?=0))[\d \u00a0()\-\u2010-\u2014/.]{4,24}\d"
)
_DIGITS = re.compile(r"\d+")
_MIN_PHONE_DIGITS = 7  # fewer digits are no phone number in any plan: not worth parsing


@dataclass(frozen=True)
class Masked:
    """A text with its personal data replaced, and the kinds that were found."""

    text: str
    kinds: frozenset[Kind] = frozenset()

    @property
    def found(self) -> bool:
        """Return True when anything was masked."""
        return bool(self.kinds)


def identity_kind(number: str) -> Kind | None:
    """Return "personnummer" or "samordningsnummer" for a valid number, else None.

    >>> identity_kind("19900101-0017"), identity_kind("900161-0014"), identity_kind("900101-0018")
    ('personnummer', 'samordningsnummer', None)
    """
    try:
        parsed = personnummer.parse(number)
    except personnummer.PersonnummerException:
        return None
    return "samordningsnummer" if bool(parsed.is_coordination_number()) else "personnummer"


def mask(text: str) -> Masked:
    """Replace identity numbers, phone numbers and e-mail addresses with tokens.

    >>> masked = mask("Mitt pnr är 19900101-0017, ring 070-123 45 67 eller anna@example.se")
    >>> masked.text
    'Mitt pnr är [personnummer], ring [telefonnummer] eller [e-post]'
    >>> sorted(masked.kinds)
    ['e-post', 'personnummer', 'telefonnummer']
    >>> mask("KS 2023/1159 enligt SFS 2008:567 den 2023-10-12, 12 500 kr").found
    False
    """
    kinds: set[Kind] = set()
    text = _SLACK_LINK.sub(_token(kinds, lambda m: "e-post" if m[1].lower() == "mailto" else "telefonnummer"), text)
    text = _EMAIL.sub(_token(kinds, lambda m: "e-post"), text)
    text = _IDENTITY.sub(_token(kinds, _identity), text)
    text = _mask_phones(text, kinds)
    return Masked(text, frozenset(kinds))


def _identity(match: re.Match[str]) -> Kind | None:
    separator = "+" if match[2] == "+" else "-"  # the library knows "-", "+" or none
    return identity_kind(f"{match[1]}{separator}{match[3]}")


def _token(kinds: set[Kind], kind_of: Callable[[re.Match[str]], Kind | None]) -> Callable[[re.Match[str]], str]:
    """Return an `re.sub` replacement: the token of the match's kind, or the match itself."""

    def replace(match: re.Match[str]) -> str:
        kind = kind_of(match)
        if kind is None:
            return match[0]
        kinds.add(kind)
        return TOKENS[kind]

    return replace


def _mask_phones(text: str, kinds: set[Kind]) -> str:
    """Mask the phone numbers in `text`: valid in libphonenumber's numbering plans, Swedish by default.

    Found by hand, judged by the library: `PhoneNumberMatcher` reads a number before a phone
    number as part of it ("rum 12 070-123 45 67", "år 2023 070-…") and then drops the whole
    as invalid, so a run that may be a number is cut at its longest valid prefix instead.
    """
    shadow = _NOT_A_PHONE.sub(lambda match: "#" * len(match[0]), text)
    spans: list[tuple[int, int]] = []
    position = 0
    while (run := _PHONE_RUN.search(shadow, position)) is not None:
        length = _longest_phone(run[0])
        position = run.start() + (length or 1)
        if length:
            spans.append((run.start(), position))
    for start, end in reversed(spans):
        text = text[:start] + TOKENS["telefonnummer"] + text[end:]
    if spans:
        kinds.add("telefonnummer")
    return text


def _longest_phone(run: str) -> int | None:
    """Return the length of the longest prefix of `run` that is a valid phone number, if any."""
    for digits in reversed(list(_DIGITS.finditer(run))):
        if sum(map(len, _DIGITS.findall(run[: digits.end()]))) < _MIN_PHONE_DIGITS:
            break
        try:
            number = phonenumbers.parse(run[: digits.end()], "SE")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return digits.end()
    return None
