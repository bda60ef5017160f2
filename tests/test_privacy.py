"""Personal data is masked before a question goes anywhere; numbers that are not personal stay.

Every identity number here is constructed (dates such as 1990-01-01 with a check digit
computed by `luhn` below), every phone number is from PTS's ranges for fictitious use
(070-174 06 05…99, 08-465 004 00…99, 031-390 06 00…99, 040-628 04 00…99, 0980-319 200…299),
and every e-mail address is at a reserved domain (example.com, example.org, .example).
"""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.answer.privacy import mask

TOKEN = {"personnummer": "[personnummer]", "samordningsnummer": "[samordningsnummer]",
         "telefonnummer": "[telefonnummer]", "e-post": "[e-post]"}


def luhn(digits: str) -> int:
    """Return the check digit of YYMMDDNNN, computed here, independently of the library."""
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 - i % 2)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


# ⟦…⟧ marks what must become the token of the row's kind; the rest must stay as typed.
MASKED = [
    # personnummer: 10 or 12 digits, "-", "+" (100 years or older), none, a space, a dash
    ("Mitt personnummer är ⟦900101-0017⟧, vad gäller?", "personnummer"),
    ("pnr ⟦9001010017⟧", "personnummer"),
    ("Personnummer: ⟦19900101-0017⟧.", "personnummer"),
    ("⟦199001010017⟧ heter jag", "personnummer"),
    ("personnr ⟦900101 0017⟧", "personnummer"),
    ("personnr ⟦19900101 0017⟧", "personnummer"),
    ("min farfar ⟦200101+1234⟧ fyller 105", "personnummer"),
    ("pnr ⟦851231–9982⟧ (med tankstreck)", "personnummer"),
    ("(⟦19640703-1126⟧)", "personnummer"),
    ("personnummer:⟦050615-9821⟧,", "personnummer"),
    # samordningsnummer: the day plus 60
    ("samordningsnummer ⟦900161-0022⟧", "samordningsnummer"),
    ("Samordningsnr ⟦197208910096⟧ gäller?", "samordningsnummer"),
    # phone numbers: mobile, landline, service numbers, international, Slack's link
    ("Ring mig på ⟦070-174 06 05⟧ efter lunch", "telefonnummer"),
    ("mobil ⟦0701740606⟧", "telefonnummer"),
    ("nås på ⟦+46 70 174 06 07⟧", "telefonnummer"),
    ("nås på ⟦+46701740608⟧", "telefonnummer"),
    ("från utlandet ⟦0046 70 174 06 09⟧", "telefonnummer"),
    ("Tel: ⟦+46 (0)70-174 06 10⟧", "telefonnummer"),
    ("växeln ⟦08-465 004 00⟧", "telefonnummer"),
    ("växeln ⟦(08) 465 004 01⟧", "telefonnummer"),
    ("direkt ⟦08-46500402⟧", "telefonnummer"),
    ("Göteborg ⟦031-390 06 00⟧", "telefonnummer"),
    ("Malmö ⟦040 - 628 04 00⟧", "telefonnummer"),
    ("Kiruna ⟦0980-319 200⟧", "telefonnummer"),
    ("mobilen ⟦070/174 06 11⟧", "telefonnummer"),
    ("mobilen ⟦070\u00a0174\u00a006\u00a012⟧", "telefonnummer"),
    ("i rum 12 ⟦070-174 06 13⟧", "telefonnummer"),  # a number just before the phone number
    ("kl 08.00 ⟦070-174 06 14⟧", "telefonnummer"),  # a time just before it
    ("finska numret ⟦+358 40 123 4567⟧", "telefonnummer"),
    ("London ⟦+44 20 7946 0958⟧", "telefonnummer"),
    ("ring ⟦<tel:+46701740615|070-174 06 15>⟧", "telefonnummer"),
    # e-mail addresses, as typed and as Slack sends them
    ("mejla ⟦anna.svensson@example.com⟧ tack", "e-post"),
    ("⟦<mailto:anna.svensson@example.com|anna.svensson@example.com>⟧ skrev", "e-post"),
    ("⟦ANNA.SVENSSON@EXAMPLE.ORG⟧", "e-post"),
    ("adress ⟦förnamn.efternamn@förbundet.example⟧", "e-post"),
    ("⟦anna+hp@mail.example.org⟧", "e-post"),
    ("skriv till ⟦anna.svensson(at)example.com⟧", "e-post"),
    ("skriv till ⟦anna [at] example.com⟧", "e-post"),
    ("e-post ⟦a.1990@example.com⟧, inte ett personnummer", "e-post"),
]

