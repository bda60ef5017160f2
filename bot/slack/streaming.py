"""Putting an answer into a conversation: the sign of work, streaming, and its fallback.

In a thread the answer streams in with chat.startStream/appendStream/stopStream (the
sources and buttons arrive as blocks with the stop). Where streaming is unavailable
(top-level DMs, or the method fails) the answer is posted with chat.postMessage; a
stream that broke half-way is completed with chat.update instead, as is an answer
replaced after its question was edited. Thanks get a reaction, never an answer.
"""

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer.types import Answer
from bot.slack.rendering import notice_message, render_answer, stream_pieces, tail_blocks
from bot.slack.texts import text as ui

logger = logging.getLogger(__name__)
WORKING_REACTION = "eyes"
THANKS_REACTION = "+1"


@dataclass(frozen=True)
class Place:
    """Where a question was asked, and so where its answer goes."""

    channel: str
    user_id: str
    thread_ts: str | None  # None: answer at the top level (a DM)
    message_ts: str | None = None  # the question's own message, for the 👀 reaction
    team_id: str | None = None
    is_dm: bool = False


def show_working(client: WebClient, place: Place, language: str = "sv") -> str:
    """Show at once that the bot is working; return how ("status", "reaction" or "")."""
    if place.is_dm and place.thread_ts:
        try:
            client.assistant_threads_setStatus(
                channel_id=place.channel, thread_ts=place.thread_ts, status=ui("status", language)
            )
            return "status"
        except SlackApiError as err:  # not an assistant thread: fall back to the reaction
            logger.debug("assistant.threads.setStatus failed: %s", err.response.get("error"))
    if place.message_ts:
        try:
            client.reactions_add(
                channel=place.channel, timestamp=place.message_ts, name=WORKING_REACTION
            )
            return "reaction"
        except SlackApiError as err:
            logger.warning("reactions.add failed: %s", err.response.get("error"))
    return ""


def acknowledge(client: WebClient, place: Place) -> None:
    """React 👍 to a thanks (`place.message_ts`) instead of answering it."""
    try:
        client.reactions_add(
            channel=place.channel, timestamp=str(place.message_ts), name=THANKS_REACTION
        )
    except SlackApiError as err:  # e.g. already_reacted: nothing the user needs to see
        logger.warning("reactions.add failed: %s", err.response.get("error"))


def done_working(client: WebClient, place: Place, how: str) -> None:
    """Take the sign of work away (a status clears itself when the bot replies)."""
    if how == "reaction" and place.message_ts:
        try:
            client.reactions_remove(
                channel=place.channel, timestamp=place.message_ts, name=WORKING_REACTION
            )
        except SlackApiError as err:
            logger.warning("reactions.remove failed: %s", err.response.get("error"))


def deliver(client: WebClient, place: Place, answer: Answer, answer_id: str) -> str:
    """Put `answer` in `place`, streamed where possible; return the message's ts."""
    stream_ts: str | None = None
    if place.thread_ts:
        try:
            return _stream(client, place, answer, answer_id)
        except _StreamBroke as broke:
            stream_ts = broke.ts
            logger.warning("streaming failed (%s); falling back", broke.error)
    message = render_answer(answer, answer_id)
    if stream_ts:
        try:
            client.chat_update(channel=place.channel, ts=stream_ts, **message)
            return stream_ts
        except SlackApiError as err:
            logger.warning("chat.update of the broken stream failed: %s", err.response.get("error"))
    response = client.chat_postMessage(channel=place.channel, thread_ts=place.thread_ts, **message)
    return str(response["ts"])


def replace(client: WebClient, channel: str, ts: str, answer: Answer, answer_id: str) -> str:
    """Put `answer` in place of the earlier answer message `ts`; return `ts`."""
    client.chat_update(channel=channel, ts=ts, **render_answer(answer, answer_id))
    return ts


class _StreamBroke(Exception):
    def __init__(self, ts: str | None, error: object) -> None:
        super().__init__(str(error))
        self.ts, self.error = ts, error


def _stream(client: WebClient, place: Place, answer: Answer, answer_id: str) -> str:
    """Stream the answer text, then stop with the sources and buttons as blocks."""
    pieces = stream_pieces(answer.text) or [" "]
    ts: str | None = None
    try:
        start = client.chat_startStream(
            channel=place.channel, thread_ts=str(place.thread_ts), markdown_text=pieces[0],
            recipient_user_id=place.user_id, recipient_team_id=place.team_id,
        )
        ts = str(start["ts"])
        for piece in pieces[1:]:
            client.chat_appendStream(channel=place.channel, ts=ts, markdown_text=piece)
        client.chat_stopStream(
            channel=place.channel, ts=ts, blocks=tail_blocks(answer, answer_id)
        )
    except SlackApiError as err:
        raise _StreamBroke(ts, err.response.get("error")) from err
    return ts


def post_notice(client: WebClient, place: Place, mrkdwn: str) -> None:
    """Post a short message (e.g. an error) where the question was asked."""
    client.chat_postMessage(channel=place.channel, thread_ts=place.thread_ts,
                            **notice_message(mrkdwn))
