"""Serve a built Bolt app until stopped: Socket Mode (a `worker`) or the Events API (`web`).

`bot.wiring.run_bot` builds the app and the scheduler once and hands them here.
"""

import logging
import sys
import threading
from collections.abc import Callable, Mapping
from functools import partial

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import SlackUnavailable
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.responder import ClosableApp
from bot.slack.server import SlackHTTPServer

logger = logging.getLogger(__name__)
# How often a thread that wants the GIL may take it from one that holds it (CPython's default
# is 5 ms). Answering is CPU-bound Python on the same interpreter as the server: each of the
# dozen hand-overs an acknowledgement needs (event loop, Bolt thread, back) could wait 5 ms
# behind it. `bot bench load`, one replica each way in one run: ack p99 138 → 87 ms.
SWITCH_INTERVAL = 0.001
OnReady = Callable[[App, int | None], None]


def missing_settings(settings: Settings, *, http: bool) -> list[str]:
    """Return the environment variables `bot serve` needs but lacks."""
    needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if http:
        needed["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    else:
        needed["SLACK_APP_TOKEN"] = settings.slack_app_token
    return [name for name, value in needed.items() if not value or not value.get_secret_value()]


def _close_socket_mode(handler: SocketModeHandler, app: App) -> None:
    """Disconnect, then let the questions under way be answered (`ClosableApp.close`)."""
    disconnect: Callable[[], None] = handler.close  # slack_bolt leaves it unannotated
    disconnect()
    if isinstance(app, ClosableApp):
        app.close()


def serve(
    app: App,
    client: WebClient,
    *,
    http: bool,
    host: str,
    port: int,
    app_token: str,
    stop: threading.Event,
    on_ready: OnReady | None = None,
    signing_secret: str = "",
    metrics: Metrics | None = None,
    ready: Callable[[], Mapping[str, bool]] = lambda: {},
    threads: int = 16,
    read_timeout: float = 10.0,
) -> None:
    """Serve `app` until `stop` is set (or Ctrl-C).

    Args:
        app_token: the Socket Mode token (unused with `http`).
        on_ready: called with the app and the HTTP port (None in Socket Mode) once serving.
        signing_secret, metrics, ready, threads, read_timeout: HTTP mode only (`SlackHTTPServer`).
    """
    sys.setswitchinterval(SWITCH_INTERVAL)  # process-wide: this process serves Slack
    try:
        if http:
            server = SlackHTTPServer(
                app, host=host, port=port, signing_secret=signing_secret, metrics=metrics,
                ready=ready, threads=threads, read_timeout=read_timeout,
            )
            server.start()
            closer: Callable[[], None] = server.shutdown
            logger.info("serving the Events API on http://%s:%d/slack/events", host, server.port)
        else:
            handler = SocketModeHandler(app, app_token=app_token, web_client=client)
            connect: Callable[[], None] = handler.connect  # slack_bolt leaves it unannotated
            connect()
            closer = partial(_close_socket_mode, handler, app)
            logger.info("connected to Slack in Socket Mode")
    except OSError as error:  # the port is taken, or Socket Mode cannot connect
        raise SlackUnavailable(f"kunde inte starta Slack-boten: {error}") from error
    except (BoltError, SlackApiError) as error:
        raise SlackUnavailable(f"Slack nekade anslutningen: {error}") from error
    if on_ready:
        on_ready(app, server.port if http else None)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        logger.info("stopping")
    finally:
        closer()
