"""Block Kit builders, tested as plain functions, and the pure message helpers."""

import doctest

import pytest

import bot.slack.conversation
import bot.slack.rendering
import bot.slack.responder
import bot.slack.texts
from bot.answer.types import Answer, Source, Turn
from bot.evaluation.slack_standin import block_kit_problems
from bot.slack.conversation import asks_the_bot, edited_question, is_question, strip_mentions, turns_from_messages
from bot.slack.mrkdwn import SECTION_LIMIT, split_text, to_mrkdwn
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


KINDS = (
    Source("plan", "Handlingsplan för jämställdhetsintegrering", "Uppföljning", 0.9, "…", kind="own",
           organisation="Samordningsförbundet (förbundets namn anges inte i dokumentet)"),
    Source("remiss", "Svar på remiss <MR-programmet>", "Sammanfattning", 0.8, "…", url="https://ex.org/remiss",
           organisation="Serviceförvaltningen, Stockholms stad"),
    Source("hp", "Horisontella principer", "Tre principer", 0.7, "…", url="https://www.esf.se/hp/?a=1&b=2",
           kind="guidance", organisation="HP-assistenten (sammanställt från offentliga källor)"),
)


def source_lines(language: str) -> list[str]:
    """The source lines of an answer citing one source of each kind."""
    blocks = answer_blocks(answer("Plan [1]. Remiss [2]. HP [3].", sources=KINDS, language=language), "k")
    assert block_kit_problems(blocks) == []
    return str(blocks[1]["text"]["text"]).splitlines()[1:]


def test_each_source_line_says_what_the_source_is() -> None:
    assert source_lines("sv") == [
        "[1] Handlingsplan för jämställdhetsintegrering – Uppföljning (förbundets eget dokument)",
        "[2] <https://ex.org/remiss|Svar på remiss &lt;MR-programmet&gt;> – Sammanfattning"
        " (Serviceförvaltningen, Stockholms stad)",
        "[3] HP-assistentens vägledning: Horisontella principer – Tre principer"
        " · <https://www.esf.se/hp/?a=1&b=2|Läs mer>",
    ]


def test_guidance_never_names_the_site_it_links_to_as_the_author() -> None:
    [guidance] = source_lines("sv")[2:]
    assert "HP-assistenten (sammanställt" not in guidance  # its organisation field is not the author line
    assert "<https://www.esf.se/hp/?a=1&b=2|Läs mer>" in guidance
    assert "|Horisontella principer>" not in guidance  # the title is not the link


def test_source_lines_of_an_english_answer_are_english() -> None:
    lines = source_lines("en")
    assert lines[0].endswith("(the association's own document)")
    assert lines[1].endswith("(Serviceförvaltningen, Stockholms stad)")
    assert lines[2] == ("[3] HP-assistenten's guidance: Horisontella principer – Tre principer"
                        " · <https://www.esf.se/hp/?a=1&b=2|Read more>")


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


def test_split_text_never_cuts_a_link_an_escape_or_an_emoji() -> None:
    # Found by tests/test_properties_mrkdwn.py: Slack showed "<https://x.se|Läs mer" raw,
    # "&a" + "mp;", and half a flag or a skin tone without its hand.
    link = "<https://x.se|Läs mer om detta>"
    assert split_text(f"Text före länken {link}", limit=40) == ["Text före länken", link]
    assert split_text("a" * 25 + "&amp;" * 4, limit=27) == ["a" * 25, "&amp;" * 4]
    assert split_text("🇸🇪" * 10, limit=15) == ["🇸🇪" * 7, "🇸🇪" * 3]
    assert split_text("👍🏽" * 10, limit=5) == ["👍🏽" * 2] * 5


def test_a_heading_with_bold_in_it_is_bold_once() -> None:
    # Found by tests/test_properties_mrkdwn.py: "## **Mål**" came out as "**Mål**".
    assert to_mrkdwn("## **Sammanfattning**") == "*Sammanfattning*"
    assert to_mrkdwn("# Mål **viktigt** här") == "*Mål viktigt här*"


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


