"""One question, one answer, never silence: the work a Slack listener hands off.

`Responder` asks the answerer with a time limit, records the answer (so its buttons can
refer to it), puts it where the question was asked, and turns a failure *to answer* into
a short message in the same place; the full error goes only to the log. A reply Slack
refuses for now (5xx, 429, network) goes to the outbox instead of an error text, and the
👀 stays until the outbox worker has delivered it; a database that is away costs the
answer's record, never the answer. Log lines name the channel, the answer id and the
error's class, never the question.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answer.types import Answer, Answerer, StreamingAnswerer, Turn
from bot.errors import IndexMissing, IndexUnavailable
from bot.metrics import Metrics
from bot.search.text import detect_language
from bot.slack.outbox_worker import is_transient
from bot.slack.records import AnswerRecords
from bot.slack.rendering import notice_message, render_answer
from bot.slack.streaming import (
    WORKING_REACTION,
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
from bot.store.outbox import Outbox, Reply

logger = logging.getLogger(__name__)
Respond = Callable[..., Any]  # Bolt's `respond`: posts to the slash command's response_url
ANSWER_NICENESS = 10  # os.setpriority: 0 normal, 19 lowest
CLOSE_SECONDS = 10.0  # how long `close` waits for the answers under way (SIGTERM: platforms give ~30 s)
Put = Callable[[Answer, str], str]  # puts an answer (and its id) into Slack; returns the message ts


def yield_to_acks() -> None:
    """Lower this thread's CPU priority (Linux: nice per thread) so Slack's acks come first.

    Answering is CPU-bound; the thread that acknowledges Slack's requests within its 3 s
    must not queue behind it for a core. Elsewhere this does nothing.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), ANSWER_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed
        pass


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
    """Answers questions for the Slack listeners.

    Args:
        outbox: keeps the replies Slack refuses for now (without one they are only logged).
    """

    def __init__(self, answerer: Answerer, log: AnswerLog, timeout_seconds: float, *,
                 outbox: Outbox | None = None, metrics: Metrics | None = None, workers: int = 2) -> None:
        self._answerer = answerer
        self._metrics = metrics or Metrics()
        self.records = AnswerRecords(log, self._metrics)
        self._outbox = outbox
        self._timeout = timeout_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="answer",
                                        initializer=yield_to_acks)
        self._jobs = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="question",
                                        initializer=yield_to_acks)
        self._signs = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sign")  # 👀 / status
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()  # questions taken and not yet answered
        self._closed = False

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
        self._start(client, place, question, history,
                    lambda answer, answer_id: live.finish(answer, answer_id) if live
                    else deliver(client, place, answer, answer_id), live)

    def answer_again(self, client: WebClient, place: Place, question: str, answer_ts: str,
                     history: Callable[[], list[Turn]] = list) -> None:
        """Answer an edited question, replacing the earlier answer (message `answer_ts`)."""
        self._start(client, place, question, history,
                    lambda answer, answer_id: replace(client, place.channel, answer_ts, answer, answer_id),
                    update_ts=answer_ts)

    def _start(self, client: WebClient, place: Place, question: str, history: Callable[[], list[Turn]],
               put: Put, live: LiveStream | None = None, update_ts: str | None = None) -> None:
        """Show the sign of work at once, then answer on this responder's own threads.

        A button click must be acknowledged on one of Bolt's listener threads within 3 s: a
        listener that waited for its answer (or for a slow Slack) there would leave clicks
        unacknowledged whenever questions queue up (`bot bench load` saw 196 of 200 refused).
        """
        if self.closed:
            logger.warning("a question arrived after the responder closed; not answered")
            return
        language = detect_language(question)
        surface = "dm" if place.is_dm else "thread" if place.thread_ts else "channel"
        self._metrics.questions.labels(surface=surface).inc()
        started = time.monotonic()
        sign = self._signs.submit(show_working, client, place, language)  # at once, even when busy
        self._submit(lambda: self._answer(
            client, place, question, language, history, put, sign.result(), started, live, update_ts))

    @staticmethod
    def _guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:  # nothing may vanish silently in a pool's future
            logger.exception("answering failed unexpectedly")

    def _answer(self, client: WebClient, place: Place, question: str, language: str,
                history: Callable[[], list[Turn]], put: Put, how: str, started: float,
                live: LiveStream | None = None, update_ts: str | None = None) -> None:
        """Ask, record, `put` the answer into Slack (or queue it) and remember its message.

        Args:
            how: the sign of work shown (`show_working`), taken away at the end.
            live: streams a generated answer while it is written (in threads).
            update_ts: the message `put` updates (a queued reply updates it too).
        """
        queued = False
        try:
            try:
                answer = self.ask(question, history(), on_text=live)
            except Exception as error:
                logger.exception("could not answer in %s (%s)", place.channel, type(error).__name__)
                self._metrics.failures.labels(reason=type(error).__name__).inc()
                queued = self._tell(client, place, failure_text(error, language), language, how, live)
                return
            self._count(answer)
            answer_id = self.records.record(answer, channel=place.channel, thread_ts=place.thread_ts,
                                            user_id=place.user_id, question_ts=place.message_ts)
            queued = self._put(client, place, answer, answer_id, put, how, update_ts)
            if not queued:
                self._metrics.answer_seconds.observe(time.monotonic() - started)
        finally:
            if not queued:  # a queued reply keeps the 👀 until the outbox worker delivers it
                done_working(client, place, how)

    def _count(self, answer: Answer) -> None:
        """Count an answer by coverage, its refusal, and an LLM answer that fell back to quotes."""
        self._metrics.answers.labels(coverage=answer.coverage).inc()
        if answer.refused:
            self._metrics.refusals.inc()
        if answer.meta.get("fallback"):
            self._metrics.fallbacks.labels(kind="llm").inc()

    def _put(self, client: WebClient, place: Place, answer: Answer, answer_id: str, put: Put,
             how: str, update_ts: str | None) -> bool:
        """Put the answer into Slack; return True when Slack refused it for now and it was queued."""
        try:
            message_ts = put(answer, answer_id)
        except Exception as error:
            if is_transient(error):
                reply = self._reply(place, render_answer(answer, answer_id), answer.language, how,
                                    answer_id=answer_id, update_ts=update_ts)
                return self._queue(reply)
            # Refused for good (e.g. invalid_blocks): the answer cannot be given, so say so.
            logger.exception("Slack refused answer %s in %s (%s)", answer_id, place.channel, type(error).__name__)
            return self._tell(client, place, ui("error", answer.language), answer.language, how)
        self.records.answered(place.channel, place.thread_ts)
        self.records.posted(answer_id, message_ts)
        return False

    def _tell(self, client: WebClient, place: Place, mrkdwn: str, language: str, how: str,
              live: LiveStream | None = None) -> bool:
        """Post a notice where the question was asked; return True when it was queued."""
        try:
            if live is None or not live.discard(mrkdwn):  # in place of a streamed, unverified text
                post_notice(client, place, mrkdwn)
        except Exception as error:
            if is_transient(error):
                return self._queue(self._reply(place, notice_message(mrkdwn), language, how))
            logger.exception("could not tell the user in %s (%s)", place.channel, type(error).__name__)
        return False

    @staticmethod
    def _reply(place: Place, payload: dict[str, Any], language: str, how: str, *,
               answer_id: str | None = None, update_ts: str | None = None) -> Reply:
        reaction = WORKING_REACTION if how == "reaction" and place.message_ts else None
        return Reply(place.channel, place.thread_ts, payload, language, answer_id,
                     reaction_ts=place.message_ts if reaction else None, reaction=reaction,
                     update_ts=update_ts)

    def _queue(self, reply: Reply) -> bool:
        """Put a refused reply in the outbox; return True when it is there."""
        if self._outbox is None:
            logger.error("Slack refused a reply in %s and there is no outbox", reply.channel)
            return False
        try:
            self._outbox.add(reply)
        except Exception as error:
            logger.error("reply lost in %s (answer %s): Slack and the outbox both refused (%s)",
                         reply.channel, reply.answer_id, type(error).__name__)
            return False
        logger.warning("Slack refused the reply in %s for now; queued (answer %s)", reply.channel, reply.answer_id)
        self._metrics.outbox_depth.inc()
        if reply.answer_id:
            self.records.answered(reply.channel, reply.thread_ts)
        return True

    def answer_ephemeral(self, respond: Respond, question: str, *, channel: str,
                         user_id: str) -> None:
        """Answer a `/hp` question so only the asker sees it, with a share button (in the background)."""
        self._submit(lambda: self._answer_ephemeral(respond, question, channel=channel, user_id=user_id))

    def _answer_ephemeral(self, respond: Respond, question: str, *, channel: str, user_id: str) -> None:
        self._metrics.questions.labels(surface="slash").inc()
        try:
            answer = self.ask(question)
            self._count(answer)
        except Exception as error:
            self._metrics.failures.labels(reason=type(error).__name__).inc()
            logger.exception("could not answer /hp in %s (%s)", channel, type(error).__name__)
            text = failure_text(error, detect_language(question))
            try:
                respond(response_type="ephemeral", **notice_message(text))
            except Exception as failed:  # Slack itself is failing; the log is all that is left
                logger.error("could not report the failure to Slack either (%s)", type(failed).__name__)
            return
        answer_id = self.records.record(answer, channel=channel, thread_ts=None, user_id=user_id)
        try:
            respond(response_type="ephemeral", replace_original=False,
                    **render_answer(answer, answer_id, share=True))
        except Exception as error:  # a response_url cannot be queued: it expires with the command
            logger.error("could not deliver /hp answer %s in %s (%s)", answer_id, channel, type(error).__name__)

    def close(self, timeout: float = CLOSE_SECONDS) -> bool:
        """Take no more questions; let those under way be answered, for at most `timeout` seconds.

        Return True when every one was answered (or told why not) in time. Those still running
        then finish in the background; their answers may still reach Slack.
        """
        with self._lock:
            self._closed = True
            pending = list(self._pending)
        _, late = wait(pending, timeout=timeout)
        # Those not started are dropped; a running one still needs `_pool` and `_signs` to finish.
        self._jobs.shutdown(wait=False, cancel_futures=True)
        if late:
            logger.warning("%d answers still under way when the responder closed", len(late))
        return not late

    @property
    def closed(self) -> bool:
        """Return True once `close` was called."""
        with self._lock:
            return self._closed

    def _submit(self, job: Callable[[], None]) -> None:
        """Run `job` on the question threads, remembered until it is done (see `close`)."""
        with self._lock:
            if self._closed:  # a listener that outlived the server: nobody would see the answer
                logger.warning("a question arrived after the responder closed; not answered")
                return
            future = self._jobs.submit(self._guarded, job)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)


class ClosableApp(App):
    """Bolt's App with the Responder its listeners hand questions to, so that it can be closed."""

    responder: Responder | None = None

    def close(self, timeout: float = CLOSE_SECONDS) -> bool:
        """Let the listeners under way finish, then the answers they started (see `Responder.close`)."""
        self.listener_runner.listener_executor.shutdown(wait=True)  # a listener may be handing one over
        return self.responder.close(timeout) if self.responder is not None else True
