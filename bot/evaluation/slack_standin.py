"""A local Slack Web API for tests: records every call and checks it against Slack's spec.

Usage::

    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.url)
        client.chat_postMessage(channel="C1", text="hej")
        assert slack.calls_to("chat.postMessage")[0].args["text"] == "hej"
        assert slack.violations == []

Each call is checked: the method exists in `paths` of the OpenAPI spec, required
parameters are present (the token may come as an `Authorization` header) and there is no
argument the spec does not know. Methods newer than the spec are checked against the
small JSON schemas in `NEWER_METHODS`, written from docs.slack.dev/reference/methods.
Block Kit limits (50 blocks, 3,000 characters a section text, ...) are checked too.

Any POST outside `/api/` (e.g. a slash command's `response_url`, see `response_url()`)
is recorded as a call of the pseudo-method "response_url" and answered `{"ok": true}`.

File uploads follow Slack's three steps (docs.slack.dev/messaging/working-with-files):
files.getUploadURLExternal hands out an upload URL on the stand-in (`/upload/<file id>`),
the POST of the file's bytes there is recorded as the pseudo-method "file_upload" and must
bring exactly the declared `length`, and files.completeUploadExternal may only name files
uploaded so. The finished files are in `uploads` (file id → filename, title, channel, data).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema

_S = {"type": "string"}
_ARR = {"type": "array"}


def _schema(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": props,
        "additionalProperties": False,
    }


# From docs.slack.dev/reference/methods/<method> (arguments tables), not in the v2 spec.
NEWER_METHODS: dict[str, dict[str, Any]] = {
    "chat.startStream": _schema(
        ["channel"],
        {
            "channel": _S, "thread_ts": _S, "markdown_text": {"type": "string", "maxLength": 12000},
            "chunks": _ARR, "recipient_user_id": _S, "recipient_team_id": _S,
            "task_display_mode": {"enum": ["timeline", "plan"]},
            "icon_emoji": _S, "icon_url": _S, "username": _S,
        },
    ),
    "chat.appendStream": _schema(
        ["channel", "ts"],
        {"channel": _S, "ts": _S, "markdown_text": {"type": "string", "maxLength": 12000},
         "chunks": _ARR},
    ),
    "chat.stopStream": _schema(
        ["channel", "ts"],
        {"channel": _S, "ts": _S, "markdown_text": {"type": "string", "maxLength": 12000},
         "blocks": {"type": ["array", "string"]}, "metadata": {"type": ["object", "string"]},
         "chunks": _ARR, "session_status": _S},
    ),
    "assistant.threads.setStatus": _schema(
        ["channel_id", "thread_ts", "status"],
        {"channel_id": _S, "thread_ts": _S, "status": _S,
         "loading_messages": {"type": "array", "items": _S, "maxItems": 10},
         "icon_emoji": _S, "icon_url": _S, "username": _S},
    ),
    "assistant.threads.setSuggestedPrompts": _schema(
        ["channel_id", "prompts"],
        {"channel_id": _S, "thread_ts": _S, "title": _S,
         "prompts": {"type": "array", "maxItems": 4, "items": {
             "type": "object", "required": ["title", "message"],
             "properties": {"title": _S, "message": _S}}}},
    ),
    "assistant.threads.setTitle": _schema(
        ["channel_id", "thread_ts", "title"], {"channel_id": _S, "thread_ts": _S, "title": _S}
    ),
    "apps.connections.open": _schema([], {}),
    "files.getUploadURLExternal": _schema(
        ["filename", "length"],
        {"filename": _S,
         "length": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": "^[1-9][0-9]*$"}]},
         "alt_txt": {"type": "string", "maxLength": 1000}, "snippet_type": _S},
    ),
    "files.completeUploadExternal": _schema(
        ["files"],
        {"files": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id"], "additionalProperties": False,
            "properties": {"id": _S, "title": _S, "highlight_type": _S}}},
         "channel_id": _S, "channels": _S, "initial_comment": _S, "thread_ts": _S,
         "blocks": {"type": ["array", "string"]}},
    ),
}

# Arguments the v2 spec predates, of methods it has (docs.slack.dev/reference/methods/<method>):
# message metadata (docs.slack.dev/messaging/message-metadata) is a JSON object with
# `event_type` and `event_payload`; history returns it only with include_all_metadata.
_METADATA = {"type": "object", "required": ["event_type", "event_payload"], "additionalProperties": False,
             "properties": {"event_type": {"type": "string", "maxLength": 255},
                            "event_payload": {"type": "object"}}}
_BOOL = {"anyOf": [{"type": "boolean"}, {"enum": ["0", "1", "true", "false"]}]}
NEWER_ARGS: dict[str, dict[str, Any]] = {
    "chat.postMessage": {"metadata": _METADATA},
    "conversations.history": {"include_all_metadata": _BOOL},
}

# slack_sdk's `WebClient(team_id=...)` (which Bolt builds for every request) adds `team_id`
# to every call, as org-wide apps need; Slack accepts it on every method.
_ALWAYS_KNOWN = {"token", "team_id"}
_JSON_ARGS = ("blocks", "attachments", "metadata", "chunks", "prompts", "loading_messages", "view", "files")


@dataclass
class Call:
    """One recorded Web API call."""

    method: str  # e.g. "chat.postMessage"
    args: dict[str, Any]  # form- or JSON-decoded arguments (JSON strings like blocks decoded)
    headers: dict[str, str]


def default_spec_path() -> Path:
    """Return SLACK_SPEC_PATH or ../shared/slack-api-specs/slack_web_openapi_v2.json."""
    env = os.environ.get("SLACK_SPEC_PATH")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[3]
    return root / "shared" / "slack-api-specs" / "slack_web_openapi_v2.json"


@lru_cache(maxsize=4)
def _load_params(spec_path: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Map each method to (known parameter names, required parameter names)."""
    paths = json.loads(spec_path.read_text(encoding="utf-8"))["paths"]
    out: dict[str, tuple[set[str], set[str]]] = {}
    for path, ops in paths.items():
        params = [p for op in ops.values() for p in op.get("parameters", [])]
        known = {p["name"] for p in params}
        required = {p["name"] for p in params if p.get("required")}
        out[path.lstrip("/")] = (known, required)
    return out


