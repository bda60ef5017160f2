"""The agent DM (`agent_view`): suggested prompts when it is opened, a title for each thread.

Slack's agent messaging experience (docs.slack.dev/ai/migrating-to-agent-messaging, changelog
2026-06-30): a user opening the app's DM arrives as `app_home_opened` with `tab: "messages"`
(it replaces `assistant_thread_started`); suggested prompts are then set for the DM with
assistant.threads.setSuggestedPrompts *without* `thread_ts` — "Including it in a call for an
agent app will cause the call to silently fail" (docs.slack.dev/reference/methods/
assistant.threads.setSuggestedPrompts). Each top-level message in the DM starts a thread; its
title (assistant.threads.setTitle, docs.slack.dev/reference/methods/assistant.threads.setTitle)
is the masked question, so no personnummer or phone number lands in the thread list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.agent import suggested_prompts, thread_title
from bot.slack.conversation import asks_the_bot, is_question
from bot.slack.listeners.common import Payload
from bot.slack.listeners.home import Catalog
from bot.slack.texts import PROMPTS_TITLE

logger = logging.getLogger(__name__)


def register(app: App, knowledge: Callable[[], Catalog] | None) -> None:
    """Add the agent DM's listener and the middleware that titles new DM threads."""
    executor = app.listener_runner.listener_executor

    @app.event("app_home_opened", matchers=[lambda event: event.get("tab") == "messages"])
    def on_dm_opened(event: Payload, client: WebClient) -> None:
        prompts = suggested_prompts(_known_documents(knowledge))
        try:
            client.assistant_threads_setSuggestedPrompts(channel_id=event["channel"], title=PROMPTS_TITLE,
                                                         prompts=prompts)
        except SlackApiError as err:
            logger.warning("assistant.threads.setSuggestedPrompts failed: %s", err.response.get("error"))

    # A middleware, not a listener: Bolt runs only the first listener that matches a message,
    # and that one answers it. The title is set in Bolt's listener pool, after the ack.
    @app.middleware
    def title_new_threads(body: Payload, client: WebClient, context: BoltContext, next_: Callable[[], None]) -> None:
        event = body.get("event") or {}
        if _starts_a_dm_thread(event, context.bot_user_id):
            title = thread_title(event["text"], context.bot_user_id)
            executor.submit(_set_title, client, event["channel"], event["ts"], title)
        next_()


def _starts_a_dm_thread(event: Payload, bot_user_id: str | None) -> bool:
    """Return True for a user's top-level question in the app's DM (the root of a new thread)."""
    return (event.get("type") == "message" and event.get("channel_type") == "im"
            and not event.get("thread_ts") and is_question(event, bot_user_id)
            and asks_the_bot(event["text"], bot_user_id) != "thanks")


def _set_title(client: WebClient, channel: str, thread_ts: str, title: str) -> None:
    if not title:
        return
    try:
        client.assistant_threads_setTitle(channel_id=channel, thread_ts=thread_ts, title=title)
    except SlackApiError as err:  # not an agent DM (e.g. the app runs without agent_view)
        logger.info("assistant.threads.setTitle failed: %s", err.response.get("error"))
    except Exception:
        logger.exception("assistant.threads.setTitle failed")


def _known_documents(knowledge: Callable[[], Catalog] | None) -> set[str] | None:
    """Return the ids of the indexed documents, None when the index cannot say."""
    if knowledge is None:
        return None
    try:
        return {d.doc_id for d in knowledge().documents()}
    except Exception as error:  # the index is missing or away: offer the usual prompts
        logger.info("suggested prompts without the index (%s)", type(error).__name__)
        return None
