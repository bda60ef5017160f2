"""Build the Bolt app: one WebClient with Slack's retry handlers, and the listeners."""

__all__ = ["ScheduleCommands", "build_app", "build_client"]

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler  # not re-exported
from sqlalchemy import Engine

from bot.answer.types import Answerer
from bot.errors import SlackUnavailable
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.listeners import ScheduleCommands, agent, home, register_listeners
from bot.slack.listeners.home import Catalog, HomeSources, Overview, ReportFiles
from bot.slack.responder import ClosableApp, Responder
from bot.store.answers import AnswerLog
from bot.store.db import init_db, open_database
from bot.store.events import EventDeduper
from bot.store.outbox import Outbox
from bot.store.traces import PostTraces


class CountingClient(WebClient):
    """A WebClient that counts the calls Slack refused (after its retries) in `hp_slack_errors`."""

    metrics: Metrics | None = None

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # noqa: D102 - WebClient's
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            if self.metrics is not None:
                status = getattr(error.response, "status_code", 0)
                code = error.response.get("error") if isinstance(error.response.data, dict) else None
                self.metrics.slack_errors.labels(method=api_method, error=str(code or status)).inc()
            raise
        except OSError:  # connection refused, reset, timed out: after the retry handlers
            if self.metrics is not None:
                self.metrics.slack_errors.labels(method=api_method, error="network").inc()
            raise


LISTENER_THREADS = 32


def build_client(settings: Settings, metrics: Metrics | None = None) -> WebClient:
    """Return the WebClient every Slack call goes through (SLACK_API_URL, retries on 429/5xx).

    Args:
        metrics: counts the calls Slack refused after the retries (none counted if None).
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = CountingClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
    client.metrics = metrics
    return client


def build_app(
    settings: Settings,
    answerer: Answerer,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    schedule_commands: ScheduleCommands | None = None,
    outbox: Outbox | None = None,
    metrics: Metrics | None = None,
    overview: Overview | None = None,
    knowledge: Callable[[], Catalog] | None = None,
    report: ReportFiles | None = None,
) -> App:
    """Return the Bolt app answering mentions, DMs, thread follow-ups, `/hp` and buttons.

    Listeners run after the acknowledgement (`process_before_response=False`), so every
    request is acknowledged at once. The app calls `auth.test` once, here.

    Args:
        engine: the database of answers, votes and processed events (DATABASE_URL if None).
        client: the WebClient (`build_client(settings)` if None).
        schedule_commands: routes `/hp schema …`; without it those words are questions.
        outbox: where replies Slack refuses for now wait (one on `engine` if None); the
            `OutboxWorker` delivers them.
        metrics: counts the fallbacks and the outbox (a private registry if None).
        overview: the schedules as the App Home shows them; without it the tab lists no channels.
        knowledge: returns the index whose documents the App Home lists and whose topics the
            agent DM suggests (called when needed: Chroma may be down at start).
        report: builds a year's HP report as files (the App Home uploads them to an admin's DM).
    """
    engine = engine or open_database(settings.database_url)
    init_db(engine)  # a caller's own engine (tests, benchmarks) gets the tables too
    secret = settings.slack_signing_secret
    try:
        app = ClosableApp(
            client=client or build_client(settings),
            # Socket Mode needs no signing secret; "" makes every HTTP request fail verification.
            signing_secret=secret.get_secret_value() if secret else "",
            process_before_response=False,
            # Listeners only wait on Slack and the database (answers run on the Responder's own
            # threads); Bolt's default of 5 let a slow Slack hold them all, and a button click
            # must be acknowledged on one of them within 3 s.
            listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt"),
        )
    except (BoltError, SlackApiError, OSError) as error:  # auth.test failed: bad token, or no Slack
        raise SlackUnavailable(f"Slack ({settings.slack_api_url}) svarar inte eller nekar token: {error}") from error
    metrics = metrics or Metrics()
    responder = Responder(
        answerer,
        AnswerLog(engine, settings.feedback_salt.get_secret_value()),
        settings.answer_timeout_seconds,
        outbox=outbox or Outbox(engine, settings.outbox_minutes),
        workers=settings.answer_workers,
        metrics=metrics,
    )
    app.responder = responder  # closed with the server (ClosableApp.close)
    register_listeners(app, responder, EventDeduper(engine, metrics), schedule_commands, PostTraces(engine))
    admins = frozenset(settings.admin_user_ids)
    home.register(app, HomeSources(admins, responder.records.log, knowledge, overview, schedule_commands, report))
    agent.register(app, knowledge)
    return app
