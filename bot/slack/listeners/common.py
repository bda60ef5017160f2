"""What the listeners share: the payload type and the earlier turns of a conversation."""

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer.types import Turn
from bot.slack.conversation import turns_from_messages

logger = logging.getLogger(__name__)
Payload = dict[str, Any]
DM_MEMORY_SECONDS = 30 * 60  # earlier DM turns older than this start a new conversation


def history(client: WebClient, context: BoltContext, channel: str, event: Payload) -> list[Turn]:
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
