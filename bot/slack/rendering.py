"""Pure Block Kit builders: an `Answer` in, Slack message arguments out.

Slack's limits (docs.slack.dev/reference/block-kit/blocks): 50 blocks a message and 3,000
characters a section text. Long answers are split and, past 50 blocks, shortened with a
note; they are never rejected.
"""

from typing import Any

from bot.answer.citations import attribution, label
from bot.answer.types import Answer, Source, cited_numbers
from bot.ingest.cutting import cut_point, shorten
from bot.slack.mrkdwn import TEXT_LIMIT, escape, link, split_text, to_mrkdwn
from bot.slack.texts import text as ui

MAX_BLOCKS = 50
CONTEXT_LIMIT = 2000  # our cap for the notice line under an answer
FEEDBACK_UP, FEEDBACK_DOWN, SHARE = "feedback_up", "feedback_down", "share_answer"

Block = dict[str, Any]


def source_line(number: int, source: Source, language: str = "sv") -> str:
    """Render one source as "[n] Titel – Avsnitt (whose it is)", the title linked when it has a URL.

    Guidance written for the bot opens with "HP-assistentens vägledning" and links its URL
    as "Läs mer", so the site it links to is never shown as the author of the quote.

    >>> source_line(1, Source("plan", "Handlingsplan", "Mål", 1.0, "", kind="own"))
    '[1] Handlingsplan – Mål (förbundets eget dokument)'
    >>> source_line(2, Source("rv", "Remissvar <MR>", "", 1.0, "", url="https://x.se", organisation="Stockholms stad"))
    '[2] <https://x.se|Remissvar &lt;MR&gt;> (Stockholms stad)'
    >>> source_line(3, Source("hp", "HP", "Intro", 1.0, "", url="https://esf.se", kind="guidance"), "en")
    "[3] HP-assistenten's guidance: HP – Intro · <https://esf.se|Read more>"
    """
    section = f" – {escape(source.section)}" if source.section else ""
    if source.kind == "guidance":
        more = f" · {link(source.url, escape(label('more', language)))}" if source.url else ""
        return f"[{number}] {escape(label('guidance', language))}: {escape(source.title)}{section}{more}"
    title = link(source.url, escape(source.title)) if source.url else escape(source.title)
    whose = attribution(source, language)
    return f"[{number}] {title}{section}" + (f" ({escape(whose)})" if whose else "")


def section(mrkdwn: str) -> Block:
    """Return a mrkdwn section block (the caller keeps `mrkdwn` within 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def text_blocks(mrkdwn: str) -> list[Block]:
    """Return `mrkdwn` as as many sections as Slack's limits need."""
    return [section(part) for part in split_text(mrkdwn)]


def tail_blocks(answer: Answer, answer_id: str, *, share: bool = False) -> list[Block]:
    """Return the blocks after the answer text: sources, notice and the feedback buttons."""
    blocks: list[Block] = []
    # Only the sources the text cites, keeping their numbers ([1], [3], ...).
    cited = cited_numbers(answer.text) or set(range(1, len(answer.sources) + 1))
    if answer.sources:
        lines = [source_line(n, s, answer.language) for n, s in enumerate(answer.sources, start=1) if n in cited]
        heading = f"*{ui('sources', answer.language)}*"
        blocks += text_blocks("\n".join([heading, *lines]))
    if answer.notice:
        notice = shorten(escape(answer.notice), CONTEXT_LIMIT, "…")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": notice}]})
    blocks.append(actions_block(answer_id, answer.language, share=share))
    return blocks


def actions_block(answer_id: str, language: str, *, share: bool = False, voted: bool | None = None) -> Block:
    """Return the 👍/👎 buttons (and "Dela i kanalen" for an ephemeral answer).

    Args:
        voted: True/False once a 👍/👎 is registered: that button then says so (and is
            highlighted); both stay, so the vote can be changed.
    """
    up_style, down_style = ("primary", None) if voted else (None, "danger") if voted is False else (None, None)
    buttons = [
        _button(ui("voted_up" if voted else "up", language), FEEDBACK_UP, answer_id, style=up_style),
        _button(ui("voted_down" if voted is False else "down", language), FEEDBACK_DOWN, answer_id,
                style=down_style),
    ]
    if share:
        buttons.insert(0, _button(ui("share", language), SHARE, answer_id, style="primary"))
    return {"type": "actions", "block_id": f"answer-{answer_id}"[:255], "elements": buttons}


def voted_blocks(blocks: list[Block], answer_id: str, language: str, up: bool) -> list[Block]:
    """Return the answer's `blocks` with its vote buttons showing the vote `up` as registered.

    The rest (text, sources, notice, a "Dela i kanalen" button) stays as it was.

    >>> old = [section("Svar"), actions_block("a1", "sv")]
    >>> [b["text"]["text"] for b in voted_blocks(old, "a1", "sv", up=True)[1]["elements"]]
    ['👍 Tack för svaret', '👎 Inte bra']
    """
    block_id = actions_block(answer_id, language)["block_id"]
    out: list[Block] = []
    for block in blocks:
        if block.get("type") == "actions" and block.get("block_id") == block_id:
            share = any(el.get("action_id") == SHARE for el in block.get("elements", []))
            block = actions_block(answer_id, language, share=share, voted=up)
        out.append(block)
    return out


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def answer_blocks(
    answer: Answer, answer_id: str, *, share: bool = False, header: str | None = None
) -> list[Block]:
    """Return the whole answer as at most 50 blocks: text, sources, notice, buttons.

    Args:
        header: an optional context line above the answer (e.g. "Delat av @x").
    """
    head = [{"type": "context", "elements": [{"type": "mrkdwn", "text": header}]}] if header else []
    tail = tail_blocks(answer, answer_id, share=share)
    body = text_blocks(to_mrkdwn(answer.text)) or [section(" ")]
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        note = {"type": "context", "elements": [
            {"type": "mrkdwn", "text": ui("truncated", answer.language)}]}
        body = body[: room - 1] + [note]
    return head + body + tail


def fallback_text(answer: Answer) -> str:
    """Return the top-level `text` (notifications, screen readers, thread history)."""
    return shorten(answer.text.strip() or " ", TEXT_LIMIT, "…")


def render_answer(
    answer: Answer, answer_id: str, *, share: bool = False, header: str | None = None
) -> dict[str, Any]:
    """Return `text` and `blocks` for chat.postMessage, chat.update or `respond`."""
    blocks = answer_blocks(answer, answer_id, share=share, header=header)
    return {"text": fallback_text(answer), "blocks": blocks}


def stream_pieces(markdown: str, first: int = 200, size: int = 2000) -> list[str]:
    """Split the answer text into a short first piece (shown at once) and larger ones.

    >>> stream_pieces("a b c d", first=3, size=4)
    ['a b', ' c d']
    """
    pieces: list[str] = []
    rest = markdown
    limit = first
    while rest:
        cut = cut_point(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut:]
        limit = size
    return pieces


def notice_message(mrkdwn: str) -> dict[str, Any]:
    """Return `text` and `blocks` for a short message (help, error, thanks)."""
    return {"text": shorten(mrkdwn, TEXT_LIMIT, "…"), "blocks": text_blocks(mrkdwn)[:MAX_BLOCKS]}