# Realistic thread messages after the bot has answered, and what the bot should make of them.
THREAD_MESSAGES = [
    # questions to the bot: follow-ups, question words, inverted verbs, imperatives
    ("och steg 6?", "question"),
    ("och hur ofta då?", "question"),
    ("steg 7 då?", "question"),
    ("Vad innebär steg 3 i Respekttrappan?", "question"),
    ("vilka diskrimineringsgrunder finns det", "question"),
    ("Hur gör vi med tillgänglighet i projektplanen", "question"),
    ("Kan vi använda det i en ansökan till ESF?", "question"),
    ("Får man skriva rapporten på engelska", "question"),
    ("Finns det en mall för jämställdhetsanalys", "question"),
    ("Gäller det här även för deltidsanställda?", "question"),
    ("Vet du om det finns en checklista?", "question"),
    ("Förklara steg 5 lite enklare", "question"),
    ("berätta mer om likabehandling", "question"),
    ("Ge exempel på härskartekniker", "question"),
    ("Sammanfatta svaret i tre punkter", "question"),
    ("Tack! Men vad gäller för steg 6?", "question"),
    ("Okej, och varför är det så?", "question"),
    ("Jag undrar vad som gäller vid rekrytering", "question"),
    ("<@UBOT> vad säger principerna om barnperspektivet", "question"),
    ("What does step 4 mean?", "question"),
    ("how often should we review this", "question"),
    ("Can I use this in the EU application", "question"),
    ("Is there a template for the gender analysis?", "question"),
    ("Explain the difference between step 2 and step 3", "question"),
    ("Tell me more about accessibility", "question"),
    ("Thanks, but what about part-time staff", "question"),
    ("Hmm, vad menas med <https://example.org/hp|HP-guiden> där?", "question"),
    # thanks and acknowledgements: a reaction at most
    ("tack!", "thanks"),
    ("Tack så mycket 🙏", "thanks"),
    ("Tusen tack, det hjälpte verkligen!", "thanks"),
    ("toppen", "thanks"),
    ("Toppen, tack för hjälpen!", "thanks"),
    ("ok", "thanks"),
    ("Perfekt, då fattar jag", "thanks"),
    ("vad bra!", "thanks"),
    ("👍", "thanks"),
    (":+1::skin-tone-3:", "thanks"),
    ("thanks", "thanks"),
    ("great, thanks!", "thanks"),
    ("Thank you so much!", "thanks"),
    ("got it, makes sense", "thanks"),
    # for someone else: a colleague, the group, or no question at all
    ("Kan du ta med fika imorgon, Anna?", "other"),
    ("Anna, vad tycker du?", "other"),
    ("Hej Erik, hur gick mötet?", "other"),
    ("Anna kan du kolla det här?", "other"),
    ("<@U2> kan du kolla det här?", "other"),
    ("Tack <@U2>!", "other"),
    ("Tack Anna!", "other"),
    ("Snyggt jobbat med ansökan, Sara!", "other"),
    ("Vad tycker ni om formuleringen?", "other"),
    ("Har någon bokat rummet till torsdag?", "other"),
    ("<!here> mötet börjar tio i stället", "other"),
    ("Jag bokar rummet", "other"),
    ("ok jag fixar det", "other"),
    ("Jag skickar det till Lisa sen", "other"),
    ("Vi ses på mötet!", "other"),
    ("😂", "other"),
    ("Can you send me the slides, John?", "other"),
    ("Does anyone know where the slides are?", "other"),
    ("I'll share it with the team tomorrow", "other"),
]


@pytest.mark.parametrize(("text", "expected"), THREAD_MESSAGES)
def test_asks_the_bot(text: str, expected: str) -> None:
    assert asks_the_bot(text, "UBOT") == expected


def test_the_table_covers_each_kind_in_both_languages() -> None:
    kinds = [kind for _, kind in THREAD_MESSAGES]
    assert len(THREAD_MESSAGES) >= 25
    assert all(kinds.count(kind) >= 10 for kind in ("question", "thanks", "other"))


def test_edited_question_is_the_new_text_of_a_human_message() -> None:
    def edit(new: dict, old: str = "Vad är HP?") -> dict:
        return {"type": "message", "subtype": "message_changed", "channel": "C1",
                "message": {"ts": "1.1", **new}, "previous_message": {"ts": "1.1", "text": old}}

    assert edited_question(edit({"user": "U1", "text": "Vad är MR?"}), "UBOT") == {
        "ts": "1.1", "user": "U1", "text": "Vad är MR?"}
    assert edited_question(edit({"user": "U1", "text": "Vad är HP?"}), "UBOT") is None  # unfurl
    assert edited_question(edit({"user": "UBOT", "bot_id": "B", "text": "Svar"}), "UBOT") is None
    assert edited_question(edit({"user": "U1", "text": " "}), "UBOT") is None
    assert edited_question({"type": "message", "user": "U1", "text": "hej", "ts": "2"}, "UBOT") is None
