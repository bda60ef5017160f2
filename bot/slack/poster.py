"""The scheduled posts' way into Slack: one `chat.postMessage` that waits out rate limits."""

from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler


class SlackPoster:
    """Posts with a `WebClient` that waits out rate limits (Retry-After) before failing."""

    def __init__(self, client: WebClient) -> None:
        if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
            client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        self.client = client

    def post(self, channel: str, text: str) -> str:
        """Post `text` to `channel` and return the message timestamp."""
        response = self.client.chat_postMessage(
            channel=channel, text=text, mrkdwn=True, unfurl_links=False, unfurl_media=False
        )
        return str(response["ts"])
