"""A reply in the thread of a scheduled post is that meeting's note, not a question.

The post asks for one line of what the meeting discussed (`bot.slack.poster.NOTE_PROMPT`).
Such a reply is stored masked (`bot.store.traces`), the bot reacts ✍️ so the writer sees it
was kept, and nothing is answered. A reply that mentions the bot is a question all the
same (the `app_mention` listener answers it). While the database is away the reply is not
known as a note and the thread is treated as any other.
"""

import datetime as dt
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.slack.listeners.common import Payload
from bot.store.traces import PostTraces

logger = logging.getLogger(__name__)
NOTED = "writing_hand"  # ✍️


def take_note(traces: PostTraces, client: WebClient, event: Payload) -> bool:
    """Store `event` as a note when it replies to a scheduled post; return True if it does."""
    channel, thread_ts = event["channel"], event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return False
    try:
        post = traces.post_at(channel, str(thread_ts))
        if post is None:
            return False
        new = traces.add_note(post, event["ts"], event.get("text") or "", dt.datetime.now(dt.UTC))
    except SQLAlchemyError as error:
        logger.warning("could not tell whether a reply is a note (%s)", type(error).__name__)
        return False
    if new:  # a redelivered event is stored and acknowledged once
        try:
            client.reactions_add(channel=channel, timestamp=event["ts"], name=NOTED)
        except SlackApiError as err:  # kept all the same
            logger.warning("could not react to a note: %s", err.response.get("error"))
    return True
