"""A local OpenAI-compatible chat endpoint for tests and benches: scripted replies and faults.

Usage::

    with LLMStandIn(reply="Enligt dokumenten gäller detta [1].") as llm:
        client = openai.OpenAI(base_url=llm.base_url, api_key="x")
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "?"}])
        assert "?" in llm.sent_text()
        llm.fault = "429"  # the next request gets 429 with Retry-After: 1

It serves `POST /v1/chat/completions` in OpenAI's wire format (`stream: false` → one
`chat.completion` object; `stream: true` → server-sent `chat.completion.chunk` events ending
with `data: [DONE]`, a usage chunk when `stream_options.include_usage` asks for one) and
`GET /v1/models`. Every chat request body is recorded, faults included, before it is answered.

Faults (`fault`, changeable between requests): "hang" accepts and never answers (until the
stand-in stops), "500" and "429" answer with OpenAI's error JSON (429 with `Retry-After: 1`),
"close_mid_stream" sends the first two pieces of a stream (half the body when not
streaming) and closes the connection, "slow" waits `delay` seconds before each chunk after
the first (`delay` per piece before the whole answer when not streaming).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Fault = Literal["hang", "500", "429", "close_mid_stream", "slow"]
Reply = str | Callable[[dict[str, Any]], str]  # a text, or a function of the request body

_ERRORS: dict[str, tuple[int, str, str | None, str]] = {  # fault: status, type, code, message
    "500": (500, "server_error", None, "The server had an error while processing your request."),
    "429": (429, "requests", "rate_limit_exceeded", "Rate limit reached for requests."),
}


def pieces(text: str) -> list[str]:
    """Split a reply into the deltas of a stream: one word with its following space each.

    >>> pieces("Hej på dig!")
    ['Hej ', 'på ', 'dig!']
    >>> "".join(pieces(" två  ord\\n")) == " två  ord\\n"
    True
    """
    return re.findall(r"\s*\S+\s*", text) or [text]


class LLMStandIn:
    """OpenAI-compatible chat completions on 127.0.0.1:<free port>; records what it was sent."""

    def __init__(
        self, reply: Reply = "Hej!", *, fault: Fault | None = None, delay: float = 0.5, model: str = "standin"
    ) -> None:
        self.reply = reply
        self.fault = fault
        self.delay = delay  # seconds before each piece when fault == "slow"
        self.model = model  # the model GET /v1/models lists
        self._requests: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Return the URL to give an OpenAI client: http://127.0.0.1:PORT/v1."""
        if self._server is None:
            raise RuntimeError("the LLM stand-in is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Return the chat request bodies received so far, oldest first."""
        with self._cond:
            return list(self._requests)

    def sent_text(self) -> str:
        """Return every message content of every request, one per line (what reached the LLM)."""
        return "\n".join(
            str(m.get("content", "")) for body in self.requests for m in body.get("messages", [])
        )

    def wait_for_requests(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until `count` chat requests arrived; raise AssertionError on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._requests) >= count, timeout):
                raise AssertionError(f"{count} request(s) not received in {timeout}s: {len(self._requests)}")
            return list(self._requests)

    def __enter__(self) -> LLMStandIn:
        standin = self

        class Handler(_Handler):
            owner = standin

        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # releases hanging and slow handlers, which server_close joins
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _record(self, body: dict[str, Any]) -> tuple[Fault | None, str, float]:
        """Record one chat request; return the fault, reply text and delay that answer it."""
        with self._cond:
            self._requests.append(body)
            self._cond.notify_all()
            fault, reply, delay = self.fault, self.reply, self.delay
        return fault, reply(body) if callable(reply) else reply, delay

    def _sleep(self, seconds: float) -> bool:
        """Wait `seconds`; return False if the stand-in is stopping meanwhile."""
        return not self._stopping.wait(seconds)


