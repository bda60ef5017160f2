"""The Bolt listeners: parse the Slack payload, hand the work to `Responder`, reply.

Raw Slack dicts stop here. Events are acknowledged by Bolt before a listener runs;
commands and actions call `ack()` first thing.
"""

import logging
from typing import Any, Protocol

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer.types import Turn
from bot.search.text import detect_language
from bot.slack.conversation import is_question, mentions, strip_mentions, turns_from_messages
from bot.slack.rendering import FEEDBACK_DOWN, FEEDBACK_UP, SHARE, notice_message, render_answer
from bot.slack.responder import Responder
from bot.slack.streaming import Place, post_notice
from bot.slack.texts import HELP, is_help
from bot.slack.texts import text as ui
from bot.store.events import EventDeduper

logger = logging.getLogger(__name__)
Payload = dict[str, Any]
DM_MEMORY_SECONDS = 30 * 60  # earlier DM turns older than this start a new conversation


class ScheduleCommands(Protocol):
    """The `/hp schema|paus|fortsätt|hoppa|steg …` commands of the scheduled posts."""

    def handle(self, text: str, user_id: str, channel_id: str) -> str | None:
        """Return mrkdwn for the user only, or None when `text` is not a schedule command."""
        ...


def _history(client: WebClient, context: BoltContext, channel: str, event: Payload) -> list[Turn]:
    """Return the earlier turns: the thread's, or a DM's last half hour."""
    try:
        if event.get("thread_ts"):
            resp = client.conversations_replies(channel=channel, ts=event["thread_ts"], limit=100)
        else:
            oldest = f"{float(event['ts']) - DM_MEMORY_SECONDS:.6f}"
            resp = client.conversations_history(channel=channel, oldest=oldest, limit=20)
    except SlackApiError as err:
        logger.warning("could not read the conversation: %s", err.response.get("error"))
        return []
    return turns_from_messages(resp.get("messages") or [], bot_user_id=context.bot_user_id,
                               bot_id=context.bot_id, before_ts=event["ts"])


def register_listeners(app: App, responder: Responder, deduper: EventDeduper,
                       schedules: ScheduleCommands | None = None) -> None:
    """Add every listener of the bot to `app`."""

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

        def history() -> list[Turn]:  # a mention in an existing thread continues it
            return _history(client, context, place.channel, event) if event.get("thread_ts") else []

        responder.answer_in(client, place, question, history)

    @app.event("message")
    def on_message(body: Payload, event: Payload, client: WebClient, context: BoltContext) -> None:
        if not is_question(event, context.bot_user_id):
            return  # edits, joins, bot posts (our own included)
        channel, thread_ts = event["channel"], event.get("thread_ts")
        is_dm = event.get("channel_type") == "im"
        if not is_dm and (not thread_ts or mentions(event["text"], context.bot_user_id)):
            return  # channel messages are answered when they mention us (app_mention)
        if not is_dm and not responder.log.answered_in_thread(channel, thread_ts):
            return  # a thread we have not answered in: not our conversation
        if not deduper.claim(body.get("event_id")):
            return
        place = Place(channel=channel, user_id=event["user"], thread_ts=thread_ts,
                      message_ts=event["ts"], team_id=event.get("team") or body.get("team_id"),
                      is_dm=is_dm)
        question = strip_mentions(event["text"], context.bot_user_id)
        responder.answer_in(client, place, question,
                            lambda: _history(client, context, channel, event))

    @app.command("/hp")
    def on_hp(ack: Ack, command: Payload, respond: Respond) -> None:
        question = (command.get("text") or "").strip()
        if is_help(question):
            ack(response_type="ephemeral", **notice_message(HELP))
            return
        ack()
        user_id, channel_id = command["user_id"], command["channel_id"]
        try:
            reply = schedules.handle(question, user_id, channel_id) if schedules else None
        except Exception as error:
            logger.exception("schedule command %r failed", question)
            reply = ui("error", detect_language(question)) + f" ({type(error).__name__})"
        if reply is not None:
            respond(response_type="ephemeral", **notice_message(reply))
            return
        respond(response_type="ephemeral", text=ui("searching", detect_language(question)))
        responder.answer_ephemeral(respond, question, channel=channel_id, user_id=user_id)

    @app.action(SHARE)
    def on_share(ack: Ack, body: Payload, action: Payload, client: WebClient,
                 respond: Respond) -> None:
        ack()
        answer = responder.log.get(action["value"])
        if answer is None:
            respond(response_type="ephemeral", replace_original=False, text=ui("expired"))
            return
        user = body["user"]["id"]
        message = render_answer(answer, action["value"],
                                header=ui("shared_by", answer.language, user=user))
        try:
            client.chat_postMessage(channel=body["channel"]["id"], **message)
        except SlackApiError as err:
            logger.warning("sharing failed: %s", err.response.get("error"))
            respond(response_type="ephemeral", replace_original=False,
                    text=ui("share_failed", answer.language))
            return
        respond(delete_original=True)

    @app.action(FEEDBACK_UP)
    @app.action(FEEDBACK_DOWN)
    def on_vote(ack: Ack, body: Payload, action: Payload, respond: Respond) -> None:
        ack()
        answer = responder.log.get(action["value"])
        up = action["action_id"] == FEEDBACK_UP
        if answer is None or not responder.log.vote(action["value"], body["user"]["id"], up):
            respond(response_type="ephemeral", replace_original=False, text=ui("expired"))
            return
        thanks = ui("thanks_up" if up else "thanks_down", answer.language)
        respond(response_type="ephemeral", replace_original=False, text=thanks)
