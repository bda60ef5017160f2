"""Event listeners: a mention in a channel, and a message in a DM or in a thread we answered."""

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.answer.types import Turn
from bot.slack.conversation import is_question, mentions, strip_mentions
from bot.slack.listeners.common import Payload, history
from bot.slack.responder import Responder
from bot.slack.streaming import Place, post_notice
from bot.slack.texts import HELP
from bot.store.events import EventDeduper


def register(app: App, responder: Responder, deduper: EventDeduper) -> None:
    """Add the `app_mention` and `message` listeners to `app`."""

    @app.event("app_mention")
    def on_mention(body: Payload, event: Payload, client: WebClient, context: BoltContext) -> None:
        if not is_question(event, context.bot_user_id) or not deduper.claim(body.get("event_id")):
            return
        place = Place(channel=event["channel"], user_id=event["user"],
                      thread_ts=event.get("thread_ts") or event["ts"], message_ts=event["ts"],
                      team_id=event.get("team") or body.get("team_id"))
        question = strip_mentions(event["text"], context.bot_user_id)
        if not question:
            post_notice(client, place, HELP)
            return

        def earlier() -> list[Turn]:  # a mention in an existing thread continues it
            return history(client, context, place.channel, event) if event.get("thread_ts") else []

        responder.answer_in(client, place, question, earlier)

    @app.event("message")
    def on_message(body: Payload, event: Payload, client: WebClient, context: BoltContext) -> None:
        if not is_question(event, context.bot_user_id):
            return  # edits, joins, bot posts (our own included)
        channel, thread_ts = event["channel"], event.get("thread_ts")
        is_dm = event.get("channel_type") == "im"
        if not is_dm and (not thread_ts or mentions(event["text"], context.bot_user_id)):
            return  # channel messages are answered when they mention us (app_mention)
        if not is_dm and not responder.log.answered_in_thread(channel, str(thread_ts)):
            return  # a thread we have not answered in: not our conversation
        if not deduper.claim(body.get("event_id")):
            return
        place = Place(channel=channel, user_id=event["user"], thread_ts=thread_ts,
                      message_ts=event["ts"], team_id=event.get("team") or body.get("team_id"),
                      is_dm=is_dm)
        question = strip_mentions(event["text"], context.bot_user_id)
        responder.answer_in(client, place, question,
                            lambda: history(client, context, channel, event))
