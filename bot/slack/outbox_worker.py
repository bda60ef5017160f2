"""Deliver the replies Slack refused for now, from the outbox, with backoff; tell the user if it never works.

`is_transient` decides what goes to the outbox: HTTP 5xx, 429 and network errors that are
left after slack_sdk's own retry handlers gave up. Errors such as `invalid_auth` or
`channel_not_found` are final: retrying would not help. The worker is a daemon thread like
the scheduler (`start`/`stop`); `run_once(now)` is one pass, for the loop and for tests.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.metrics import Metrics
from bot.slack.rendering import notice_message
from bot.slack.texts import text as ui
from bot.store.outbox import Claimed, Outbox, Reply

logger = logging.getLogger(__name__)
# Errors Slack may also answer with HTTP 200; each means "later", not "never".
_TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
_PRUNE_EVERY = timedelta(hours=1)


def is_transient(error: BaseException) -> bool:
    """Return True when Slack may well accept the same call later.

    >>> is_transient(TimeoutError()), is_transient(ValueError())
    (True, False)
    """
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        return status == 429 or status >= 500 or error.response.get("error") in _TRANSIENT_ERRORS
    return isinstance(error, OSError | http.client.HTTPException)  # URLError, timeouts, resets


def send(client: WebClient, reply: Reply) -> str:
    """Post `reply` (or update its message); return the message's ts."""
    if reply.update_ts:
        client.chat_update(channel=reply.channel, ts=reply.update_ts, **reply.payload)
        return reply.update_ts
    where: dict[str, Any] = {"thread_ts": reply.thread_ts} if reply.thread_ts else {}
    return str(client.chat_postMessage(channel=reply.channel, **where, **reply.payload)["ts"])


class OutboxWorker:
    """Sends due outbox rows every `interval` seconds in a daemon thread.

    Args:
        on_posted: told (answer id, message ts) of each delivered answer, so an edit can update it.
    """

    def __init__(self, outbox: Outbox, client: WebClient, metrics: Metrics, interval: float = 2.0,
                 on_posted: Callable[[str, str], None] | None = None) -> None:
        self.outbox, self._client, self._metrics = outbox, client, metrics
        self.interval, self._on_posted = interval, on_posted
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pruned: datetime | None = None

    def start(self) -> None:
        """Start the loop in a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="hp-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to stop and wait for the current pass to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_once(self, now: datetime | None = None) -> int:
        """Deliver (or give up on) every due row this worker can claim; return how many were delivered."""
        now = now or datetime.now(UTC)
        try:
            delivered = sum(self._deliver(item, now) for item in self.outbox.claim_due(self.name, now))
            self._metrics.outbox_depth.set(self.outbox.depth())
            if self._pruned is None or now - self._pruned > _PRUNE_EVERY:
                self._pruned = now
                self.outbox.prune(now)
        except SQLAlchemyError as error:  # the database is away: the rows wait for the next pass
            logger.warning("the outbox pass failed (%s)", type(error).__name__)
            return 0
        except Exception:
            logger.exception("the outbox pass failed")
            return 0
        return delivered

    def _deliver(self, item: Claimed, now: datetime) -> bool:
        if now >= item.deadline:
            self._give_up(item, "its deadline passed")
            return False
        try:
            ts = send(self._client, item.reply)
        except Exception as error:
            if not is_transient(error):
                self._give_up(item, f"Slack refused it ({_reason(error)})")
                return False
            self._metrics.outbox_retries.inc()
            logger.info("outbox reply %s refused again (%s, attempt %d)", item.id, _reason(error), item.attempts)
            self.outbox.retry_later(item.id, item.attempts, now)
            return False
        self.outbox.delivered(item.id)
        self._metrics.outbox_delivered.inc()
        self._done_working(item.reply)
        if item.reply.answer_id and self._on_posted is not None:
            try:  # the answer is out; without its ts only a later edit of the question is lost
                self._on_posted(item.reply.answer_id, ts)
            except Exception as error:
                logger.warning("could not remember the message of answer %s (%s)", item.reply.answer_id, _reason(error))
        return True

    def _give_up(self, item: Claimed, why: str) -> None:
        """Tell the user in the conversation, take the 👀 away and mark the row failed."""
        logger.error("outbox reply %s given up after %d attempts: %s", item.id, item.attempts, why)
        self.outbox.failed(item.id)
        self._metrics.outbox_expired.inc()
        notice = Reply(item.reply.channel, item.reply.thread_ts, notice_message(ui("undelivered", item.reply.language)))
        try:
            send(self._client, notice)
        except Exception as error:
            logger.error("the undelivered notice failed too (%s)", _reason(error))
        self._done_working(item.reply)

    def _done_working(self, reply: Reply) -> None:
        if not (reply.reaction_ts and reply.reaction):
            return
        try:
            self._client.reactions_remove(channel=reply.channel, timestamp=reply.reaction_ts, name=reply.reaction)
        except Exception as error:
            logger.warning("reactions.remove failed (%s)", _reason(error))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)


def _reason(error: BaseException) -> str:
    """Return Slack's error code, or the exception's class."""
    if isinstance(error, SlackApiError):
        return f"{error.response.status_code} {error.response.get('error')}"
    return type(error).__name__
