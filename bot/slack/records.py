"""The answer log as the Slack shell uses it: a database that is away never costs an answer.

An answer that cannot be recorded is still delivered (its buttons then find nothing, and
say so); a thread we answered is remembered in this process too, so a follow-up is still
recognised while the database cannot say. Votes and shares tell the user in Swedish
when the database is away (`StoreUnavailable`), instead of failing the listener.
"""

import logging
import uuid

from sqlalchemy.exc import SQLAlchemyError

from bot.answer.types import Answer
from bot.metrics import Metrics
from bot.store.answers import AnswerLog, PostedAnswer
from bot.store.events import RecentKeys

logger = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The answer log could not be read or written (the database is away)."""


class AnswerRecords:
    """`AnswerLog` with the fallbacks of a database that is away, counted in `metrics.fallbacks`."""

    def __init__(self, log: AnswerLog, metrics: Metrics, threads: RecentKeys | None = None) -> None:
        self.log = log
        self._metrics = metrics
        self._threads = threads or RecentKeys()

    def record(self, answer: Answer, *, channel: str, thread_ts: str | None, user_id: str,
               question_ts: str | None = None) -> str:
        """Record an answer about to be posted; return its id (a fresh, unrecorded one on failure)."""
        try:
            return self.log.record(answer, channel=channel, thread_ts=thread_ts, user_id=user_id,
                                   question_ts=question_ts)
        except SQLAlchemyError as error:
            logger.warning("answer not recorded in %s (%s); delivering it anyway", channel, type(error).__name__)
            self._metrics.fallbacks.labels(kind="record_lost").inc()
            return uuid.uuid4().hex

    def posted(self, answer_id: str, message_ts: str) -> None:
        """Remember the message of an answer; without it only a later edit of the question is lost."""
        try:
            self.log.posted(answer_id, message_ts)
        except SQLAlchemyError as error:
            logger.warning("could not remember the message of answer %s (%s)", answer_id, type(error).__name__)

    def answered(self, channel: str, thread_ts: str | None) -> None:
        """Note that the bot answered (or will answer) in this thread."""
        if thread_ts:
            self._threads.add((channel, thread_ts))

    def answered_in_thread(self, channel: str, thread_ts: str) -> bool | None:
        """Return whether the bot answered in this thread, or None when nobody here can say."""
        if (channel, thread_ts) in self._threads:
            return True
        try:
            return self.log.answered_in_thread(channel, thread_ts)
        except SQLAlchemyError as error:
            logger.warning("answered_in_thread unknown in %s (%s)", channel, type(error).__name__)
            self._metrics.fallbacks.labels(kind="thread_lookup").inc()
            return None

    def answer_to(self, channel: str, question_ts: str) -> PostedAnswer | None:
        """Return the posted answer to a question; None when unknown or the database is away."""
        try:
            return self.log.answer_to(channel, question_ts)
        except SQLAlchemyError as error:  # the edit is not answered again; the first answer stands
            logger.warning("answer_to unknown in %s (%s)", channel, type(error).__name__)
            return None

    def get(self, answer_id: str) -> Answer | None:
        """Return the stored answer, or None when unknown; raise StoreUnavailable."""
        try:
            return self.log.get(answer_id)
        except SQLAlchemyError as error:
            raise StoreUnavailable(type(error).__name__) from error

    def vote(self, answer_id: str, user_id: str, up: bool) -> bool:
        """Store a vote; return False when the answer is unknown; raise StoreUnavailable."""
        try:
            return self.log.vote(answer_id, user_id, up)
        except SQLAlchemyError as error:
            raise StoreUnavailable(type(error).__name__) from error

    def explain(self, answer_id: str, user_id: str, reason: str | None, comment: str | None) -> bool:
        """Store why a 👎 was given; return False without such a 👎; raise StoreUnavailable."""
        try:
            return self.log.explain(answer_id, user_id, reason, comment)
        except SQLAlchemyError as error:
            raise StoreUnavailable(type(error).__name__) from error
