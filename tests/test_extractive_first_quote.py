"""The real extractive answerer over knowledge/ puts the sentence that answers first."""

import pytest

from bot.answer.types import Answerer
from bot.search.text import fold
from bot.wiring import build_answerer
from tests.core_fixtures import RealKB, shared_real_kb

pytestmark = pytest.mark.slow  # the real knowledge/ index and model


@pytest.fixture(scope="session")
def real_kb(tmp_path_factory: pytest.TempPathFactory) -> RealKB:
    """knowledge/ indexed once per run (shared with the other real-index tests)."""
    return shared_real_kb(tmp_path_factory)


@pytest.fixture(scope="module")
def answerer(real_kb: RealKB) -> Answerer:
    """One answerer for the module, so sentence vectors are embedded once."""
    return build_answerer(real_kb.settings)


@pytest.mark.parametrize(
    ("question", "answer_words"),
    [
        ("Vem får anmäla diskriminering till DO?", "vem som helst"),  # not the sentence that only names DO
        ("Hur ofta ska handlingsplanen för jämställdhetsintegrering revideras?", "årets sista"),  # not a past date
        ("Var och när började man använda Lex Heller?", "2016"),  # a date, though "när" comes second
    ],
)
def test_the_first_quote_holds_the_answer(answerer: Answerer, question: str, answer_words: str) -> None:
    answer = answerer.ask(question)

    assert not answer.refused
    first = answer.text.split("\n\n", 1)[0]
    assert fold(answer_words) in fold(first), answer.text
