"""Our question set, and the answer quality measured on its held-out half with the real answerer.

The thresholds below are what the extractive answerer reaches on the holdout half today
(README, "Answer quality"), less a small margin: a change that makes answers worse fails
here. Issue 8's bar (refusal ≥ 0.95, must-include ≥ 0.90, first quote ≥ 0.80) is not
reached yet; the README says by how much.
"""

from collections import Counter
from pathlib import Path

import pytest

from bot.evaluation.questions import evaluate, load_questions
from bot.wiring import build_answerer
from tests.core_fixtures import KNOWLEDGE, RealKB

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions.jsonl"


def test_question_set_covers_what_the_issue_asks() -> None:
    items = load_questions(QUESTIONS)
    stems = {p.stem for p in KNOWLEDGE.iterdir() if not p.name.startswith(".")}
    kinds = Counter(item.kind for item in items)
    holdout = [item for item in items if item.split == "holdout"]

    assert len(items) >= 150 and len({item.id for item in items}) == len(items)
    assert {s for item in items for s in item.expected_sources} == stems  # every document is asked about
    assert kinds["near_domain"] >= 50 and kinds["sloppy"] >= 10 and kinds["english"] >= 10
    assert all(not item.answerable for item in items if item.kind in ("near_domain", "off_domain"))
    assert sum(item.kind == "near_domain" for item in holdout) >= 25
    assert 0.4 <= len(holdout) / len(items) <= 0.6


@pytest.mark.slow
@pytest.mark.timeout(900)  # 487 questions through the real answerer: about two minutes on an idle machine
def test_answers_on_the_holdout_half_hold_the_measured_level(real_kb: RealKB) -> None:
    items = [item for item in load_questions(QUESTIONS) if item.split == "holdout"]
    report = evaluate(build_answerer(real_kb.settings), items)

    assert report["source_recall_at_3"] >= 0.95
    assert report["must_include_rate"] >= 0.63  # measured 0.655 (487 holdout questions)
    assert report["refusal_accuracy"] >= 0.75  # measured 0.770
    assert report["first_quote_answers"] >= 0.58  # measured 0.603
    assert report["median_answer_chars"] <= 350  # measured 285 (the issue asks ≤ 500)
