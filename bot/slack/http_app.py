"""The ASGI app of HTTP mode: Slack's requests into Bolt, and the operator's endpoints.

`POST /slack/events` refuses as early and as cheaply as it can, in this order:

1. a body over `MAX_BODY` → 413; a body not all sent within `read_timeout` → 408
   (both close the connection, which cannot be reused with a body half read);
2. the Slack signature (slack_sdk's `SignatureVerifier`): missing or malformed timestamp,
   a timestamp more than five minutes away, or a bad signature → 401;
3. only a signed request is parsed: a body that is not UTF-8 or that Bolt cannot parse → 400;
4. an event callback or a button click, when the app acknowledges before its listeners run
   (Bolt's default, `process_before_response=False`), gets the empty 200 Bolt would give it
   right here and is handed to `App.dispatch` on a thread (`dispatcher`): no hop to a thread
   and back, and none of Bolt's middleware, stands between Slack and its acknowledgement while
   answering holds the cores. Every click listener of ours calls a bare `ack()` first, so the
   response is the same; Slack ignores a click's response body anyway. It is also a 200 where
   Bolt would say 404 (an event or click no listener takes), which Slack would only send again;
5. anything else (commands and views, whose `ack()` may carry a response, url_verification)
   goes to `App.dispatch` in
   a worker thread (at most `threads` at once, so a busy Bolt never blocks the event loop that
   reads the other requests), whose response is returned as it is.

Each refusal is counted (`hp_http_rejected{reason}`) and logged by its reason only: never
the body or the signature of a request that was not Slack's. `GET /healthz` says the process
is alive, `GET /readyz` whether each dependency answers (503 if one does not), and
`GET /metrics` is the Prometheus exposition.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import aclosing

import anyio
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.metrics import Metrics

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_BODY = 1_000_000  # Slack's payloads are far smaller; this also bounds memory per connection
MAX_AGE_SECONDS = 5 * 60  # SignatureVerifier's window; used here only to name the reason
Ready = Callable[[], Mapping[str, bool]]


class Refused(Exception):
    """A request refused before Bolt saw it: its HTTP status and the reason counted."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def read_body(request: Request, read_timeout: float) -> bytes:
    """Return the body, refusing one over `MAX_BODY` or not all sent within `read_timeout`."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise Refused(413, "too_large")
    chunks: list[bytes] = []
    size = 0
    with anyio.move_on_after(read_timeout) as deadline:
        async with aclosing(request.stream()) as stream:
            async for chunk in stream:
                size += len(chunk)
                if size > MAX_BODY:  # a chunked body, or more than its Content-Length said
                    raise Refused(413, "too_large")
                chunks.append(chunk)
    if deadline.cancelled_caught:
        raise Refused(408, "timeout")
    return b"".join(chunks)


def verified_text(verifier: SignatureVerifier, headers: Headers, body: bytes) -> str:
    """Return the body as text if Slack signed it, else raise `Refused` (401, or 400 if not UTF-8)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature")
    if not timestamp.isascii() or not timestamp.isdigit():  # int("abc") inside the verifier: 500
        raise Refused(401, "timestamp")
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        raise Refused(401, "timestamp")
    if not signature:
        raise Refused(401, "signature")
    try:
        text = body.decode("utf-8")  # the verifier decodes too, and would raise
    except UnicodeDecodeError:
        raise Refused(400, "encoding") from None
    if not verifier.is_valid(text, timestamp, signature):
        raise Refused(401, "signature")
    return text


def bolt_request(text: str, request: Request) -> BoltRequest:
    """Build Bolt's request, which parses the body; a body Bolt cannot read is a 400."""
    headers: dict[str, str | Sequence[str]] = {
        key: request.headers.getlist(key) for key in request.headers.keys()
    }
    try:
        return BoltRequest(body=text, query=request.url.query, headers=headers)
    except Exception as error:  # json, form or payload shape: whatever Bolt's parser trips on
        raise Refused(400, "malformed") from error


def to_response(bolt: BoltResponse) -> Response:
    """Return Bolt's response as Starlette's, unchanged but for the length."""
    body = bolt.body if isinstance(bolt.body, str) else str(bolt.body)
    response = Response(body.encode("utf-8", "replace"), status_code=bolt.status)
    for key, values in bolt.headers.items():
        if key.lower() != "content-length":
            for value in [values] if isinstance(values, str) else values:
                response.headers.append(key, value)
    return response


ACKED_HERE = frozenset({"event_callback", "block_actions"})  # their ack() carries nothing


def dispatch_later(app: App, dispatcher: Executor, request: BoltRequest) -> None:
    """Dispatch `request` on `dispatcher`; Bolt logs a listener's errors, this anything else."""

    def dispatch() -> None:
        try:
            app.dispatch(request)
        except Exception:  # a pool's future would keep it to itself
            logger.exception("dispatching an event failed")

    dispatcher.submit(dispatch)


def build_http_app(
    app: App, *, signing_secret: str, metrics: Metrics, ready: Ready, threads: int, read_timeout: float,
    dispatcher: Executor,
) -> ASGIApp:
    """Return the ASGI app serving `app` at `EVENTS_PATH`, with health, readiness and metrics.

    Args:
        dispatcher: runs Bolt for the events acknowledged here (see the module's docstring).
    """
    verifier = SignatureVerifier(signing_secret)
    limiter = anyio.CapacityLimiter(threads)
    acks_first = not app.process_before_response

    async def events(request: Request) -> Response:
        try:
            body = await read_body(request, read_timeout)
            parsed = bolt_request(verified_text(verifier, request.headers, body), request)
        except Refused as refused:
            metrics.rejected_requests.labels(refused.reason).inc()
            logger.info("refused a request to %s: %s (%d)", EVENTS_PATH, refused.reason, refused.status)
            closing = {"Connection": "close"} if refused.status in (408, 413) else None
            return PlainTextResponse(refused.reason, refused.status, headers=closing)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is left to read it
        if acks_first and parsed.body.get("type") in ACKED_HERE:
            dispatch_later(app, dispatcher, parsed)
            return Response(status_code=200)
        return to_response(await anyio.to_thread.run_sync(app.dispatch, parsed, limiter=limiter))

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        try:
            states = dict(await anyio.to_thread.run_sync(ready))
        except Exception:
            logger.exception("the readiness check failed")
            states = {"readiness": False}
        metrics.ready.set(1 if all(states.values()) else 0)
        body = {name: "ok" if up else "nede" for name, up in states.items()}
        return JSONResponse(body, 200 if all(states.values()) else 503)

    async def prometheus(request: Request) -> Response:
        data, content_type = metrics.render()
        return Response(data, headers={"Content-Type": content_type})

    routes = [
        Route(EVENTS_PATH, events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", prometheus, methods=["GET"]),
    ]
    return Timed(Starlette(routes=routes), metrics, {route.path for route in routes})


class Timed:
    """ASGI middleware: `hp_http_request_seconds{path,status}` for every response."""

    def __init__(self, app: ASGIApp, metrics: Metrics, paths: set[str]) -> None:
        self.app, self.metrics, self.paths = app, metrics, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the request; an unknown path is counted as `other` (bounded labels)."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope["path"] if scope["path"] in self.paths else "other"
            self.metrics.request_seconds.labels(path, str(status)).observe(time.perf_counter() - start)
