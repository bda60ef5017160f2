"""The Slack stand-in catches calls real Slack would reject, and passes valid ones."""

import json
import time
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.evaluation.slack_standin import SlackStandIn, block_kit_problems


@pytest.fixture()
def slack():
    """A running stand-in."""
    with SlackStandIn() as standin:
        yield standin


def _raw_post(slack: SlackStandIn, method: str, form: dict[str, str]) -> dict:
    """POST a form like an HTTP client that does not know the method would."""
    data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    req = urllib.request.Request(slack.url + method, data=data, headers={
        "Authorization": "Bearer xoxb-test",
        "Content-Type": "application/x-www-form-urlencoded",
    })
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read())


def test_valid_post_message_through_webclient_passes(slack: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.url)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hej*"}}]
    first = client.chat_postMessage(channel="C1", text="hej", blocks=blocks, thread_ts="1.2")
    second = client.chat_postMessage(channel="C1", text="igen")
    assert first["ok"] and first["channel"] == "C1"
    assert first["ts"] != second["ts"]
    call = slack.wait_for("chat.postMessage", 2)[0]
    assert call.args["blocks"] == blocks
    assert call.headers["authorization"] == "Bearer xoxb-test"
    assert slack.violations == []


def test_unknown_method_is_a_violation(slack: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.url)
    with pytest.raises(SlackApiError):
        client.api_call("chat.postMessagez", json={"channel": "C1"})
    assert slack.violations == ["chat.postMessagez: unknown method"]


def test_missing_required_argument_is_a_violation(slack: SlackStandIn) -> None:
    _raw_post(slack, "chat.postMessage", {"text": "hej"})
    assert slack.violations == ["chat.postMessage: missing required 'channel'"]


def test_unknown_argument_is_a_violation(slack: SlackStandIn) -> None:
    _raw_post(slack, "chat.postMessage", {"channel": "C1", "text": "x", "colour": "red"})
    assert slack.violations == ["chat.postMessage: unknown argument 'colour'"]


def test_missing_token_is_a_violation(slack: SlackStandIn) -> None:
    req = urllib.request.Request(slack.url + "auth.test", data=b"")
    urllib.request.urlopen(req, timeout=5).close()
    assert slack.violations == ["auth.test: no token"]


def test_newer_methods_are_checked_against_their_schema(slack: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.url)
    stream = client.chat_stream(channel="D1", thread_ts="1.2", buffer_size=1)
    stream.append(markdown_text="Hej ")
    stream.append(markdown_text="där")
    stream.stop(blocks=[{"type": "divider"}])
    client.assistant_threads_setStatus(channel_id="D1", thread_ts="1.2", status="tänker…")
    assert [c.method for c in slack.calls] == [
        "chat.startStream", "chat.appendStream", "chat.stopStream", "assistant.threads.setStatus"
    ]
    assert slack.violations == []
    client.api_call("chat.appendStream", json={"channel": "D1", "text": "x"})
    assert any("'ts' is a required property" in v for v in slack.violations)
    assert any("'text' was unexpected" in v for v in slack.violations)


def test_block_kit_limits_are_checked() -> None:
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    assert block_kit_problems(too_long) == ["section 0 text 3001 > 3000 chars"]
    assert block_kit_problems([{"type": "divider"}] * 51) == ["51 blocks > 50"]


def test_injected_rate_limit_is_retried_by_the_retry_handler(slack: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    started = time.monotonic()
    client.chat_postMessage(channel="C1", text="hej")
    assert len(slack.rejected) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert time.monotonic() - started < 3


def test_injected_server_error_surfaces_without_retry_handler(slack: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.url)
    slack.fail_next("chat.update", status=503)
    with pytest.raises(SlackApiError):
        client.chat_update(channel="C1", ts="1.2", text="x")
    assert slack.calls_to("chat.update") == []


def test_set_response_and_reset(slack: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.url)
    slack.set_response("conversations.replies", {"ok": True, "messages": [{"ts": "1.2"}]})
    assert client.conversations_replies(channel="C1", ts="1.2")["messages"] == [{"ts": "1.2"}]
    slack.reset()
    assert slack.calls == []
    assert client.conversations_replies(channel="C1", ts="1.2")["messages"] == []


def test_response_url_is_recorded(slack: SlackStandIn) -> None:
    req = urllib.request.Request(
        slack.response_url(), data=json.dumps({"text": "hej"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=5).close()
    assert slack.wait_for("response_url")[0].args == {"text": "hej"}
    assert slack.violations == []


def test_wait_for_times_out_with_a_clear_message(slack: SlackStandIn) -> None:
    with pytest.raises(AssertionError, match="chat.postMessage not received"):
        slack.wait_for("chat.postMessage", timeout=0.1)
