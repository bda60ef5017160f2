"""Properties of the OCR repair on real Swedish sentences, clean and damaged."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest.ocr import repair_text
from bot.ingest.ocr_lexicon import Lexicon

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
STRIP = str.maketrans("åäöÅÄÖ", "aaoAAO")
OCR = str.maketrans({"ö": "6", "ä": "&", "å": "a"})
# URLs, e-mail addresses and numbers (dates, law references, amounts) a repair must keep.
KEPT = st.sampled_from(
    ["https://www.do.se/for-arbetsgivare", "www.esf.se/hp", "anna.oberg@forbundet.se", "kansli@sbab.se",
     "2026-03-01", "SFS 2008:567", "12 procent", "3,5 miljoner", "kl. 09:30", "2018-2022", "KS 2023/1159",
     "steg 1", "punkt 1 nedan", "kapitel 1 om"]
)
# A number stands alone: "6kad" and "f0r" are OCR'd letters, not numbers.
NUMBER = re.compile(r"(?<![\w&@|{])\d+(?:[-,.:/]\d+)*(?![\w&@|{])")
SLOW = settings(max_examples=40)  # a repair takes tens of milliseconds


def _sentences() -> list[str]:
    """Sentences of the knowledge base's Markdown, without front matter or Markdown syntax."""
    found: list[str] = []
    for path in sorted(KNOWLEDGE.glob("*.md")):
        body = path.read_text("utf-8").split("---", 2)[-1]
        for line in body.splitlines():
            line = re.sub(r"^(?:#+|-|\d+\.)\s+|\*\*|\[|\]\([^)]*\)", "", line.strip())
            found += [s for s in re.split(r"(?<=[.!?])\s+", line) if len(s.split()) >= 4 and "http" not in s]
    return found


SENTENCES = _sentences()
SENTENCE = st.sampled_from(SENTENCES)


@pytest.fixture(scope="module", autouse=True)
def lexicon() -> Lexicon:
    """Load the shared wordfreq lexicon before the first example runs."""
    return Lexicon.from_wordfreq()


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Sentences stripped of å/ä/ö (some words read as OCR symbols), with URLs and numbers.

    Returns the text and the URLs, addresses and numbers it holds.
    """
    words: list[str] = []
    kept: list[str] = []
    for sentence in draw(st.lists(SENTENCE, min_size=1, max_size=4)):
        for word in sentence.split():
            damage = draw(st.sampled_from(["keep", "strip", "strip", "ocr"]))
            words.append(word if damage == "keep" else word.translate(STRIP if damage == "strip" else OCR))
        if draw(st.booleans()):
            kept.append(draw(KEPT))
            words += ["se", kept[-1], "och"]
    return " ".join(words), kept


@SLOW
@given(st.lists(SENTENCE, min_size=1, max_size=5).map(" ".join))
def test_clean_swedish_is_left_unchanged(text: str) -> None:
    assert repair_text(text) == text


@SLOW
@given(damaged())
def test_repair_keeps_words_urls_and_numbers(case: tuple[str, list[str]]) -> None:
    text, kept = case
    repaired = repair_text(text)
    assert len(repaired.split()) == len(text.split())  # no word deleted, none split in two
    for item in kept:
        assert item in repaired
    assert NUMBER.findall(repaired) == NUMBER.findall(text)
    assert abs(len(repaired) - len(text)) <= 0.1 * len(text) + 2


@SLOW
@given(damaged())
def test_repair_is_idempotent(case: tuple[str, list[str]]) -> None:
    once = repair_text(case[0])
    assert repair_text(once) == once
