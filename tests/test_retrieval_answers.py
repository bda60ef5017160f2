"""Retrieval and extractive answers on the real knowledge/ folder, indexed once per run."""

from pathlib import Path

import pytest

from bot.answer.policy import TEXTS
from bot.answer.types import Answer, Answerer, Turn
from bot.errors import IndexMissing
from bot.ingest.knowledge import knowledge_files
from bot.search.text import fold
from bot.wiring import build_answerer, build_index, build_retriever
from tests.core_fixtures import (
    KNOWLEDGE,
    RealKB,
    assert_quotes_sources,
    quoted,
    settings_for,
)

pytestmark = pytest.mark.slow  # the real knowledge/ index

LUNCH = "Vad blir det för lunch på fredag?"


def ids(answer: Answer) -> list[str]:
    """The document ids of an answer's sources, in rank order."""
    return [s.id for s in answer.sources]


def test_the_whole_knowledge_folder_is_indexed(real_kb: RealKB) -> None:
    kb = build_index(real_kb.settings)
    metas = kb.client.get_collection(kb.name).get(include=["metadatas"])["metadatas"]

    assert {m["doc_id"] for m in metas} == {p.stem for p in knowledge_files(KNOWLEDGE)}
    assert real_kb.chunks == len(metas) > 50


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vilka är diskrimineringsgrunderna?", "diskrimineringslagen"),
        ("Vad är Lex Heller?", "lex-heller"),
    ],
)
def test_an_in_scope_question_is_answered_by_quoting_the_documents(
    answerer: Answerer, question: str, expected: str
) -> None:
    answer = answerer.ask(question)

    assert not answer.refused
    assert answer.language == "sv"
    assert expected in ids(answer)[:3]
    assert "[1]" in answer.text
    assert_quotes_sources(answer)
    assert all(s.title and s.text for s in answer.sources)


def test_a_question_typed_without_diacritics_finds_the_same_document(answerer: Answerer) -> None:
    with_marks = answerer.ask("Vilka är diskrimineringsgrunderna?")
    without = answerer.ask("Vilka ar diskrimineringsgrunderna?")

    assert not without.refused and without.language == "sv"
    assert ids(without)[0] == ids(with_marks)[0] == "diskrimineringslagen"
    assert_quotes_sources(without)


def test_an_english_question_is_answered_in_english(answerer: Answerer) -> None:
    answer = answerer.ask("What are the grounds of discrimination?")

    assert not answer.refused
    assert answer.language == "en"
    assert "diskrimineringslagen" in ids(answer)[:3]
    assert_quotes_sources(answer)
    assert not answer.text.startswith(TEXTS["sv"]["intro"])


def test_answers_quote_the_ocr_repaired_text(answerer: Answerer) -> None:
    answer = answerer.ask("Vad åtar sig Samordningsförbundet Stockholms stad i demokratiåtagandet?")

    assert not answer.refused
    assert "demokratiatagande-stockholms-stad" in ids(answer)[:3]
    assert "Samordningsforbundet" not in answer.text and "forbund" not in answer.text
    assert_quotes_sources(answer)


@pytest.mark.parametrize("question", [LUNCH, "Hur byter jag vinterdäck på bilen?", "Vem vann fotbolls-VM 2018?"])
def test_an_out_of_scope_question_is_refused_in_swedish(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)

    assert answer.refused
    assert answer.language == "sv"
    assert answer.text == TEXTS["sv"]["refusal"]
    assert "förbundets dokument" in answer.text  # it says so, in Swedish
    assert answer.sources == ()


def test_an_english_out_of_scope_question_is_refused_in_english(answerer: Answerer) -> None:
    answer = answerer.ask("What is for lunch on Friday?")

    assert answer.refused
    assert answer.language == "en"
    assert answer.text == TEXTS["en"]["refusal"]
    assert answer.sources == ()


def test_the_retriever_returns_nothing_below_the_floor(real_kb: RealKB) -> None:
    retriever = build_retriever(real_kb.settings)

    assert retriever.search(LUNCH) == []
    found = retriever.search("Vad är Lex Heller?", k=3)
    assert found and found[0].id == "lex-heller" and len(found) <= 3


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_an_empty_question_gets_a_hint_without_touching_the_index(tmp_path: Path, question: str) -> None:
    # No index exists here: if the answerer tried to retrieve, it would raise IndexMissing.
    answerer = build_answerer(settings_for(tmp_path / "knowledge", tmp_path / "no-index"))

    answer = answerer.ask(question)

    assert answer.refused and answer.sources == ()
    assert answer.text == TEXTS["sv"]["empty"]
    assert "fråga" in answer.text.lower()


