"""Putting an answer into a conversation: the sign of work, streaming, and its fallback.

In a thread the answer streams in with chat.startStream/appendStream/stopStream (the
sources and buttons arrive as blocks with the stop). Where streaming is unavailable
(top-level DMs, or the method fails) the answer is posted with chat.postMessage; a
stream that broke half-way is completed with chat.update instead, as is an answer
replaced after its question was edited. Thanks get a reaction, never an answer.
"""

import logging
import time
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
                channel_id=place.channel, thread_ts=place.thread_ts, status=ui("status", language),
                loading_messages=ui("loading", language).splitlines(),  # rotated by Slack, at most 10
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
            if err.response.get("error") == "already_reacted":  # our own claim (claim_by_reaction)
                return "reaction"
            logger.warning("reactions.add failed: %s", err.response.get("error"))
    return ""


def claim_by_reaction(client: WebClient, channel: str, message_ts: str | None) -> bool:
    """Claim a question through Slack when the database cannot: add 👀 to it, unless already there.

    Slack refuses a second identical reaction (`already_reacted`), so of two replicas that
    both got the question while the database was away, one wins. Any other failure (Slack
    away too) claims it: a question may then be answered twice, never zero times.
    """
    if not message_ts:
        return True
    try:
        client.reactions_add(channel=channel, timestamp=message_ts, name=WORKING_REACTION)
    except SlackApiError as err:
        return bool(err.response.get("error") != "already_reacted")
    except OSError:
        return True
    return True


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


class LiveStream:
    """A generated answer streamed into a thread as the LLM writes it, then set to the final answer.

    Called with each new piece of text (from the answering thread); the first piece starts
    a stream, later pieces are appended at most every `interval` seconds. The LLM's text
    is not yet verified, so `finish` always replaces it with the final answer (the verified
    text, or the quoted answer that stands in for a rejected one) and `discard` with a
    notice. A stream Slack refuses is abandoned quietly: the final answer still arrives.
    """

    def __init__(self, client: WebClient, place: Place, interval: float = 0.5) -> None:
        self._client, self._place, self._interval = client, place, interval
        self._pending = ""
        self._last = 0.0
        self.ts: str | None = None
        self._broken = False

    def __call__(self, text: str) -> None:
        """Add `text` to the stream (batched)."""
        if self._broken:
            return
        self._pending += text
        now = time.monotonic()
        if now - self._last < self._interval or not self._pending.strip():
            return
        self._last = now
        piece, self._pending = self._pending, ""
        try:
            if self.ts is None:
                start = self._client.chat_startStream(
                    channel=self._place.channel, thread_ts=str(self._place.thread_ts),
                    markdown_text=piece, recipient_user_id=self._place.user_id,
                    recipient_team_id=self._place.team_id,
                )
                self.ts = str(start["ts"])
            else:
                self._client.chat_appendStream(channel=self._place.channel, ts=self.ts, markdown_text=piece)
        except SlackApiError as err:
            self._broken = True
            logger.warning("live streaming failed (%s); the answer comes whole", err.response.get("error"))

    def finish(self, answer: Answer, answer_id: str) -> str:
        """Put the final `answer` in place of the streamed text; return the message's ts."""
        if self.ts is None:
            return deliver(self._client, self._place, answer, answer_id)
        self._stop()
        try:
            return replace(self._client, self._place.channel, self.ts, answer, answer_id)
        except SlackApiError as err:  # the unverified text must not stay: remove it, post anew
            logger.warning("chat.update of the streamed answer failed: %s", err.response.get("error"))
            self._delete()
            message = render_answer(answer, answer_id)
            response = self._client.chat_postMessage(
                channel=self._place.channel, thread_ts=self._place.thread_ts, **message
            )
            return str(response["ts"])

    def discard(self, mrkdwn: str) -> bool:
        """Replace the streamed text by `mrkdwn` (a failure notice); False if nothing was streamed."""
        if self.ts is None:
            return False
        self._stop()
        try:
            self._client.chat_update(channel=self._place.channel, ts=self.ts, **notice_message(mrkdwn))
        except SlackApiError as err:
            logger.warning("chat.update of the streamed answer failed: %s", err.response.get("error"))
            self._delete()
            return False
        return True

    def _stop(self) -> None:
        try:
            self._client.chat_stopStream(channel=self._place.channel, ts=str(self.ts))
        except SlackApiError as err:  # already stopped, or streaming broke: update still works
            logger.info("chat.stopStream failed: %s", err.response.get("error"))

    def _delete(self) -> None:
        try:
            self._client.chat_delete(channel=self._place.channel, ts=str(self.ts))
        except SlackApiError as err:
            logger.error("could not remove an unverified streamed answer: %s", err.response.get("error"))