def block_kit_problems(blocks: Any, max_blocks: int = 50) -> list[str]:
    """Return the Block Kit limits `blocks` breaks (what Slack answers `invalid_blocks` to).

    Args:
        max_blocks: 50 in a message, 100 in a modal or Home tab (docs.slack.dev/reference/block-kit/blocks).
    """
    if not isinstance(blocks, list):
        return [f"blocks is {type(blocks).__name__}, not a list"]
    problems = [f"{len(blocks)} blocks > {max_blocks}"] if len(blocks) > max_blocks else []
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind is None:
            problems.append(f"block {i} has no type")
            continue
        text = block.get("text")
        if kind == "section":
            if isinstance(text, dict) and len(text.get("text", "")) > 3000:
                problems.append(f"section {i} text {len(text['text'])} > 3000 chars")
            if not text and not block.get("fields"):
                problems.append(f"section {i} has neither text nor fields")
        if kind == "header" and isinstance(text, dict) and len(text.get("text", "")) > 150:
            problems.append(f"header {i} text > 150 chars")
        elements = block.get("elements", [])
        if kind == "context" and len(elements) > 10:
            problems.append(f"context {i} has {len(elements)} elements > 10")
        if kind == "actions":
            if len(elements) > 25:
                problems.append(f"actions {i} has {len(elements)} elements > 25")
            for el in elements:
                if len(el.get("text", {}).get("text", "")) > 75:
                    problems.append(f"button in block {i}: text > 75 chars")
                if len(str(el.get("value", ""))) > 2000:
                    problems.append(f"button in block {i}: value > 2000 chars")
        if len(str(block.get("block_id", ""))) > 255:
            problems.append(f"block {i}: block_id > 255 chars")
        if kind == "input":
            problems += _input_problems(i, block)
    return problems


def _input_problems(i: int, block: dict[str, Any]) -> list[str]:
    """Return the limits an input block breaks (docs.slack.dev/reference/block-kit/blocks/input-block)."""
    label, element = block.get("label"), block.get("element")
    problems: list[str] = []
    if not isinstance(label, dict) or label.get("type") != "plain_text":
        problems.append(f"input {i}: no plain_text label")
    elif len(label.get("text", "")) > 2000:
        problems.append(f"input {i}: label > 2000 chars")
    if not isinstance(element, dict):
        return [*problems, f"input {i}: no element"]
    # .../block-elements/radio-button-group-element: 1 to 10 options
    options = element.get("options", [])
    if element.get("type") == "radio_buttons" and not 1 <= len(options) <= 10:
        problems.append(f"radio buttons in input {i}: {len(options)} options not 1..10")
    # .../block-elements/plain-text-input-element: max_length at most 3000
    if element.get("type") == "plain_text_input" and int(element.get("max_length", 0)) > 3000:
        problems.append(f"plain_text_input in input {i}: max_length > 3000")
    return problems


