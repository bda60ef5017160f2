"""One question, one answer, never silence: the work a Slack listener hands off.

`Responder` asks the answerer with a time limit, records the answer (so its buttons can
refer to it), puts it where the question was asked, and turns any failure into a short
message in the same place; the full error goes only to the log.
"""

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient

from bot.answer.privacy import mask
from bot.answer.types import Answer, Answerer, StreamingAnswerer, Turn
from bot.errors import IndexMissing, IndexUnavailable
from bot.search.text import detect_language
from bot.slack.rendering import notice_message, render_answer
from bot.slack.streaming import (
    LiveStream,
    Place,
    deliver,
    done_working,
    post_notice,
    replace,
    show_working,
)
from bot.slack.texts import text as ui
from bot.store.answers import AnswerLog

logger = logging.getLogger(__name__)
Respond = Callable[..., Any]  # Bolt's `respond`: posts to the slash command's response_url


def failure_text(error: BaseException, language: str) -> str:
    """Return the short user-facing message for `error`.

    >>> failure_text(TimeoutError(), "sv").startswith(":warning: Det tog för lång tid")
    True
    >>> failure_text(IndexUnavailable("127.0.0.1:8000", "nekad"), "sv").startswith(":warning: Jag når inte")
    True
    """
    if isinstance(error, IndexMissing):
        return ui("index_missing", language)
    if isinstance(error, IndexUnavailable):
        return ui("index_unavailable", language)
    if isinstance(error, TimeoutError):
        return ui("timeout", language)
    return ui("error", language)


class Responder:
    """Answers questions for the Slack listeners."""

    def __init__(self, answerer: Answerer, log: AnswerLog, timeout_seconds: float,
                 workers: int = 8) -> None:
        self._answerer = answerer
        self.log = log
        self._timeout = timeout_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="answer")

    def ask(self, question: str, history: Sequence[Turn] = (),
            on_text: Callable[[str], None] | None = None) -> Answer:
        """Ask the answerer; raise TimeoutError after the configured number of seconds.

        Args:
            on_text: receives a generated answer's text as it arrives (unverified).
        """
        if on_text is not None and isinstance(self._answerer, StreamingAnswerer):
            future = self._pool.submit(self._answerer.ask_streaming, question, tuple(history), on_text)
        else:
            future = self._pool.submit(self._answerer.ask, question, tuple(history))
        return future.result(timeout=self._timeout)

    def answer_in(self, client: WebClient, place: Place, question: str,
                  history: Callable[[], list[Turn]] = list) -> None:
        """Answer in a channel thread or DM: sign of work, answer, then the sign goes away.

        Args:
            history: loads the earlier turns; called after the sign of work is shown.
        """
        live = LiveStream(client, place) if place.thread_ts else None
        self._answer(client, place, question, history,
                     lambda answer, answer_id: live.finish(answer, answer_id) if live
                     else deliver(client, place, answer, answer_id), live)

    def answer_again(self, client: WebClient, place: Place, question: str, answer_ts: str,
                     history: Callable[[], list[Turn]] = list) -> None:
        """Answer an edited question, replacing the earlier answer (message `answer_ts`)."""
        self._answer(client, place, question, history,
                     lambda answer, answer_id: replace(client, place.channel, answer_ts,
                                                       answer, answer_id))

    def _answer(self, client: WebClient, place: Place, question: str,
                history: Callable[[], list[Turn]], put: Callable[[Answer, str], str],
                live: LiveStream | None = None) -> None:
        """Ask, record, `put` the answer into Slack and remember its message.

        Args:
            live: streams a generated answer while it is written (in threads).
        """
        how = show_working(client, place, detect_language(question))
        try:
            answer = self.ask(question, history(), on_text=live)
            answer_id = self.log.record(answer, channel=place.channel, thread_ts=place.thread_ts,
                                        user_id=place.user_id, question_ts=place.message_ts)
            message_ts = put(answer, answer_id)
        except Exception as error:
            logger.exception("could not answer %r in %s", mask(question).text[:200], place.channel)
            def say(text: str) -> None:  # in place of a streamed, unverified text when there is one
                if live is None or not live.discard(text):
                    post_notice(client, place, text)

            self._say_failure(say, question, error)
        else:
            self._remember(answer_id, message_ts)
        finally:
            done_working(client, place, how)

    def _remember(self, answer_id: str, message_ts: str) -> None:
        try:  # the answer is out; without its ts only a later edit of the question is lost
            self.log.posted(answer_id, message_ts)
        except Exception:
            logger.exception("could not remember the message of answer %s", answer_id)

    def answer_ephemeral(self, respond: Respond, question: str, *, channel: str,
                         user_id: str) -> None:
        """Answer a `/hp` question so only the asker sees it, with a share button."""
        try:
            answer = self.ask(question)
            answer_id = self.log.record(answer, channel=channel, thread_ts=None,
                                        user_id=user_id)
            respond(response_type="ephemeral", replace_original=False,
                    **render_answer(answer, answer_id, share=True))
        except Exception as error:
            logger.exception("could not answer /hp %r in %s", mask(question).text[:200], channel)
            self._say_failure(
                lambda text: respond(response_type="ephemeral", **notice_message(text)),
                question, error,
            )

    @staticmethod
    def _say_failure(say: Callable[[str], object], question: str, error: BaseException) -> None:
        try:
            say(failure_text(error, detect_language(question)))
        except Exception:  # Slack itself is failing; the log is all that is left
            logger.exception("could not report the failure to Slack either")

    def close(self) -> None:
        """Stop accepting questions (running ones finish in the background)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