def _chunk(head: dict[str, Any], delta: dict[str, str], finish: str | None, usage: bool) -> dict[str, Any]:
    """Return one `chat.completion.chunk` (with `usage: null` when a usage chunk will follow)."""
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return {**head, "object": "chat.completion.chunk", "choices": [choice], **({"usage": None} if usage else {})}


def _usage(body: dict[str, Any], reply: str) -> dict[str, int]:
    """Return a token count in OpenAI's shape (words, not a tokenizer's tokens)."""
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion = len(pieces(reply))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _events(body: dict[str, Any], reply: str) -> Iterator[dict[str, Any]]:
    """Yield the chunks of a streamed reply, as OpenAI sends them."""
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": body.get("model", ""),
            "system_fingerprint": None}
    usage = bool((body.get("stream_options") or {}).get("include_usage"))
    yield _chunk(head, {"role": "assistant", "content": ""}, None, usage)
    for piece in pieces(reply):
        yield _chunk(head, {"content": piece}, None, usage)
    yield _chunk(head, {}, "stop", usage)
    if usage:
        yield {**head, "object": "chat.completion.chunk", "choices": [], "usage": _usage(body, reply)}


def _completion(body: dict[str, Any], reply: str) -> dict[str, Any]:
    """Return the `chat.completion` object of a non-streamed reply."""
    message = {"role": "assistant", "content": reply, "refusal": None}
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
        "model": body.get("model", ""), "system_fingerprint": None,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage(body, reply),
    }


class _Handler(BaseHTTPRequestHandler):
    owner: LLMStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output quiet."""

    def handle(self) -> None:
        """Serve the connection; a client that drops it (its timeout, a closed pool) is no error."""
        try:
            super().handle()
        except ConnectionError:
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/") != "/v1/models":
            return self._error(404, "invalid_request_error", "unknown_url", f"Unknown path {self.path}")
        model = {"id": self.owner.model, "object": "model", "created": 0, "owned_by": "standin"}
        self._json(200, {"object": "list", "data": [model]})

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._error(404, "invalid_request_error", "unknown_url", f"Unknown path {self.path}")
        try:
            body = json.loads(raw)
        except ValueError:
            return self._error(400, "invalid_request_error", None, "The body is not valid JSON.")
        self._answer(body, *self.owner._record(body))

    def _answer(self, body: dict[str, Any], fault: Fault | None, reply: str, delay: float) -> None:
        if fault == "hang":
            self.owner._stopping.wait()
            self.close_connection = True
        elif fault in _ERRORS:
            self._error(*_ERRORS[fault], retry_after=fault == "429")
        elif body.get("stream"):
            self._stream(body, reply, delay if fault == "slow" else 0.0, fault == "close_mid_stream")
        elif fault != "slow" or self.owner._sleep(delay * len(pieces(reply))):
            self._json(200, _completion(body, reply), cut=fault == "close_mid_stream")

    def _stream(self, body: dict[str, Any], reply: str, delay: float, cut: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for n, event in enumerate(_events(body, reply)):
            if cut and n == 3:  # the role chunk and two pieces went out: drop the connection
                self.close_connection = True
                return
            if delay and n > 0 and not self.owner._sleep(delay):  # stopping: give up
                self.close_connection = True
                return
            self._send_chunk(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
        self._send_chunk(b"data: [DONE]\n\n")
        self._send_chunk(b"")

    def _send_chunk(self, data: bytes) -> None:
        # http.server has no chunked writer; chunked encoding (not Connection: close) is what
        # lets a client tell a cut stream ("incomplete chunked read") from a finished one.
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _error(self, status: int, kind: str, code: str | None, message: str, retry_after: bool = False) -> None:
        error = {"message": message, "type": kind, "param": None, "code": code}
        self._json(status, {"error": error}, {"Retry-After": "1"} if retry_after else {})

    def _json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None, cut: bool = False
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if cut:  # half the promised Content-Length, then the connection closes
            self.close_connection = True
            data = data[: len(data) // 2]
        self.wfile.write(data)