def view_problems(view: Any) -> list[str]:
    """Return the limits a views.publish/open/update `view` breaks (docs.slack.dev/reference/views)."""
    if not isinstance(view, dict):
        return [f"view is {type(view).__name__}, not an object"]
    problems = [] if view.get("type") in {"home", "modal"} else [f"view type {view.get('type')!r}"]
    if view.get("type") == "modal":  # docs.slack.dev/reference/views/modal-views: title required, 24 chars each
        problems += [] if isinstance(view.get("title"), dict) else ["modal has no title"]
        problems += [f"modal {key} > 24 chars" for key in ("title", "submit", "close")
                     if len(str((view.get(key) or {}).get("text", ""))) > 24]
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        problems += ["modal with input blocks has no submit"] if has_input and not view.get("submit") else []
    problems += [f"view {key} > {limit} chars" for key, limit in (("private_metadata", 3000), ("callback_id", 255),
                                                                   ("external_id", 255))
                 if len(str(view.get(key, ""))) > limit]
    for i, block in enumerate(view.get("blocks") or []):
        for el in block.get("elements", []) if isinstance(block, dict) else []:
            if el.get("type") == "static_select":
                options = el.get("options", [])
                problems += [f"select in block {i}: {len(options)} options > 100"] if len(options) > 100 else []
                problems += [f"select in block {i}: option text > 75 chars" for o in options
                             if len(o.get("text", {}).get("text", "")) > 75]
    return problems + block_kit_problems(view.get("blocks", []), max_blocks=100)


