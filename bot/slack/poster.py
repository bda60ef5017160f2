"""The scheduled posts' way into Slack: `chat.postMessage` with the occurrence as message metadata.

Each post carries `metadata` (event_type `hp_scheduled_post`, the occurrence id as its
payload), so a replica that finds a claim whose claimer died can look in the channel's
history for that occurrence before it posts again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler

EVENT_TYPE = "hp_scheduled_post"
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
        response = self.client.chat_postMessage(
            channel=channel, text=text, mrkdwn=True, unfurl_links=False, unfurl_media=False,
            metadata=metadata,
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
