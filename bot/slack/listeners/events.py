"""Event listeners: a mention in a channel, and a message in a DM or in a thread we answered.

Thread manners: in a thread the bot answered, a message is answered only when it asks the
bot something (`asks_the_bot`); thanks get a 👍 reaction, talk between colleagues nothing.
In a DM everything but thanks is answered. An edited question gets its answer updated.
While the database cannot say whether we answered in a thread (and this process does not
remember it), the thread itself is read: did the bot post in it?
"""

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer.types import Turn
from bot.slack.conversation import asks_the_bot, edited_question, is_question, mentions, strip_mentions
from bot.slack.listeners.common import Payload, history
from bot.slack.listeners.notes import take_note
from bot.slack.responder import Responder
from bot.slack.streaming import Place, acknowledge, claim_by_reaction, post_notice
from bot.slack.texts import HELP
from bot.store.events import EventDeduper
from bot.store.traces import PostTraces

logger = logging.getLogger(__name__)


def bot_in_thread(client: WebClient, context: BoltContext, channel: str, thread_ts: str) -> bool:
    """Return True when the bot posted in the thread (Slack's own record; False if unreadable)."""
    try:
        messages = client.conversations_replies(channel=channel, ts=thread_ts, limit=200).get("messages") or []
    except (SlackApiError, OSError) as err:  # Slack refuses too: stay out of the conversation
        logger.warning("could not read the thread (%s)", type(err).__name__)
        return False
    return any((context.bot_id and m.get("bot_id") == context.bot_id)
               or (context.bot_user_id and m.get("user") == context.bot_user_id) for m in messages)


def register(app: App, responder: Responder, deduper: EventDeduper, traces: PostTraces | None = None) -> None:
    """Add the `app_mention` and `message` listeners to `app` (`traces`: notes on scheduled posts)."""

    def answered_in(client: WebClient, context: BoltContext, channel: str, thread_ts: str) -> bool:
        known = responder.records.answered_in_thread(channel, thread_ts)
        return known if known is not None else bot_in_thread(client, context, channel, thread_ts)

    @app.event("app_mention")
    def on_mention(body: Payload, event: Payload, client: WebClient, context: BoltContext) -> None:
        if not is_question(event, context.bot_user_id) or not deduper.claim(
                body.get("event_id"), fallback=lambda: claim_by_reaction(client, event["channel"], event["ts"])):
            return
        place = Place(channel=event["channel"], user_id=event["user"],
                      thread_ts=event.get("thread_ts") or event["ts"], message_ts=event["ts"],
                      team_id=event.get("team") or body.get("team_id"))
        question = strip_mentions(event["text"], context.bot_user_id)
        if not question:
            post_notice(client, place, HELP)
            return
        if asks_the_bot(event["text"], context.bot_user_id) == "thanks":
            acknowledge(client, place)
            return

        def earlier() -> list[Turn]:  # a mention in an existing thread continues it
            return history(client, context, place.channel, event) if event.get("thread_ts") else []

        responder.answer_in(client, place, question, earlier)

    @app.event("message")
    def on_message(body: Payload, event: Payload, client: WebClient, context: BoltContext) -> None:
        if event.get("subtype") == "message_changed":
            on_edit(body, event, client, context)
            return
        if not is_question(event, context.bot_user_id):
            return  # joins, deletions, bot posts (our own included)
        channel, thread_ts = event["channel"], event.get("thread_ts")
        is_dm = event.get("channel_type") == "im"
        if not is_dm and (not thread_ts or mentions(event["text"], context.bot_user_id)):
            return  # channel messages are answered when they mention us (app_mention)
        if not is_dm and traces is not None and take_note(traces, client, event):
            return  # a one-line note in a scheduled post's thread: kept, not answered
        addressed = asks_the_bot(event["text"], context.bot_user_id)
        if not is_dm and addressed == "other":
            return  # not a question to us: talk between colleagues
        if not is_dm and not answered_in(client, context, channel, str(thread_ts)):
            return  # a thread we have not answered in: not our conversation
        if not deduper.claim(body.get("event_id"),
                             fallback=lambda: claim_by_reaction(client, channel, event["ts"])):
            return
        # Slack's agent view (manifest `agent_view`) makes every top-level DM message the root
        # of a thread: answering there gives the loading status, streaming and the thread's title.
        place = Place(channel=channel, user_id=event["user"],
                      thread_ts=thread_ts or (event["ts"] if is_dm else None),
                      message_ts=event["ts"], team_id=event.get("team") or body.get("team_id"),
                      is_dm=is_dm)
        if addressed == "thanks":
            acknowledge(client, place)
            return
        question = strip_mentions(event["text"], context.bot_user_id)
        responder.answer_in(client, place, question,
                            lambda: history(client, context, channel, event))

    def on_edit(body: Payload, event: Payload, client: WebClient, context: BoltContext) -> None:
        message = edited_question(event, context.bot_user_id)
        if message is None:
            return  # an unfurl, a bot's message (our streamed answers too), no text
        channel = event["channel"]
        posted = responder.records.answer_to(channel, message["ts"])
        question = strip_mentions(message["text"], context.bot_user_id)
        if posted is None or not question or not deduper.claim(body.get("event_id")):
            return  # only questions we answered are answered again
        # An assistant-thread status clears when the bot posts; an update posts nothing,
        # so the sign of work is the 👀 reaction (is_dm=False).
        place = Place(channel=channel, user_id=message["user"], thread_ts=posted.thread_ts,
                      message_ts=message["ts"], team_id=event.get("team") or body.get("team_id"))

        def earlier() -> list[Turn]:  # a thread's parent or a channel mention has none
            replied = message.get("thread_ts") not in (None, message["ts"])
            is_dm = event.get("channel_type") == "im"
            return history(client, context, channel, dict(message)) if replied or is_dm else []

        responder.answer_again(client, place, question, posted.message_ts, earlier)