class SlackStandIn:
    """Local Slack Web API on 127.0.0.1:<free port>; records calls and checks each against Slack's OpenAPI spec."""  # noqa: E501

    def __init__(self, spec_path: Path | None = None) -> None:
        self._params = _load_params(spec_path or default_spec_path())
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.rejected: list[Call] = []  # calls answered with an injected failure
        self.url = ""
        self._cond = threading.Condition()
        self._failures: dict[str, list[tuple[int, int]]] = {}
        self._outage: tuple[float, itertools.cycle[int]] = (0.0, itertools.cycle((500,)))
        self._overrides: dict[str, dict[str, Any]] = {}
        self._refusing: dict[str, tuple[int, int]] = {}  # method -> (status, retry_after)
        self._holds: dict[str, list[float]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}  # posted messages by channel, oldest first
        self.reactions: set[tuple[str, str, str]] = set()  # (channel, timestamp, name) the bot added
        self.uploads: dict[str, dict[str, Any]] = {}  # file id → filename, length, data, title, channel
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SlackStandIn:
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def response_url(self, name: str = "respond") -> str:
        """Return a URL that stands in for a `response_url` (recorded as "response_url")."""
        return self.url.removesuffix("api/") + f"hooks/{name}"

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of `method`, oldest first."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls of `method` arrived; raise AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"{count} x {method} not received in {timeout}s; {seen}")
                self._cond.wait(left)
            return [c for c in self.calls if c.method == method]

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` with `status` (429 adds Retry-After)."""
        with self._cond:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def fail_for(self, seconds: float, statuses: tuple[int, ...] = (500, 429)) -> None:
        """Answer every Web API call with `statuses` in turn for `seconds`: an outage (429 adds Retry-After: 1)."""
        with self._cond:
            self._outage = (time.monotonic() + seconds, itertools.cycle(statuses))

    def hold(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next `times` calls of `method` only after `seconds` (recorded on arrival)."""
        with self._cond:
            self._holds.setdefault(method, []).extend([seconds] * times)

    def _wait_if_held(self, method: str) -> None:
        with self._cond:
            holds = self._holds.get(method)
            seconds = holds.pop(0) if holds else 0.0
        time.sleep(seconds)

    def refuse(self, method: str, status: int = 500, retry_after: int = 0) -> None:
        """Answer every call of `method` with `status` until `accept(method)` (or `reset()`)."""
        with self._cond:
            self._refusing[method] = (status, retry_after)

    def accept(self, method: str) -> None:
        """Stop refusing `method` (see `refuse`)."""
        with self._cond:
            self._refusing.pop(method, None)

    def set_response(self, method: str, payload: dict[str, Any]) -> None:
        """Override the canned ok-response for a method."""
        with self._cond:
            self._overrides[method] = payload

    def reset(self) -> None:
        """Forget calls, violations, injected failures and overridden responses."""
        with self._cond:
            self.calls.clear()
            self.violations.clear()
            self.rejected.clear()
            self._failures.clear()
            self._overrides.clear()
            self._refusing.clear()
            self._holds.clear()
            self.messages.clear()
            self.reactions.clear()
            self.uploads.clear()

    def check(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> list[str]:
        """Return the spec violations of one call."""
        has_token = "token" in args or headers.get("authorization", "").startswith("Bearer ")
        problems = [] if has_token else [f"{method}: no token"]
        if method in NEWER_METHODS:
            validator = jsonschema.Draft7Validator(NEWER_METHODS[method])
            checked = {k: v for k, v in args.items() if k not in _ALWAYS_KNOWN}
            problems += [f"{method}: {e.message}" for e in validator.iter_errors(checked)]
        elif method in self._params:
            known, required = self._params[method]
            newer = NEWER_ARGS.get(method, {})
            known = known | set(newer)
            problems += [f"{method}: {name}: {e.message}" for name, schema in newer.items() if name in args
                         for e in jsonschema.Draft7Validator(schema).iter_errors(args[name])]
            given = set(args)
            problems += [f"{method}: missing required {n!r}" for n in sorted(required - given)
                         if n != "token"]
            problems += [f"{method}: unknown argument {n!r}"
                         for n in sorted(given - known - _ALWAYS_KNOWN)]
        else:
            return [f"{method}: unknown method"]
        if "blocks" in args:
            problems += [f"{method}: {p}" for p in block_kit_problems(args["blocks"])]
        if "view" in args:
            problems += [f"{method}: {p}" for p in view_problems(args["view"])]
        if method == "files.completeUploadExternal":
            problems += self._complete_problems(args)
        if method == "assistant.threads.setSuggestedPrompts" and "thread_ts" in args:
            # docs.slack.dev/reference/methods/assistant.threads.setSuggestedPrompts: thread_ts is for the
            # legacy assistant_view only; "Including it in a call for an agent app will cause the call to
            # silently fail" (our manifest has agent_view).
            problems.append(f"{method}: thread_ts silently fails for an agent_view app")
        return problems

    def _handle(
        self, method: str, args: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Record and check one call; return (status, JSON payload, extra headers)."""
        call = Call(method, args, headers)
        if method == "response_url":
            problems = [f"response_url: {p}" for p in block_kit_problems(args.get("blocks", []))]
        elif method == "file_upload":
            problems = self._upload_problems(args)
        else:
            problems = self.check(method, args, headers)
        with self._cond:
            self.violations.extend(problems)
            queue = self._failures.get(method)
            if not queue and method != "response_url" and time.monotonic() < self._outage[0]:
                queue = [(next(self._outage[1]), 1)]  # inside a `fail_for` outage
            if not queue and method in self._refusing:
                queue = [self._refusing[method]]  # refused until `accept(method)`
            if queue:
                status, retry_after = queue.pop(0)
                self.rejected.append(call)
                extra = {"Retry-After": str(retry_after)} if status == 429 else {}
                error = "ratelimited" if status == 429 else "internal_error"
                return status, {"ok": False, "error": error}, extra
            self.calls.append(call)
            self._cond.notify_all()
            if problems and problems[0].endswith("unknown method"):
                return 200, {"ok": False, "error": "unknown_method"}, {}
            if method in self._overrides:
                return 200, self._overrides[method], {}
            return 200, self._canned(method, args), {}

    def _canned(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Return a plausible ok-response."""
        ts = f"{int(time.time())}.{next(self._counter):06d}"
        channel = args.get("channel") or args.get("channel_id") or "C0STANDIN"
        message = {"type": "message", "text": args.get("text", ""), "ts": ts,
                   "user": "UBOT", "bot_id": "BBOT"}
        if method == "chat.postMessage":
            message = self._keep(channel, message, args)
        if method == "conversations.history":
            return {"ok": True, **self._history(channel, args)}
        if method.startswith("file"):
            return self._files(method, args)
        if method in {"reactions.add", "reactions.remove"}:  # Slack's own answer to a second add
            key = (channel, str(args.get("timestamp")), str(args.get("name")))
            if method == "reactions.add" and key in self.reactions:
                return {"ok": False, "error": "already_reacted"}
            (self.reactions.add if method == "reactions.add" else self.reactions.discard)(key)
        canned: dict[str, dict[str, Any]] = {
            "auth.test": {"url": "https://standin.slack.com/", "team": "Stand-in",
                          "user": "hp-assistenten", "team_id": "T0STANDIN", "user_id": "UBOT",
                          "bot_id": "BBOT", "is_enterprise_install": False},
            "chat.postMessage": {"channel": channel, "ts": ts, "message": message},
            "chat.update": {"channel": channel, "ts": args.get("ts", ts),
                            "text": args.get("text", "")},
            "chat.postEphemeral": {"message_ts": ts},
            "chat.scheduleMessage": {"channel": channel, "scheduled_message_id": f"Q{ts}",
                                     "post_at": args.get("post_at")},
            "chat.startStream": {"channel": channel, "ts": ts},
            "chat.appendStream": {"channel": channel, "ts": args.get("ts", ts)},
            "chat.stopStream": {"channel": channel, "ts": args.get("ts", ts), "message": message},
            "chat.getPermalink": {"channel": channel,
                                  "permalink": f"https://standin.slack.com/archives/{channel}"},
            "conversations.replies": {"messages": [], "has_more": False},
            "conversations.history": {"messages": [], "has_more": False},
            "conversations.info": {"channel": {"id": channel, "name": "standin",
                                               "is_channel": True, "is_member": True}},
            "conversations.open": {"channel": {"id": "D0STANDIN"}},
            "users.info": {"user": {"id": args.get("user", "U0"), "name": "standin",
                                    "tz": "Europe/Stockholm", "locale": "sv-SE"}},
            "apps.connections.open": {"url": "wss://standin.invalid/link/?ticket=x"},
        }
        return {"ok": True, **canned.get(method, {})}

    def _keep(self, channel: str, message: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        """Store a posted message (with its metadata) for conversations.history."""
        if isinstance(args.get("metadata"), dict):
            message = {**message, "metadata": args["metadata"]}
        self.messages.setdefault(channel, []).append(message)
        return message

    def _files(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Answer the three steps of an upload (see the module's docstring)."""
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._counter):08d}"
            self.uploads[file_id] = {"filename": args.get("filename"), "length": int(args.get("length") or 0)}
            return {"ok": True, "file_id": file_id, "upload_url": self.url.removesuffix("api/") + f"upload/{file_id}"}
        if method == "file_upload":
            return {"ok": True}  # Slack's upload URL answers 200 with a short text
        files: list[Any] = args["files"] if isinstance(args.get("files"), list) else []
        for item in files:
            self.uploads.get(str(item.get("id")), {}).update(
                title=item.get("title"), channel=args.get("channel_id") or args.get("channels"), done=True)
        return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}

    def _upload_problems(self, args: dict[str, Any]) -> list[str]:
        """Check a file's bytes against what files.getUploadURLExternal was told; keep them."""
        with self._cond:
            upload = self.uploads.get(str(args.get("file_id")))
            if upload is None:
                return [f"file_upload: {args.get('file_id')} was never handed out by files.getUploadURLExternal"]
            upload["data"] = args["data"]
        if len(args["data"]) != upload["length"]:
            return [f"file_upload: {len(args['data'])} bytes, {upload['length']} declared"]
        return []

    def _complete_problems(self, args: dict[str, Any]) -> list[str]:
        """Return the files of a files.completeUploadExternal that were not uploaded first."""
        files: list[Any] = args["files"] if isinstance(args.get("files"), list) else []
        return [f"files.completeUploadExternal: {f.get('id')} was not uploaded" for f in files
                if isinstance(f, dict) and "data" not in self.uploads.get(str(f.get("id")), {})]

    def _history(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        """Return the channel's stored messages, newest first, as conversations.history pages them."""
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        found = [m for m in reversed(self.messages.get(channel, [])) if oldest < float(m["ts"]) < latest]
        if str(args.get("include_all_metadata")).lower() not in {"1", "true"}:
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        page, more = found[start:start + limit], start + limit < len(found)
        return {"messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers Slack signs a request with (v0 HMAC-SHA256 of "v0:ts:body")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class _Handler(BaseHTTPRequestHandler):
    owner: SlackStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output quiet."""

    def do_GET(self) -> None:  # noqa: N802
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        args: dict[str, Any] = dict(parse_qsl(parts.query))
        if parts.path.startswith("/upload/"):  # a file's bytes (files.getUploadURLExternal's URL)
            args = {"file_id": parts.path.removeprefix("/upload/"), "data": body}
        elif "json" in headers.get("content-type", "") and body:
            args.update(json.loads(body))
        elif body:
            args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        for key in _JSON_ARGS:
            if isinstance(args.get(key), str) and args[key][:1] in "[{":
                args[key] = json.loads(args[key])
        if parts.path.startswith("/api/"):
            method = parts.path.removeprefix("/api/")
        elif parts.path.startswith("/upload/"):
            method = "file_upload"
        else:
            method = "response_url"
        status, payload, extra = self.owner._handle(method, args, headers)
        self.owner._wait_if_held(method)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