def test_a_40000_character_question_is_shortened_with_a_notice(answerer: Answerer) -> None:
    question = ("Vad är Lex Heller? " * 3000)[:40_000]

    answer = answerer.ask(question)

    assert answer.notice is not None
    assert "40000" in answer.notice and "2000" in answer.notice
    assert len(answer.question) <= 2000
    assert answer.refused or "lex-heller" in ids(answer)


def test_a_missing_index_raises_index_missing(tmp_path: Path) -> None:
    answerer = build_answerer(settings_for(tmp_path / "knowledge", tmp_path / "no-index"))

    with pytest.raises(IndexMissing, match="bot index"):
        answerer.ask("Vad är Lex Heller?")


def test_an_index_with_no_chunks_is_missing_too(tmp_path: Path) -> None:
    # Every file was malformed: the collection exists but holds nothing.
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "trasig.yaml").write_text("title: [oops\n", encoding="utf-8")
    settings = settings_for(folder, tmp_path / "chroma")
    report = build_index(settings).sync(folder)
    assert report.errors and report.added == 0

    with pytest.raises(IndexMissing):
        build_answerer(settings).ask("Vad är Lex Heller?")


def test_a_follow_up_uses_the_conversation(answerer: Answerer) -> None:
    first = answerer.ask("Vad är en APT?")
    assert not first.refused and ids(first)[0] == "apt"
    assert_quotes_sources(first)
    history = [Turn("Vad är en APT?", first.text)]

    follow_up = answerer.ask("och hur ofta då?", history)

    assert not follow_up.refused
    assert ids(follow_up)[0] == "apt"
    assert fold("månad") in fold(follow_up.text)  # "en gång i månaden"
    alone = answerer.ask("och hur ofta då?")
    assert alone.refused or ids(alone)[0] != "apt"  # the history, not luck, found APT


def test_a_new_short_question_in_a_thread_is_not_padded_with_the_previous_topic(
    answerer: Answerer,
) -> None:
    history = [Turn("Hur ofta hålls en APT?", "> En APT hålls ofta en gång i månaden. [1]")]

    answer = answerer.ask("Vad är Lex Heller?", history)

    assert not answer.refused and ids(answer)[0] == "lex-heller"
    cited = {answer.sources[n - 1].id for _, n in quoted(answer) if n}
    assert "apt" not in cited, answer.text


def first_quote(answer: Answer) -> str:
    """The first paragraph of an answer: what the user reads first."""
    return answer.text.split("\n\n", 1)[0]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Vem är kassör i förbundets styrelse?", "kassör"),  # the documents name no kassör
        ("Hur många timmar i veckan får vi lägga på normspaning?", "timmar"),  # a count of what they never count
    ],
)
def test_a_question_about_something_the_documents_never_name_says_so_first(
    answerer: Answerer, question: str, named: str
) -> None:
    answer = answerer.ask(question)

    assert answer.refused and answer.coverage == "partial"
    assert answer.text.startswith("Dokumenten säger inget om") and named in first_quote(answer)


def test_terms_scattered_over_unrelated_passages_answer_nothing(answerer: Answerer) -> None:
    answer = answerer.ask("Får vi lämna ut uppgifter om en deltagare till Försäkringskassan utan samtycke?")

    assert answer.refused


@pytest.mark.parametrize(
    ("question", "answer_words"),
    [
        ("Hur många former av diskriminering finns det?", "sex former"),
        ("nar borjade man med lex heller", "2016"),  # typed sloppily; the date comes first
        ("vad handlar steg 2 i respektrappan om", "faktakunskap"),  # "respektrappan": one letter lost
        ("Måste vi dokumentera aktiva åtgärder när vi är 40 anställda?", "25 eller fler"),  # 40 is in "25 or more"
    ],
)
def test_the_first_quote_answers(answerer: Answerer, question: str, answer_words: str) -> None:
    answer = answerer.ask(question)

    assert not answer.refused
    assert fold(answer_words) in fold(first_quote(answer))
    assert_quotes_sources(answer)
