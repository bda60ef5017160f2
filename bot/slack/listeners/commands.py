"""The `/hp` command: help, the schedule commands, or a question answered only to the asker."""

import logging
from typing import Protocol

from slack_bolt import Ack, App, Respond

from bot.search.text import detect_language
from bot.slack.listeners.common import Payload
from bot.slack.rendering import notice_message
from bot.slack.responder import Responder
from bot.slack.texts import HELP, is_help
from bot.slack.texts import text as ui

logger = logging.getLogger(__name__)


class ScheduleCommands(Protocol):
    """The `/hp schema|paus|fortsätt|hoppa|steg …` commands of the scheduled posts."""

    def handle(self, text: str, user_id: str, channel_id: str) -> str | None:
        """Return mrkdwn for the user only, or None when `text` is not a schedule command."""
        ...


def register(app: App, responder: Responder, schedules: ScheduleCommands | None) -> None:
    """Add the `/hp` listener to `app`."""

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
        except Exception:
            logger.exception("schedule command failed")  # its text may be a question: not logged
            reply = ui("error", detect_language(question))  # the details are in the log only
        if reply is not None:
            respond(response_type="ephemeral", **notice_message(reply))
            return
        respond(response_type="ephemeral", text=ui("searching", detect_language(question)))
        responder.answer_ephemeral(respond, question, channel=channel_id, user_id=user_id)
