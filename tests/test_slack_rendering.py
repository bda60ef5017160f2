"""Block Kit builders, tested as plain functions, and the pure message helpers."""

import doctest

import pytest

import bot.slack.conversation
import bot.slack.rendering
import bot.slack.responder
import bot.slack.texts
from bot.answer.types import Answer, Source, Turn
from bot.evaluation.slack_standin import block_kit_problems
from bot.slack.conversation import is_question, strip_mentions, turns_from_messages
from bot.slack.mrkdwn import SECTION_LIMIT, split_text
from bot.slack.rendering import MAX_BLOCKS, answer_blocks, render_answer, stream_pieces, tail_blocks
from bot.slack.texts import is_help

SOURCES = (
    Source("respekttrappan", "Respekttrappan", "Steg 1", 0.9, "…", url="https://ex.org/rt"),
    Source("hp", "Horisontella principer", "", 0.5, "…"),
)


def answer(text: str, **extra: object) -> Answer:
    """Return a Swedish answer with two sources."""
    values: dict = {"refused": False, "language": "sv", "sources": SOURCES, **extra}
    return Answer("Vad är Respekttrappan?", text, **values)


@pytest.mark.parametrize("module", [bot.slack.rendering, bot.slack.conversation,
                                    bot.slack.texts, bot.slack.responder])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_answer_then_numbered_sources_then_buttons() -> None:
    blocks = answer_blocks(answer("Sju steg [1]. Tre principer [2]."), "abc")
    assert [b["type"] for b in blocks] == ["section", "section", "actions"]
    assert blocks[0]["text"]["text"] == "Sju steg [1]. Tre principer [2]."
    assert blocks[1]["text"]["text"] == (
        "*Källor*\n[1] <https://ex.org/rt|Respekttrappan> – Steg 1\n[2] Horisontella principer"
    )
    buttons = blocks[2]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("feedback_up", "abc"), ("feedback_down", "abc")]
    assert block_kit_problems(blocks) == []


def test_only_cited_sources_are_listed_with_their_numbers() -> None:
    blocks = answer_blocks(answer("Tre principer [2]."), "abc")
    assert blocks[1]["text"]["text"] == "*Källor*\n[2] Horisontella principer"


def test_quoted_lines_render_as_slack_quotes_not_escaped_text() -> None:
    blocks = answer_blocks(answer("Så här står det:\n\n> Sju steg. [1]"), "abc")
    assert "\n> Sju steg. [1]" in blocks[0]["text"]["text"]
    assert "&gt;" not in blocks[0]["text"]["text"]


def test_english_answer_gets_english_labels_and_notice() -> None:
    blocks = answer_blocks(answer("Seven steps [1].", language="en", notice="Shortened."), "x")
    text = str(blocks)
    assert "*Sources*" in text and "Helpful" in text and "Shortened." in text


def test_share_button_only_for_ephemeral_answers() -> None:
    plain = render_answer(answer("x"), "id1")
    shared = render_answer(answer("x"), "id1", share=True)
    assert "share_answer" not in str(plain["blocks"])
    assert shared["blocks"][-1]["elements"][0]["text"]["text"] == "Dela i kanalen"


def test_a_12000_character_answer_renders_into_valid_blocks() -> None:
    text = "\n\n".join(f"Stycke {i}: " + "ord " * 150 for i in range(20))
    assert len(text) > 12000
    message = render_answer(answer(text), "id")
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in sections)
    assert len(message["blocks"]) <= MAX_BLOCKS
    assert block_kit_problems(message["blocks"]) == []
    rendered = "".join(b["text"]["text"] for b in sections[:-1])
    assert rendered.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    assert len(message["text"]) <= 4000


def test_a_huge_answer_is_shortened_with_a_note_never_rejected() -> None:
    text = "x" * (SECTION_LIMIT * 60)
    blocks = answer_blocks(answer(text), "id")
    assert len(blocks) == MAX_BLOCKS
    assert "kortats" in str(blocks[-3])  # the note, then the sources and the buttons
    assert block_kit_problems(blocks) == []


def test_mrkdwn_is_escaped_and_markdown_converted() -> None:
    blocks = answer_blocks(answer("**Obs** a < b & [länk](https://ex.org/?a=1&b=2) [1]"), "i")
    assert blocks[0]["text"]["text"] == "*Obs* a &lt; b &amp; <https://ex.org/?a=1&b=2|länk> [1]"


def test_split_text_prefers_paragraphs_and_never_exceeds_the_limit() -> None:
    text = "a" * 50 + "\n\n" + "b" * 50 + " " + "c" * 30
    assert split_text(text, limit=60) == ["a" * 50, "b" * 50, "c" * 30]
    assert split_text("x" * 130, limit=60) == ["x" * 60, "x" * 60, "x" * 10]
    assert split_text("   ") == []


def test_stream_pieces_keep_every_character() -> None:
    text = "Första meningen är kort. " + "Sedan kommer mer text. " * 300
    pieces = stream_pieces(text)
    assert "".join(pieces) == text
    assert len(pieces[0]) <= 200 and all(len(p) <= 2000 for p in pieces)


def test_tail_blocks_without_sources() -> None:
    refused = Answer("?", "Jag hittar inget om det.", True, "sv")
    assert [b["type"] for b in tail_blocks(refused, "i")] == ["actions"]


def test_strip_mentions_and_help() -> None:
    assert strip_mentions("<@UBOT|hp> hej", "UBOT") == "hej"
    assert strip_mentions("<@UX> <@UY> hej", None) == "hej"
    assert is_help("") and is_help("help") and not is_help("hjälp mig med HP")


def test_is_question_ignores_edits_joins_and_bots() -> None:
    assert is_question({"user": "U1", "text": "hej", "ts": "1"}, "UBOT")
    assert not is_question({"user": "U1", "text": "hej", "subtype": "channel_join"}, "UBOT")
    assert not is_question({"user": "U1", "text": "hej", "edited": {"ts": "2"}}, "UBOT")
    assert not is_question({"user": "UBOT", "text": "hej"}, "UBOT")
    assert not is_question({"user": "U2", "bot_id": "B2", "text": "hej"}, "UBOT")
    assert not is_question({"user": "U1", "text": "  "}, "UBOT")
    assert is_question({"user": "U1", "text": "och?", "subtype": "thread_broadcast"}, "UBOT")


def test_turns_skip_other_bots_and_unanswered_messages() -> None:
    messages = [
        {"ts": "1", "user": "U1", "text": "<@UB> första?"},
        {"ts": "2", "user": "UB", "bot_id": "BB", "text": "svar 1"},
        {"ts": "3", "user": "U2", "text": "bara prat"},
        {"ts": "4", "bot_id": "BOTHER", "text": "annan bot"},
        {"ts": "5", "user": "U1", "text": "andra?"},
        {"ts": "6", "user": "UB", "bot_id": "BB", "text": "svar 2"},
        {"ts": "7", "user": "U1", "text": "nu"},
    ]
    turns = turns_from_messages(messages, bot_user_id="UB", bot_id="BB", before_ts="7")
    assert turns == [Turn("första?", "svar 1"), Turn("andra?", "svar 2")]
    assert turns_from_messages(messages, bot_user_id="UB", bot_id="BB", before_ts="7",
                               limit=1) == [Turn("andra?", "svar 2")]
