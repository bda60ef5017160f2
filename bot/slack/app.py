"""Build the Bolt app: one WebClient with Slack's retry handlers, and the listeners."""

__all__ = ["ScheduleCommands", "build_app", "build_client"]

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler  # not re-exported
from sqlalchemy import Engine

from bot.answer.types import Answerer
from bot.errors import SlackUnavailable
from bot.settings import Settings
from bot.slack.listeners import ScheduleCommands, register_listeners
from bot.slack.responder import Responder
from bot.store.answers import AnswerLog
from bot.store.db import init_db, open_database
from bot.store.events import EventDeduper


def build_client(settings: Settings) -> WebClient:
    """Return the WebClient every Slack call goes through (SLACK_API_URL, retries on 429/5xx)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(
    settings: Settings,
    answerer: Answerer,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    schedule_commands: ScheduleCommands | None = None,
) -> App:
    """Return the Bolt app answering mentions, DMs, thread follow-ups, `/hp` and buttons.

    Listeners run after the acknowledgement (`process_before_response=False`), so every
    request is acknowledged at once. The app calls `auth.test` once, here.

    Args:
        engine: the database of answers, votes and processed events (DATABASE_URL if None).
        client: the WebClient (`build_client(settings)` if None).
        schedule_commands: routes `/hp schema …`; without it those words are questions.
    """
    engine = engine or open_database(settings.database_url)
    init_db(engine)  # a caller's own engine (tests, benchmarks) gets the tables too
    secret = settings.slack_signing_secret
    try:
        app = App(
            client=client or build_client(settings),
            # Socket Mode needs no signing secret; "" makes every HTTP request fail verification.
            signing_secret=secret.get_secret_value() if secret else "",
            process_before_response=False,
        )
    except (BoltError, SlackApiError, OSError) as error:  # auth.test failed: bad token, or no Slack
        raise SlackUnavailable(f"Slack ({settings.slack_api_url}) svarar inte eller nekar token: {error}") from error
    responder = Responder(
        answerer,
        AnswerLog(engine, settings.feedback_salt.get_secret_value()),
        settings.answer_timeout_seconds,
    )
    register_listeners(app, responder, EventDeduper(engine), schedule_commands)
    return app
