"""The issue's quality bar on our own question set, measured with the real answerer."""

import json
from pathlib import Path

import pytest

from bot.evaluation.questions import evaluate, load_questions
from bot.wiring import build_answerer
from tests.core_fixtures import KNOWLEDGE, RealKB, shared_real_kb

pytestmark = pytest.mark.slow
QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions.jsonl"


@pytest.fixture(scope="session")
def real_kb(tmp_path_factory: pytest.TempPathFactory) -> RealKB:
    """knowledge/ indexed once per run (shared with the other real-index tests)."""
    return shared_real_kb(tmp_path_factory)


def test_question_set_covers_what_the_issue_asks() -> None:
    items = load_questions(QUESTIONS)
    stems = {p.stem for p in KNOWLEDGE.iterdir() if not p.name.startswith(".")}
    covered = {s for item in items for s in item["expected_sources"]}
    assert len(items) >= 40
    assert covered == stems  # every knowledge document is asked about
    assert sum(not item["answerable"] for item in items) >= 5
    assert sum(not any(ch in item["question"] for ch in "åäöÅÄÖ") and item["answerable"] for item in items) >= 3
    english = [json.dumps(item) for item in items if item["question"].isascii() and " the " in item["question"]]
    assert len(english) >= 2


def test_answers_meet_the_quality_bar(real_kb: RealKB) -> None:
    report = evaluate(build_answerer(real_kb.settings), load_questions(QUESTIONS))

    assert report["source_recall_at_3"] >= 0.95
    assert report["must_include_rate"] >= 0.90
    assert report["refusal_accuracy"] == 1.0
