"""What reached "Slack" for each question of `bot bench load`: answers, notices, when.

The stand-in records every call with its arrival time. A question is found again by its
message: a channel question's answer and notices go to the thread `thread_ts` = its ts;
a DM's to the top level of its own DM channel or to the thread it starts. Streamed answers are followed by the
`ts` chat.startStream returned. An *answer* is a message carrying the 👍/👎 buttons
(block_id "answer-<id>"); a *notice* is a message starting with ":warning:".
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.evaluation.slack_standin import SlackStandIn

_STARTS = ("chat.postMessage", "chat.startStream")
_CHANGES = ("chat.update", "chat.stopStream")


@dataclass(frozen=True)
class Seen:
    """One Web API call as the stand-in answered it."""

    at: float  # time.monotonic() of arrival
    method: str
    args: dict[str, Any]
    status: int
    ts: str | None  # the message ts the answer names (chat.postMessage, chat.startStream)


class RecordingStandIn(SlackStandIn):
    """The Slack stand-in, noting when each call arrived and how it was answered."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Seen] = []
        self.answer_ids: list[tuple[str, str]] = []  # (answer_id, channel), for the clicks
        self._seen_lock = threading.Lock()

    def _handle(self, method: str, args: dict[str, Any],
                headers: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        at = time.monotonic()
        status, payload, extra = super()._handle(method, args, headers)
        answer_id = _answer_id(args)
        with self._seen_lock:
            self.seen.append(Seen(at, method, args, status, payload.get("ts")))
            if status == 200 and answer_id:
                self.answer_ids.append((answer_id, str(args.get("channel"))))
        return status, payload, extra

    def snapshot(self) -> tuple[list[Seen], list[tuple[str, str]]]:
        """Return copies of the recorded calls and answer ids."""
        with self._seen_lock:
            return list(self.seen), list(self.answer_ids)


@dataclass
class Outcome:
    """What one question got."""

    first_post: float | None = None  # first accepted chat.postMessage / chat.startStream
    answered_at: float | None = None  # the first answer's buttons arrived
    told_at: float | None = None  # the first notice arrived
    answers: set[str] = field(default_factory=set)  # the ts of every message carrying an answer


def _answer_id(args: dict[str, Any]) -> str | None:
    """Return the answer id of a message's feedback buttons, None if it has none."""
    blocks = args.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        block_id = str(block.get("block_id", "")) if isinstance(block, dict) else ""
        if block.get("type") == "actions" and block_id.startswith("answer-"):
            return block_id.removeprefix("answer-")
    return None


def outcomes(keys: dict[tuple[str, str | None], tuple[str, str]],
             seen: list[Seen]) -> tuple[dict[tuple[str, str], Outcome], int]:
    """Return each question's outcome, and the number of answers matched to no question.

    Args:
        keys: (channel, thread_ts or None for a DM's top level) → the question's (channel, ts).
    """
    result = {key: Outcome() for key in keys.values()}
    owner: dict[str, tuple[str, str]] = {}  # message ts → question
    unmatched = 0
    for call in sorted(seen, key=lambda c: c.at):
        if call.status != 200:
            continue
        channel = str(call.args.get("channel"))
        if call.method in _STARTS:
            key = keys.get((channel, call.args.get("thread_ts")))
            if key is not None and call.ts:
                owner[call.ts] = key
                outcome = result[key]
                outcome.first_post = outcome.first_post or call.at
        elif call.method in _CHANGES:
            key = owner.get(str(call.args.get("ts")))
        else:
            continue
        message_ts = call.ts if call.method in _STARTS else str(call.args.get("ts"))
        if _answer_id(call.args):
            if key is None:
                unmatched += 1
                continue
            outcome = result[key]
            outcome.answers.add(str(message_ts))
            outcome.answered_at = outcome.answered_at or call.at
        elif key is not None and str(call.args.get("text", "")).startswith(":warning:"):
            result[key].told_at = result[key].told_at or call.at
    return result, unmatched
