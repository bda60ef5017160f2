"""HTTP mode: uvicorn serving the ASGI app of `bot.slack.http_app` from a background thread.

uvicorn (a maintained server) rather than a hand-written one: one event loop reads every
connection, so a client that sends less than it announced holds a coroutine until its read
deadline (408), not a thread for ever; Bolt runs in a bounded thread pool behind it.

The uvicorn settings, and why:
- one worker process, in this process: `bot serve` also runs the scheduler and keeps one
  Prometheus registry; more capacity means more replicas behind the load balancer, not more
  workers (which would each run a scheduler and count their own metrics);
- `limit_concurrency`: at most `MAX_CONNECTIONS` connections and requests at once, the rest
  get 503, so memory stays bounded (each may buffer a body of up to 1 MB);
- `timeout_keep_alive`: an idle kept-alive connection is closed after a few seconds;
- the h11 protocol, whose request head is capped at `MAX_HEAD` bytes, with a deadline for
  the head (`_Protocol`, the one thing written here: uvicorn waits for a head for ever);
- `log_config=None` and no access log: our logging setup applies, and nothing logs requests
  (the app logs a refused request by its reason only);
- no signal handlers: `bot.wiring.run_bot` owns SIGTERM and calls `shutdown()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import threading
import time
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import cast

import uvicorn
from slack_bolt import App
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.metrics import Metrics
from bot.slack.http_app import EVENTS_PATH, build_http_app
from bot.slack.responder import ClosableApp

MAX_CONNECTIONS = 128  # times MAX_BODY: the most request bodies held in memory at once
MAX_HEAD = 16 * 1024  # request line and headers; Slack's are well under 2 KB
KEEP_ALIVE_SECONDS = 5
START_SECONDS = 10.0

__all__ = ["EVENTS_PATH", "SlackHTTPServer"]


class _Server(uvicorn.Server):
    """uvicorn's server without its signal handlers (the caller owns SIGTERM and SIGINT)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Install nothing."""
        yield


class _Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head is not in by a deadline.

    uvicorn bounds the wait for a body only through the app (408) and an idle kept-alive
    connection through `timeout_keep_alive`; a client sending its head byte by byte would hold
    a connection, and `limit_concurrency` of them would refuse everyone else.
    """

    head_seconds = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the head deadline with the connection."""
        super().connection_made(cast(asyncio.Transport, transport))  # what uvicorn's own expects
        self._arm()

    def on_response_complete(self) -> None:
        """Start the head deadline of the next request on a kept-alive connection."""
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the deadline with the connection."""
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_seconds, self._head_late)

    def _head_late(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete  # no request under way
        if waiting and not self.transport.is_closing():
            self.transport.close()


class SlackHTTPServer:
    """Serves a Bolt app over HTTP; `start()` runs in a background thread."""

    def __init__(
        self,
        app: App,
        host: str = "0.0.0.0",
        port: int = 3000,
        *,
        signing_secret: str,
        metrics: Metrics | None = None,
        ready: Callable[[], Mapping[str, bool]] = lambda: {},
        threads: int = 16,
        read_timeout: float = 10.0,
    ) -> None:
        """Bind the socket now (an `OSError` if the port is taken); serve on `start()`.

        Args:
            signing_secret: Slack's signing secret; requests not signed with it get 401.
            metrics: where requests are counted (a registry of its own if None).
            ready: names each dependency and whether it answers now (`GET /readyz`).
            threads: Bolt dispatches at once (`HTTP_THREADS`).
            read_timeout: seconds a client has to send its whole body (`HTTP_READ_TIMEOUT_SECONDS`).
        """
        self._dispatcher = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dispatch")
        asgi = build_http_app(
            app, signing_secret=signing_secret, metrics=metrics or Metrics(), ready=ready,
            threads=threads, read_timeout=read_timeout, dispatcher=self._dispatcher,
        )
        protocol = type("Protocol", (_Protocol,), {"head_seconds": read_timeout})
        config = uvicorn.Config(
            asgi, host=host, port=port, http=protocol, ws="none", lifespan="off", workers=1,
            log_config=None, access_log=False, server_header=False,
            limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=KEEP_ALIVE_SECONDS,
            h11_max_incomplete_event_size=MAX_HEAD,
            timeout_graceful_shutdown=math.ceil(read_timeout) + 1,
        )
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host, port), family=family, backlog=config.backlog)
        self._server = _Server(config)
        self._app = app
        self._stop_seconds = read_timeout + 5  # in-flight requests, then uvicorn's own closing
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """Return the port listened on (useful with port 0)."""
        return int(self._socket.getsockname()[1])

    def start(self) -> None:
        """Serve in a daemon thread; return once the server accepts requests."""
        self._thread = threading.Thread(target=self.serve_forever, name="slack-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self._server.started:
            raise OSError(f"the HTTP server did not start on port {self.port}")

    def serve_forever(self) -> None:
        """Serve until `shutdown()`."""
        self._server.run(sockets=[self._socket])

    def shutdown(self) -> None:
        """Stop serving: finish the requests under way (up to the read timeout), close the socket.

        Then the events acknowledged reach their listeners and the questions they brought are
        answered (`ClosableApp.close`): a question Slack was told we took must not vanish.
        """
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=self._stop_seconds)
        self._socket.close()
        self._dispatcher.shutdown(wait=True)  # the events acknowledged reach their listeners
        if isinstance(self._app, ClosableApp):
            self._app.close()