# Not personal data: must reach the search exactly as typed.
KEPT = [
    "Vad gäller från 2023-10-12?",
    "Mötet 12/10 2023 kl. 13.00",
    "Beslutet 20231012 om HP",
    "Ärende KS 2023/1159 och KS 2024/0045",
    "Dnr 2023-000123",
    "Enligt SFS 2008:567",
    "Se 3 kap. 5 § diskrimineringslagen",
    "Budgeten är 12 500 kr",
    "Bidraget är 1 000 000 kronor per år",
    "Från år 2023 till 2025",
    "Andelen kvinnor är 25 % eller 0,5 %",
    "Kontoret ligger på 113 56 Stockholm",
    "Org.nr 202100-2742",  # passes the Luhn check, but "month 21" is an organisation
    "Org.nr 556016-0680",
    "Fel kontrollsiffra: 900101-0018",
    "Fel kontrollsiffra: 9001010018",
    "Öppet kl 08.00–16.30 och 09.00-12.00",
    "APT den 08.10.2023",
    "Prop. 2007/08:95 och SOU 2021:123",
    "Ring 112 eller 1177",
    "Bankgiro 5050-1055",
    "ISBN 978-91-7201-123-4",
    "GDPR (EU) 2016/679, AFS 2015:4",
    "Skriv i #hp-frågor eller till @kanalen",
]


def split(row: str) -> tuple[str, str]:
    """Return what the asker typed and the marked part."""
    typed = row.replace("⟦", "").replace("⟧", "")
    return typed, row[row.index("⟦") + 1: row.index("⟧")]


@pytest.mark.parametrize(("row", "kind"), MASKED)
def test_personal_data_is_masked_and_the_rest_stays(row: str, kind: str) -> None:
    typed, _ = split(row)
    expected = re.sub("⟦.*?⟧", TOKEN[kind], row)

    masked = mask(typed)

    assert masked.text == expected
    assert masked.kinds == {kind} and masked.found


@pytest.mark.parametrize("text", KEPT)
def test_numbers_that_are_not_personal_data_stay_as_typed(text: str) -> None:
    masked = mask(text)

    assert masked.text == text
    assert not masked.found and masked.kinds == frozenset()


def test_the_table_is_large_and_its_identity_numbers_are_valid() -> None:
    assert len(MASKED) >= 30 and len(KEPT) >= 12
    for row, kind in MASKED:
        digits = re.sub(r"\D", "", split(row)[1])
        if kind in ("personnummer", "samordningsnummer"):
            assert luhn(digits[-10:-1]) == int(digits[-1]), row
    assert luhn("900101001") != 8 and luhn("202100274") == 2  # KEPT's wrong digit, an org number


def test_several_kinds_in_one_question_are_all_named() -> None:
    masked = mask("Jag (900101-0017, 070-174 06 05, anna@example.com) undrar om KS 2023/1159")

    assert masked.text == "Jag ([personnummer], [telefonnummer], [e-post]) undrar om KS 2023/1159"
    assert masked.kinds == {"personnummer", "telefonnummer", "e-post"}


@st.composite
def identity_numbers(draw: st.DrawFn) -> str:
    """A constructed personnummer or samordningsnummer, written the way people write them."""
    born = draw(st.dates(date(1926, 1, 1), date(2024, 12, 31)))
    day = born.day + (60 if draw(st.booleans()) else 0)
    serial = f"{draw(st.integers(1, 999)):03d}"
    short = f"{born:%y%m}{day:02d}{serial}"
    number = short + str(luhn(short))
    century = f"{born:%Y}"[:2] if draw(st.booleans()) else ""
    separator = draw(st.sampled_from(["", "-", " "]))
    return f"{century}{number[:6]}{separator}{number[6:]}"


@given(identity_numbers(), st.sampled_from(["Mitt nummer är {} tack", "{}", "({}).", "pnr:{}"]))
def test_every_valid_identity_number_is_masked(number: str, frame: str) -> None:
    masked = mask(frame.format(number))

    assert masked.kinds & {"personnummer", "samordningsnummer"}
    assert not re.search(r"\d{4}", masked.text)


_TEXT = st.text(st.sampled_from("abcåäö ABC.,-+/:()@§%0123456789"), max_size=60)


@given(_TEXT)
def test_masking_twice_changes_nothing_more(text: str) -> None:
    once = mask(text)

    assert mask(once.text).text == once.text


@given(st.text(st.characters(blacklist_categories=("Nd",), blacklist_characters="@<([")))
def test_text_without_digits_or_addresses_is_unchanged(text: str) -> None:
    assert mask(text).text == text
