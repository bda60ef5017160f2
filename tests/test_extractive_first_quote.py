"""The real extractive answerer over knowledge/ puts the sentence that answers first."""

import pytest

from bot.answer.types import Answerer
from bot.search.text import fold

pytestmark = pytest.mark.slow  # the real knowledge/ index and model


@pytest.mark.parametrize(
    ("question", "answer_words"),
    [
        ("Vem får anmäla diskriminering till DO?", "vem som helst"),  # not the sentence that only names DO
        ("Hur ofta ska handlingsplanen för jämställdhetsintegrering revideras?", "årets sista"),  # not a past date
        ("Var och när började man använda Lex Heller?", "2016"),  # a date, though "när" comes second
        # Asked in English: searched with its words in Swedish too ("period", "principer"), not by the
        # embedding alone, which put "ESF-rådet kopplar de horisontella principerna …" first.
        ("During which ESF programme period were there four horizontal principles?", "2014–2020"),
        # The verb asked ("lönekartlägga") is the document's noun ("göra en lönekartläggning varje år").
        ("Hur ofta ska arbetsgivaren lönekartlägga?", "varje år"),
    ],
)
def test_the_first_quote_holds_the_answer(answerer: Answerer, question: str, answer_words: str) -> None:
    answer = answerer.ask(question)

    assert not answer.refused
    first = answer.text.split("\n\n", 1)[0]
    assert fold(answer_words) in fold(first), answer.text


@pytest.mark.parametrize(
    ("question", "answer_words", "not_words"),
    [
        # A definition question: the list item labelled "Strukturnivå:" defines it; the sentence naming all three
        # levels does not.
        ("Vad innebär strukturnivån i HP-analysen?", "regler, normer", "individnivå"),
        # "Trakasserier:" is asked about, "Sexuella trakasserier:" is the item after it.
        ("Vad räknas som trakasserier enligt diskrimineringslagen?", "kränker någons värdighet", "sexuell natur"),
        # An abbreviation is defined by its spelled-out form, not by a compound that starts with it ("HP-punkt").
        ("Vad står HP för?", "ofta förkortade HP", "HP-punkt är"),
        # One item asked about: "Kallelse:" is; "Dagordning:", the item after it, says "i förväg" but not "kallelsen".
        ("Hur långt i förväg ska kallelsen till APT skickas?", "två veckor", "en vecka"),
        # One of Gränsgångare's five plans is about the routine; the other four are not quoted with it.
        ("Vem ska ta fram Gränsgångares rutin för uppmärksammande av diskriminering?", "projektledare", "inventering"),
    ],
)
def test_the_unit_asked_about_is_quoted_first_without_its_list(
    answerer: Answerer, question: str, answer_words: str, not_words: str
) -> None:
    answer = answerer.ask(question)

    assert not answer.refused
    first = answer.text.split("\n\n", 1)[0]
    assert fold(answer_words) in fold(first), answer.text
    assert fold(not_words) not in fold(first), answer.text  # an item alone, not its whole list
