"""`bot serve`: wire the answerer, the Bolt app and the scheduler, then run until stopped.

Socket Mode by default (a long-lived outbound WebSocket: a `worker` process), or the
Events API over HTTP (`web`). The scheduled posts run in the same process.
"""

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot.answer.types import Answer, Answerer, Turn
from bot.errors import HPError
from bot.settings import Settings
from bot.slack.app import build_app, build_client
from bot.slack.server import SlackHTTPServer

logger = logging.getLogger(__name__)


def missing_settings(settings: Settings, *, http: bool) -> list[str]:
    """Return the environment variables `bot serve` needs but lacks."""
    needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if http:
        needed["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    else:
        needed["SLACK_APP_TOKEN"] = settings.slack_app_token
    return [name for name, value in needed.items() if not value or not value.get_secret_value()]


class UnavailableAnswerer:
    """Stands in when the real answerer cannot be built: every question gets the error."""

    def __init__(self, error: HPError) -> None:
        self._error = error

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Raise the error the answerer could not be built with."""
        raise self._error


def load_answerer(settings: Settings) -> Answerer:
    """Build the pipeline's answerer; a domain error makes every answer report it."""
    from bot.wiring import build_answerer  # the lead's module: heavy imports, load late

    try:
        return build_answerer(settings)
    except HPError as error:
        logger.error("the answerer is unavailable: %s", error)
        return UnavailableAnswerer(error)


def _schedules(settings: Settings, client: WebClient) -> tuple[Any, Any]:
    """Return (schedule commands, started scheduler); (None, None) without bot.schedules."""
    try:
        from bot.schedules.service import build_schedule_commands, build_scheduler
    except ImportError as error:
        logger.warning("scheduled posts are not available: %s", error)
        return None, None
    scheduler = build_scheduler(settings, client)
    scheduler.start()
    return build_schedule_commands(settings), scheduler


def run(settings: Settings, *, http: bool, host: str = "0.0.0.0", port: int = 3000,
        answerer: Answerer | None = None, stop: threading.Event | None = None,
        on_ready: Callable[[App, int | None], None] | None = None) -> None:
    """Serve Slack until `stop` is set (or SIGTERM/Ctrl-C).

    Args:
        answerer: the answerer to use (`bot.wiring.build_answerer` if None).
        on_ready: called with the app and the HTTP port (None in Socket Mode) once serving.
    """
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    answerer = answerer or load_answerer(settings)
    client = build_client(settings)
    commands, scheduler = _schedules(settings, client)
    try:
        app = build_app(settings, answerer, client=client, schedule_commands=commands)
        if http:
            server = SlackHTTPServer(app, host=host, port=port)
            server.start()
            closer: Callable[[], None] = server.shutdown
            logger.info("serving the Events API on http://%s:%d/slack/events", host, server.port)
        else:
            app_token = settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
            handler = SocketModeHandler(app, app_token=app_token, web_client=client)
            handler.connect()
            closer = handler.close
            logger.info("connected to Slack in Socket Mode")
        if on_ready:
            on_ready(app, server.port if http else None)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            logger.info("stopping")
        finally:
            closer()
    finally:
        if scheduler is not None:
            scheduler.stop()
