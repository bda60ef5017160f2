"""Post texts: principle rotation, questions, the quoted passage and the Respekttrappan step."""

import datetime as dt
from pathlib import Path

import pytest

from bot.errors import KnowledgeFileError
from bot.schedules.content import Composer
from bot.schedules.rotation import ChannelState, advance
from tests.test_schedules_fixtures import FakeRetriever, write_knowledge

DAY = dt.date(2026, 12, 28)


@pytest.fixture()
def composer(tmp_path: Path) -> Composer:
    """A composer over tmp knowledge with a fake retriever."""
    return Composer(write_knowledge(tmp_path / "knowledge"), FakeRetriever())


def test_hp_rotates_through_the_three_principles(composer: Composer) -> None:
    """jämställdhet → tillgänglighet → icke-diskriminering → jämställdhet."""
    state = ChannelState("C1")
    titles = []
    for _ in range(4):
        text = composer.render("hp", state, DAY)
        titles.append(text.splitlines()[0])
        state = advance(state, "hp")
    assert [t.split("HP-punkt: ")[1].split("*")[0] for t in titles] == [
        "Jämställdhet",
        "Tillgänglighet",
        "Icke-diskriminering",
        "Jämställdhet",
    ]


def test_hp_post_has_meaning_questions_and_a_quoted_source(composer: Composer) -> None:
    """The post explains the principle, asks two questions, quotes a passage with its source."""
    text = composer.render("hp", ChannelState("C1"), DAY)
    assert "arbetsmötet måndag 28 december 2026" in text
    assert "samma makt att forma samhället" in text
    assert text.count("\n• ") == 2
    assert "> Ett citat om jämställdhet: kvinnor &lt;och&gt; män." in text
    assert "— _Horisontella principer_, HP &gt; Citat (<https://esf.se|källa>)" in text


def test_questions_change_each_round(composer: Composer) -> None:
    """The next time jämställdhet comes round, the questions are different."""
    first = composer.render("hp", ChannelState("C1", hp_count=0), DAY)
    second = composer.render("hp", ChannelState("C1", hp_count=3), DAY)
    questions = [
        {line for line in t.splitlines() if line.startswith("• ")} for t in (first, second)
    ]
    assert len(questions[0]) == 2 and not questions[0] & questions[1]


@pytest.mark.parametrize("retriever", [None, FakeRetriever(missing=True)])
def test_hp_post_without_index_has_no_quote(tmp_path: Path, retriever: object) -> None:
    """No retriever, or IndexMissing: the post goes out without the quote."""
    composer = Composer(write_knowledge(tmp_path / "k"), retriever)  # type: ignore[arg-type]
    text = composer.render("hp", ChannelState("C1"), DAY)
    assert "HP-punkt: Jämställdhet" in text and "Ur kunskapsbanken" not in text


def test_apt_agenda_has_standing_items_hp_point_and_step(composer: Composer) -> None:
    """Standing items incl. jämställdhet, the HP-punkt, and "Steg N av 7: Namn" with link."""
    text = composer.render("apt", ChannelState("C1", hp_count=1), DAY, start_step=3)
    assert "*Jämställdhet (stående punkt)*" in text
    assert "*HP-punkt: Tillgänglighet*" in text
    assert "*Respekttrappan – Steg 3 av 7: Quizza!*" in text
    assert "*Kärnidé:* Kärnidé för steg 3 &amp; mer." in text
    assert "*Så gör ni på APT:* Så gör ni steg 3 på APT." in text
    assert "<https://respekttrappan.se/steg-3|Öppna steg 3 i Respekttrappan>" in text


def test_stored_step_wins_over_start_step(composer: Composer) -> None:
    """Once the channel has a step, start_step no longer matters."""
    text = composer.render("apt", ChannelState("C1", next_step=7), DAY, start_step=3)
    assert "Steg 7 av 7: Gör!" in text


def test_apt_without_respekttrappan_is_an_error(tmp_path: Path) -> None:
    """No knowledge file: a clear KnowledgeFileError (the post is retried, not garbled)."""
    composer = Composer(tmp_path / "empty", None)
    with pytest.raises(KnowledgeFileError, match="respekttrappan.yaml"):
        composer.render("apt", ChannelState("C1"), DAY)


def test_real_knowledge_and_templates_render() -> None:
    """The repository's own respekttrappan.yaml and templates work together."""
    knowledge = Path(__file__).resolve().parents[1] / "knowledge"
    if not (knowledge / "respekttrappan.yaml").exists():
        pytest.skip("knowledge/respekttrappan.yaml not written yet")
    composer = Composer(knowledge, None)
    for number in range(1, 8):
        text = composer.render("apt", ChannelState("C1", next_step=number), DAY)
        assert f"Steg {number} av 7: {composer.step(number).name}" in text
