"""The answer policy every answerer shares: preparation, refusals, follow-ups, texts."""

from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from bot.answer import policy
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answer, Turn
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever

APT = Turn("Vad är en APT?", "> En APT hålls en gång i månaden. [1]")


def test_prepare_trims_and_detects_the_language() -> None:
    assert policy.prepare("  Vad är en HP-punkt?\n") == policy.Prepared("Vad är en HP-punkt?", "sv")
    english = policy.prepare("What is an HP point?", [APT])
    assert (english.language, english.history, english.notice) == ("en", (APT,), None)


@pytest.mark.parametrize(
    ("question", "language", "notice"),
    [
        ("Vad är Lex Heller? " * 300, "sv",
         "Frågan var mycket lång (5699 tecken), så jag använde bara de första 2000 tecknen."),
        ("What is Lex Heller? " * 300, "en",
         "Your question was very long (5999 characters), so I only used the first 2000."),
    ],
)
def test_a_long_question_is_cut_at_a_word_with_a_notice_in_its_language(
    question: str, language: str, notice: str
) -> None:
    prepared = policy.prepare(question, max_chars=2000)

    assert prepared.language == language and prepared.notice == notice
    assert len(prepared.text) <= 2000 and question.startswith(prepared.text)
    assert question[len(prepared.text)] == " "  # cut between words, not inside one


def test_an_empty_question_gets_the_swedish_hint() -> None:
    answer = policy.empty_answer(policy.prepare(" \n\t "))

    assert answer == Answer("", policy.TEXTS["sv"]["empty"], refused=True, language="sv")


def test_a_refusal_keeps_the_notice_and_the_meta_in_the_question_language() -> None:
    prepared = policy.prepare("What is for lunch on Friday? " * 100, max_chars=50)

    answer = policy.refusal(prepared, {"relevance": 0.5})

    assert answer.refused and answer.sources == () and answer.language == "en"
    assert answer.text == policy.TEXTS["en"]["refusal"]
    assert answer.notice == prepared.notice and answer.meta == {"relevance": 0.5}


def test_answered_cites_its_sources_and_keeps_the_notice() -> None:
    prepared = policy.prepare("Vad är en APT? " * 200, max_chars=100)

    answer = policy.answered(prepared, "> En APT hålls en gång i månaden. [1]", [], {"query": "q"})

    assert not answer.refused and answer.question == prepared.text
    assert answer.notice == prepared.notice and answer.meta == {"query": "q"}


@pytest.mark.parametrize(
    ("question", "answerable_alone", "query"),
    [
        ("och hur ofta då?", False, "Vad är en APT? och hur ofta då?"),
        ("och hur ofta då?", True, "Vad är en APT? och hur ofta då?"),  # opens like a follow-up
        ("Hur ofta?", True, "Hur ofta?"),  # short, but the documents answer it alone
        ("Hur ofta?", False, "Vad är en APT? Hur ofta?"),
        ("Vilka är diskrimineringsgrunderna enligt lagen i Sverige idag?", False,
         "Vilka är diskrimineringsgrunderna enligt lagen i Sverige idag?"),  # long: never padded
    ],
)
def test_the_retrieval_query_adds_the_previous_question_only_to_follow_ups(
    question: str, answerable_alone: bool, query: str
) -> None:
    assert policy.choose_query(policy.prepare(question, [APT]), answerable_alone) == query


def test_without_history_the_question_is_the_query() -> None:
    assert policy.choose_query(policy.prepare("och hur ofta då?"), answerable_alone=False) == "och hur ofta då?"


def test_the_extractive_answerer_follows_the_policy_before_touching_the_index(tmp_path: Path) -> None:
    # An empty collection: retrieving would raise IndexMissing, so these come from the policy alone.
    index = KnowledgeIndex(make_client(tmp_path / "chroma"), "hp-knowledge", DeterministicFakeEmbedding(size=8))
    answerer = ExtractiveAnswerer(HybridRetriever(index), max_chars=100)

    assert answerer.ask("   ") == policy.empty_answer(policy.prepare("   "))
