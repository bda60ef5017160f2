"""The scheduled posts' way into Slack: `chat.postMessage` with the occurrence as message metadata.

Each post carries `metadata` (event_type `hp_scheduled_post`, the occurrence id as its
payload), so a replica that finds a claim whose claimer died can look in the channel's
history for that occurrence before it posts again.

A post invites a trace (`post_blocks`): a "Genomförd ✅" button (its value is the occurrence,
"schedule|nominal") and a line asking for a one-line note in the thread. Once pressed,
the button gives way to who marked it and when, with "Ångra" for a press by mistake
(`held_blocks`); undone, the button is back (`unheld_blocks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.ingest.dates import swedish_date
from bot.slack.mrkdwn import split_text
from bot.store.traces import meeting_schedule

Block = dict[str, Any]
EVENT_TYPE = "hp_scheduled_post"
HELD = "hp_post_held"  # the action id of "Genomförd ✅"
HELD_UNDO = "hp_post_held_undo"  # the action id of "Ångra" beside who marked the meeting held
HELD_BLOCK = "hp_post_held"  # the block that holds the button, then who pressed it
NOTE_PROMPT = (":writing_hand: Efter mötet: skriv en rad här i tråden om vad ni pratade om. "
               "Den kommer med i årets HP-rapport.")
HELD_LABEL = "Genomförd ✅"
HELD_TEXT = "Genomförd ✅ av <@{user}> {date}"
UNDO_LABEL = "Ångra"
UNDO_CONFIRM = {
    "title": {"type": "plain_text", "text": "Ångra Genomförd?"},
    "text": {"type": "mrkdwn", "text": "Mötet räknas då som inte hållet, och på APT tas samma steg i "
                                       "Respekttrappan upp igen nästa gång."},
    "confirm": {"type": "plain_text", "text": UNDO_LABEL},
    "deny": {"type": "plain_text", "text": "Avbryt"},
}
HISTORY_PAGE = 200  # messages a history call returns (Slack recommends at most 200)
HISTORY_PAGES = 10  # beyond this many pages the history counts as unreadable


class HistoryUnreadable(Exception):
    """The channel's history could not be read far enough to tell whether a post is there."""


class SlackPoster:
    """Posts with a `WebClient` that waits out rate limits (Retry-After) before failing."""

    def __init__(self, client: WebClient) -> None:
        if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
            client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        self.client = client

    @property
    def timeout(self) -> float:
        """Return the longest wait for one Slack call, in seconds."""
        return float(self.client.timeout)

    def post(self, channel: str, text: str, occurrence: Mapping[str, str] | None = None) -> str:
        """Post `text` to `channel` (tagged with `occurrence`, if given); return the message ts."""
        metadata = {"event_type": EVENT_TYPE, "event_payload": dict(occurrence)} if occurrence else None
        blocks = post_blocks(text, occurrence) if occurrence else None
        response = self.client.chat_postMessage(
            channel=channel, text=text, mrkdwn=True, unfurl_links=False, unfurl_media=False,
            metadata=metadata, blocks=blocks,
        )
        return str(response["ts"])

    def find(self, channel: str, occurrence: Mapping[str, str], since: dt.datetime) -> str | None:
        """Return the ts of the message in `channel` since `since` tagged with `occurrence`, or None.

        Raises:
            HistoryUnreadable: more than HISTORY_PAGES pages of messages since `since`.
            SlackApiError: Slack refused (e.g. missing_scope, not_in_channel).
        """
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            response = self.client.conversations_history(
                channel=channel, oldest=f"{since.timestamp():.6f}", include_all_metadata=True,
                limit=HISTORY_PAGE, cursor=cursor,
            )
            for message in response.get("messages") or []:
                if _tagged(message, occurrence):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        raise HistoryUnreadable(f"fler än {HISTORY_PAGE * HISTORY_PAGES} meddelanden i {channel}")


def _tagged(message: Mapping[str, Any], occurrence: Mapping[str, str]) -> bool:
    """Return True when `message` carries this occurrence's metadata."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == EVENT_TYPE and all(
        str(payload.get(k)) == v for k, v in occurrence.items()
    )


def post_blocks(text: str, occurrence: Mapping[str, str]) -> list[Block]:
    """Return the post's blocks: its text, the note prompt and the "Genomförd ✅" button.

    >>> blocks = post_blocks("*HP-punkt*", {"schedule": "alfa", "nominal": "2026-12-04"})
    >>> [b["type"] for b in blocks], blocks[-1]["elements"][0]["value"]
    (['section', 'context', 'actions'], 'alfa|2026-12-04')
    """
    sections: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": part}}
                             for part in split_text(text)]
    # an APT's reminder marks its APT held: the meeting is the same
    value = f"{meeting_schedule(occurrence['schedule'])}|{occurrence['nominal']}"
    return [*sections, {"type": "context", "elements": [{"type": "mrkdwn", "text": NOTE_PROMPT}]},
            _held_button(value)]


def _held_button(value: str) -> Block:
    button = {"type": "button", "action_id": HELD, "style": "primary",
              "text": {"type": "plain_text", "text": HELD_LABEL, "emoji": True}, "value": value}
    return {"type": "actions", "block_id": HELD_BLOCK, "elements": [button]}


def held_blocks(blocks: list[Block], user: str, day: dt.date, value: str) -> list[Block]:
    """Return the post's `blocks` with the button replaced by who marked the meeting held, and
    when, beside an "Ångra" button (asking first) whose `value` is the button's.

    >>> done = held_blocks(post_blocks("x", {"schedule": "a", "nominal": "2026-12-04"}), "U1",
    ...                    dt.date(2026, 12, 4), "a|2026-12-04")
    >>> done[-1]["text"]["text"], done[-1]["accessory"]["text"]["text"]
    ('Genomförd ✅ av <@U1> fredag 4 december 2026', 'Ångra')
    """
    undo = {"type": "button", "action_id": HELD_UNDO, "value": value, "confirm": UNDO_CONFIRM,
            "text": {"type": "plain_text", "text": UNDO_LABEL}}
    line = {"type": "section", "block_id": HELD_BLOCK, "accessory": undo,
            "text": {"type": "mrkdwn", "text": HELD_TEXT.format(user=user, date=swedish_date(day))}}
    kept = [b for b in blocks if b.get("block_id") != HELD_BLOCK]
    return [*kept, line]


def unheld_blocks(blocks: list[Block], value: str) -> list[Block]:
    """Return the post's `blocks` with its "Genomförd ✅" button back in place of who pressed it.

    >>> post = post_blocks("x", {"schedule": "a", "nominal": "2026-12-04"})
    >>> unheld_blocks(held_blocks(post, "U1", dt.date(2026, 12, 4), "a|2026-12-04"), "a|2026-12-04") == post
    True
    """
    return [*[b for b in blocks if b.get("block_id") != HELD_BLOCK], _held_button(value)]


def parse_held_value(value: str) -> tuple[str, dt.date] | None:
    """Return (schedule, nominal date) of a "Genomförd ✅" button's value, None if malformed.

    >>> parse_held_value("alfa|2026-12-04"), parse_held_value("nonsens")
    (('alfa', datetime.date(2026, 12, 4)), None)
    """
    schedule, _, nominal = value.partition("|")
    try:
        return (schedule, dt.date.fromisoformat(nominal)) if schedule else None
    except ValueError:
        return None
