"""End to end over real HTTP: signed Slack requests in, Web API calls out to the stand-in.

The server is the adapter `bot serve --http` runs; the Bolt app and its WebClient are
the real ones, pointed at the stand-in through SLACK_API_URL.
"""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.answer.types import Answer, Source, Turn
from bot.cli import app as cli_app
from bot.errors import IndexMissing
from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.search.text import detect_language
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.store.db import make_engine

SECRET = "test-signing-secret"
SOURCES = (
    Source("respekttrappan", "Respekttrappan", "Steg 3 > Lyssna", 0.9, "…",
           url="https://example.org/respekttrappan"),
    Source("horisontella-principer", "Horisontella principer", "Jämställdhet", 0.7, "…"),
)


class FakeAnswerer:
    """Answers every question with two sources; remembers what it was asked."""

    def __init__(self, text: str = "Respekttrappan har sju steg [1], se även [2].",
                 delay: float = 0.0, error: Exception | None = None) -> None:
        self.text, self.delay, self.error = text, delay, error
        self.asked: list[tuple[str, tuple[Turn, ...]]] = []

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Return the canned answer (after `delay`), or raise `error`."""
        self.asked.append((question, tuple(history)))
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return Answer(question, self.text, refused=False,
                      language=detect_language(question), sources=SOURCES)


@dataclass
class Bot:
    """A running bot: its HTTP address, the stand-in and the fake answerer."""

    slack: SlackStandIn
    url: str
    answerer: FakeAnswerer
    engine: Engine
    counter: list[int] = field(default_factory=lambda: [0])

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None,
             sign: bool = True) -> tuple[int, str]:
        """POST a (signed) request to /slack/events; return status and body."""
        all_headers = {"Content-Type": content_type}
        all_headers.update(signed_headers(SECRET, body) if sign else {})
        all_headers.update(headers or {})
        req = urllib.request.Request(self.url, data=body.encode(), headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def event(self, event: dict[str, Any], event_id: str | None = None,
              headers: dict[str, str] | None = None, sign: bool = True) -> int:
        """Send an Events API callback; return the HTTP status."""
        self.counter[0] += 1
        body = json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id or f"Ev{self.counter[0]:08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
            "event": {"team": "T1", "event_ts": event["ts"], **event},
        })
        return self.post(body, "application/json", headers, sign)[0]

    def command(self, text: str) -> tuple[int, str]:
        """Send `/hp text` from U1 in C1."""
        form = {"command": "/hp", "text": text, "user_id": "U1", "channel_id": "C1",
                "team_id": "T1", "response_url": self.slack.response_url("cmd"),
                "trigger_id": "1.2.abc", "token": "legacy"}
        return self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str, channel: str = "C1") -> int:
        """Click a button of ours as U2."""
        payload = {"type": "block_actions", "user": {"id": "U2"}, "team": {"id": "T1"},
                   "api_app_id": "A1", "channel": {"id": channel},
                   "container": {"type": "message", "channel_id": channel},
                   "response_url": self.slack.response_url("action"), "trigger_id": "1.2.x",
                   "actions": [{"type": "button", "action_id": action_id, "value": value,
                                "block_id": f"answer-{value}", "action_ts": "1.2"}]}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")[0]


def make_settings(slack: SlackStandIn, tmp_path: Path, **overrides: Any) -> Settings:
    """Return test settings pointing at the stand-in and a temporary SQLite database."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET,
        "slack_api_url": slack.url, "database_url": f"sqlite:///{tmp_path}/hp.db",
        "answer_timeout_seconds": 5, **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def start_bot(slack: SlackStandIn, tmp_path: Path, answerer: FakeAnswerer,
              **overrides: Any) -> tuple[Bot, SlackHTTPServer]:
    """Build the app and serve it on a free port."""
    settings = make_settings(slack, tmp_path, **overrides)
    engine = make_engine(settings.database_url)
    server = SlackHTTPServer(build_app(settings, answerer, engine=engine), "127.0.0.1", 0,
                             signing_secret=SECRET)
    server.start()
    url = f"http://127.0.0.1:{server.port}/slack/events"
    return Bot(slack, url, answerer, engine), server


@pytest.fixture()
def bot(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    """A running bot with a fake answerer."""
    running, server = start_bot(slack, tmp_path, FakeAnswerer())
    yield running
    server.shutdown()


def mention(text: str = "<@UBOT> Vad är Respekttrappan?", ts: str = "100.000001",
            **extra: Any) -> dict[str, Any]:
    """Return an app_mention event by U1 in C1."""
    return {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1",
            **extra}


SENTINEL = mention(channel="C9", ts="900.000001")


def wait_for_sentinel(bot: Bot, slack: SlackStandIn, answers_before: int = 0) -> None:
    """Send an answerable mention in C9 and wait until its answer has streamed.

    Each earlier event reached Bolt's listener pool before its POST was acknowledged, so
    before the sentinel was sent; an ignored event returns at once, while the sentinel's
    answer takes several Web API calls. Once it has streamed, the earlier ones are done.
    """
    bot.event(SENTINEL)
    slack.wait_for("chat.stopStream", answers_before + 1)


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Return every text in `blocks`, joined."""
    return json.dumps(blocks, ensure_ascii=False)


def test_mention_is_answered_in_its_thread_with_sources(bot: Bot, slack: SlackStandIn) -> None:
    assert bot.event(mention()) == 200
    stop = slack.wait_for("chat.stopStream")[0]
    start = slack.calls_to("chat.startStream")[0]
    assert start.args["channel"] == "C1" and start.args["thread_ts"] == "100.000001"
    assert start.args["recipient_user_id"] == "U1" and start.args["recipient_team_id"] == "T1"
    streamed = "".join(c.args["markdown_text"] for c in slack.calls
                       if c.method in ("chat.startStream", "chat.appendStream"))
    assert streamed == FakeAnswerer().text
    blocks = all_text(stop.args["blocks"])
    assert "<https://example.org/respekttrappan|Respekttrappan> – Steg 3 &gt; Lyssna" in blocks
    assert "[2] Horisontella principer – Jämställdhet" in blocks
    assert "feedback_up" in blocks and "feedback_down" in blocks
    assert bot.answerer.asked == [("Vad är Respekttrappan?", ())]


def test_sign_of_work_comes_before_the_answer_and_goes_away(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention())
    slack.wait_for("reactions.remove")
    methods = [c.method for c in slack.calls if c.method != "auth.test"]
    assert methods.index("reactions.add") < methods.index("chat.startStream")
    added = slack.calls_to("reactions.add")[0].args
    assert added | {"team_id": "T1"} == {"channel": "C1", "timestamp": "100.000001",
                                         "name": "eyes", "team_id": "T1"}


def test_dm_is_answered_in_the_thread_its_question_roots(bot: Bot, slack: SlackStandIn) -> None:
    bot.event({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
               "text": "What is Respekttrappan?", "ts": "200.000001"})
    stop = slack.wait_for("chat.stopStream")[0]
    start = slack.calls_to("chat.startStream")[0]
    assert start.args["channel"] == "D1" and start.args["thread_ts"] == "200.000001"  # agent view
    assert slack.calls_to("assistant.threads.setStatus")[0].args["thread_ts"] == "200.000001"
    assert "Sources" in all_text(stop.args["blocks"])  # English question, English UI


def test_dm_in_an_assistant_thread_sets_status_then_streams(bot: Bot, slack: SlackStandIn) -> None:
    bot.event({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
               "text": "Vad är HP?", "ts": "200.000005", "thread_ts": "200.000001"})
    slack.wait_for("chat.stopStream")
    methods = [c.method for c in slack.calls]
    assert methods.index("assistant.threads.setStatus") < methods.index("chat.startStream")
    assert slack.calls_to("reactions.add") == []


def test_thread_follow_up_without_mention_uses_history(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention())
    slack.wait_for("chat.stopStream")
    slack.set_response("conversations.replies", {"ok": True, "has_more": False, "messages": [
        {"type": "message", "user": "U1", "text": "<@UBOT> Vad är Respekttrappan?",
         "ts": "100.000001", "thread_ts": "100.000001"},
        {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": "Sju steg [1].",
         "ts": "100.000005", "thread_ts": "100.000001"},
        {"type": "message", "user": "U1", "text": "och hur ofta då?", "ts": "100.000009",
         "thread_ts": "100.000001"},
    ]})
    bot.event({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
               "text": "och hur ofta då?", "ts": "100.000009", "thread_ts": "100.000001"})
    slack.wait_for("chat.stopStream", 2)
    assert bot.answerer.asked[1] == (
        "och hur ofta då?", (Turn("Vad är Respekttrappan?", "Sju steg [1]."),)
    )
    replies = slack.calls_to("conversations.replies")[0].args
    assert replies["channel"] == "C1" and replies["ts"] == "100.000001"


def test_ignores_other_threads_bots_edits_and_joins(bot: Bot, slack: SlackStandIn) -> None:
    base = {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1"}
    bot.event({**base, "text": "vi pratar", "ts": "300.000002", "thread_ts": "300.000001"})
    bot.event({**base, "text": "utan tråd", "ts": "300.000003"})
    bot.event({**base, "text": "jag är en bot", "ts": "300.000004", "bot_id": "BOTHER",
               "thread_ts": "300.000001"})
    bot.event({**base, "subtype": "channel_join", "text": "<@U1> gick med", "ts": "300.000005"})
    bot.event({"type": "message", "subtype": "message_changed", "channel": "D1",
               "channel_type": "im", "ts": "300.000006",
               "message": {"user": "U1", "text": "ändrad", "ts": "300.000001"}})
    bot.event({"type": "message", "channel_type": "im", "channel": "D1", "user": "UBOT",
               "bot_id": "BBOT", "text": "mitt eget svar", "ts": "300.000007"})
    wait_for_sentinel(bot, slack)
    assert [c for c in slack.calls if c.method != "auth.test" and c.args.get("channel") != "C9"] == []
    assert bot.answerer.asked == [("Vad är Respekttrappan?", ())]  # the sentinel's question only


def test_retried_event_is_answered_once(bot: Bot, slack: SlackStandIn) -> None:
    assert bot.event(mention(), event_id="EvSAME") == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert bot.event(mention(), event_id="EvSAME", headers=retry) == 200
    slack.wait_for("chat.stopStream")
    wait_for_sentinel(bot, slack, answers_before=1)
    assert [c.args["channel"] for c in slack.calls_to("chat.startStream")] == ["C1", "C9"]
    assert len(bot.answerer.asked) == 2  # the mention once, then the sentinel


def test_forged_signature_and_stale_timestamp_are_rejected(bot: Bot, slack: SlackStandIn) -> None:
    body = json.dumps({"type": "event_callback", "event_id": "EvX", "team_id": "T1",
                       "event": mention()})
    forged = signed_headers("wrong-secret", body)
    assert bot.post(body, "application/json", forged, sign=False)[0] == 401
    stale = signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60)
    assert bot.post(body, "application/json", stale, sign=False)[0] == 401
    assert bot.post(body, "application/json", sign=False)[0] == 401
    wait_for_sentinel(bot, slack)
    assert [c for c in slack.calls if c.method != "auth.test" and c.args.get("channel") != "C9"] == []
    assert len(bot.answerer.asked) == 1  # the sentinel


def test_rate_limited_stream_still_arrives(bot: Bot, slack: SlackStandIn) -> None:
    slack.fail_next("chat.startStream", status=429, retry_after=0)
    slack.fail_next("chat.stopStream", status=503)
    bot.event(mention())
    slack.wait_for("chat.stopStream", timeout=8)
    assert [c.method for c in slack.rejected] == ["chat.startStream", "chat.stopStream"]
    assert len(slack.calls_to("chat.startStream")) == 1


def test_rate_limited_post_still_arrives(bot: Bot, slack: SlackStandIn) -> None:
    slack.set_response("chat.startStream", {"ok": False, "error": "not_allowed_token_type"})
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    bot.event({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
               "text": "Vad är HP?", "ts": "200.000001"})
    post = slack.wait_for("chat.postMessage", timeout=8)[0]
    assert "Respekttrappan" in all_text(post.args["blocks"])


def test_streaming_unavailable_falls_back_to_post(bot: Bot, slack: SlackStandIn) -> None:
    slack.set_response("chat.startStream", {"ok": False, "error": "not_allowed_token_type"})
    bot.event(mention())
    post = slack.wait_for("chat.postMessage")[0]
    assert post.args["thread_ts"] == "100.000001"
    assert "Respekttrappan" in all_text(post.args["blocks"])


def test_broken_stream_is_completed_with_update(slack: SlackStandIn, tmp_path: Path) -> None:
    long_text = ("Ett stycke om horisontella principer och Respekttrappan [1]. " * 200).strip()
    running, server = start_bot(slack, tmp_path, FakeAnswerer(text=long_text))
    try:
        broken = {"ok": False, "error": "message_not_in_streaming_state"}
        slack.set_response("chat.appendStream", broken)
        running.event(mention())
        update = slack.wait_for("chat.update")[0]
        start_ts = slack.calls_to("chat.startStream")[0]
        assert update.args["ts"] == slack.calls_to("chat.appendStream")[0].args["ts"]
        assert start_ts.args["markdown_text"] in update.args["text"]
        sections = [b for b in update.args["blocks"] if b["type"] == "section"]
        assert len(update.args["blocks"]) <= 50 and len(sections) >= 4
    finally:
        server.shutdown()


def test_index_missing_gives_the_swedish_error_in_the_thread(slack: SlackStandIn,
                                                            tmp_path: Path) -> None:
    running, server = start_bot(slack, tmp_path, FakeAnswerer(error=IndexMissing()))
    try:
        running.event(mention())
        post = slack.wait_for("chat.postMessage")[0]
        assert post.args["thread_ts"] == "100.000001"
        assert "kunskapsbasen är inte indexerad" in post.args["text"]
        assert "bot index" not in post.args["text"]  # the details stay in the log
        slack.wait_for("reactions.remove")
    finally:
        server.shutdown()


def test_timeout_gives_a_message(slack: SlackStandIn, tmp_path: Path) -> None:
    running, server = start_bot(slack, tmp_path, FakeAnswerer(delay=1.0),
                                answer_timeout_seconds=0.2)
    try:
        running.event(mention())
        post = slack.wait_for("chat.postMessage")[0]
        assert "tog för lång tid" in post.args["text"]
    finally:
        server.shutdown()


def test_unexpected_error_gives_a_message(slack: SlackStandIn, tmp_path: Path) -> None:
    running, server = start_bot(slack, tmp_path, FakeAnswerer(error=RuntimeError("boom")))
    try:
        running.event(mention())
        post = slack.wait_for("chat.postMessage")[0]
        assert "Något gick fel" in post.args["text"] and "boom" not in post.args["text"]
    finally:
        server.shutdown()


def test_empty_mention_gets_help(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention("<@UBOT>"))
    post = slack.wait_for("chat.postMessage")[0]
    assert "/hp" in post.args["text"] and bot.answerer.asked == []


def test_slash_command_answers_ephemerally_and_shares(bot: Bot, slack: SlackStandIn) -> None:
    status, _ = bot.command("Vad är Respekttrappan?")
    assert status == 200
    answer = slack.wait_for("response_url", 2)[1].args
    assert answer["response_type"] == "ephemeral"
    share = next(el for b in answer["blocks"] if b["type"] == "actions" for el in b["elements"]
                 if el["action_id"] == "share_answer")
    assert share["text"]["text"] == "Dela i kanalen"
    assert bot.click("share_answer", share["value"]) == 200
    post = slack.wait_for("chat.postMessage")[0]
    assert post.args["channel"] == "C1" and "thread_ts" not in post.args
    assert "Respekttrappan" in all_text(post.args["blocks"])
    assert "Delat av <@U2>" in all_text(post.args["blocks"])
    assert slack.wait_for("response_url", 3)[2].args["delete_original"] is True


def test_slash_help(bot: Bot, slack: SlackStandIn) -> None:
    status, body = bot.command("hjälp")
    assert status == 200 and "Respekttrappan" in json.loads(body)["text"]
    status, body = bot.command("")
    assert status == 200 and "/hp" in json.loads(body)["text"]
    assert bot.answerer.asked == []


def test_slash_schedule_commands_are_routed(slack: SlackStandIn, tmp_path: Path) -> None:
    seen: list[tuple[str, str, str]] = []

    class Commands:
        def handle(self, text: str, user_id: str, channel_id: str) -> str | None:
            seen.append((text, user_id, channel_id))
            return "*Schema* inga poster" if text.startswith("schema") else None

    settings = make_settings(slack, tmp_path)
    app = build_app(settings, FakeAnswerer(), schedule_commands=Commands())
    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    try:
        running = Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", FakeAnswerer(),
                      make_engine(settings.database_url))
        running.command("schema")
        assert slack.wait_for("response_url")[0].args["text"] == "*Schema* inga poster"
        running.command("Vad är HP?")
        slack.wait_for("response_url", 3)
        assert seen == [("schema", "U1", "C1"), ("Vad är HP?", "U1", "C1")]
    finally:
        server.shutdown()


def test_a_failing_schedule_command_gets_the_swedish_error_only(slack: SlackStandIn, tmp_path: Path) -> None:
    class Broken:
        def handle(self, text: str, user_id: str, channel_id: str) -> str | None:
            raise ConnectionRefusedError("database at 10.0.0.5:5432 refused")

    settings = make_settings(slack, tmp_path)
    server = SlackHTTPServer(build_app(settings, FakeAnswerer(), schedule_commands=Broken()), "127.0.0.1", 0,
                             signing_secret=SECRET)
    server.start()
    try:
        running = Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", FakeAnswerer(),
                      make_engine(settings.database_url))
        running.command("paus")
        reply = slack.wait_for("response_url")[0].args["text"]
        assert reply.startswith(":warning: Något gick fel")
        assert "ConnectionRefusedError" not in reply and "10.0.0.5" not in reply
    finally:
        server.shutdown()


def test_feedback_click_is_stored_and_exported(bot: Bot, slack: SlackStandIn, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bot.event(mention())
    stop = slack.wait_for("chat.stopStream")[0]
    down = next(el for b in stop.args["blocks"] if b["type"] == "actions"
                for el in b["elements"] if el["action_id"] == "feedback_down")
    assert bot.click("feedback_down", down["value"]) == 200
    shown = slack.wait_for("response_url")[0].args  # the message, its 👎 marked as registered
    assert shown["replace_original"] and "👎 Registrerat" in all_text(shown["blocks"])
    monkeypatch.setenv("DATABASE_URL", str(bot.engine.url))
    out = tmp_path / "down.jsonl"
    result = CliRunner().invoke(cli_app, ["feedback", "--export", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == f"feedback-{down['value']}"
    assert record["question"] == "Vad är Respekttrappan?"
    assert [s["title"] for s in record["sources"]] == ["Respekttrappan", "Horisontella principer"]


def test_healthz_and_unknown_paths(bot: Bot) -> None:
    base = bot.url.removesuffix("/slack/events")
    with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
        assert resp.status == 200 and resp.read() == b"ok"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/nope", timeout=5)
    assert err.value.code == 404


def test_concurrent_mentions_are_all_answered(bot: Bot, slack: SlackStandIn) -> None:
    threads = [threading.Thread(target=bot.event, args=(mention(ts=f"400.00000{i}"),))
               for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    threads_answered = {c.args["thread_ts"] for c in slack.wait_for("chat.startStream", 5)}
    assert threads_answered == {f"400.00000{i}" for i in range(5)}


def test_url_verification_challenge_is_answered(bot: Bot, slack: SlackStandIn) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    status, text = bot.post(body, "application/json")
    assert status == 200 and "c-123" in text


def answered_thread(bot: Bot, slack: SlackStandIn) -> int:
    """Have the bot answer a mention in C1 (thread 100.000001); return the calls so far."""
    bot.event(mention())
    slack.wait_for("reactions.remove")  # the answer is out and the sign of work gone
    return len(slack.calls)


def in_thread(text: str, ts: str, thread_ts: str = "100.000001", **extra: Any) -> dict[str, Any]:
    """Return a message event by U1 in a thread of C1."""
    return {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
            "text": text, "ts": ts, "thread_ts": thread_ts, **extra}


def test_thanks_in_an_answered_thread_gets_a_reaction_not_an_answer(bot: Bot,
                                                                    slack: SlackStandIn) -> None:
    before = answered_thread(bot, slack)
    bot.event(in_thread("tack!", "100.000010"))
    bot.event(in_thread("Tack så mycket 🙏", "300.000010", thread_ts="300.000001"))  # not ours
    wait_for_sentinel(bot, slack, answers_before=1)
    slack.wait_for("reactions.add", 3)  # 👀 on the mention and the sentinel, 👍 on the thanks
    later = [c for c in slack.calls[before:] if c.args.get("channel") != "C9"]
    assert [c.method for c in later] == ["reactions.add"]
    assert (later[0].args["timestamp"], later[0].args["name"]) == ("100.000010", "+1")
    assert slack.calls_to("chat.postMessage") == []
    assert len(bot.answerer.asked) == 2  # the mention, then the sentinel


def test_a_message_to_a_colleague_in_an_answered_thread_gets_nothing(bot: Bot,
                                                                     slack: SlackStandIn) -> None:
    before = answered_thread(bot, slack)
    bot.event(in_thread("Kan du ta med fika imorgon, Anna?", "100.000011"))
    bot.event(in_thread("<@U2> kan du kolla det här?", "100.000012"))
    bot.event(in_thread("Jag bokar rummet", "100.000013"))
    bot.event(in_thread("Har någon bokat rummet till torsdag?", "100.000014"))
    wait_for_sentinel(bot, slack, answers_before=1)
    assert [c.method for c in slack.calls[before:] if c.args.get("channel") != "C9"] == []
    assert len(bot.answerer.asked) == 2  # the mention, then the sentinel


def test_thanks_in_a_dm_gets_a_reaction_and_the_rest_an_answer(bot: Bot, slack: SlackStandIn) -> None:
    dm = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1"}
    bot.event({**dm, "text": "Tack, det hjälpte!", "ts": "200.000001"})
    bot.event({**dm, "text": "jag läser om steg 3 nu", "ts": "200.000002"})  # still answered
    slack.wait_for("chat.stopStream")
    wait_for_sentinel(bot, slack, answers_before=1)
    thanks = [c.args for c in slack.calls_to("reactions.add") if c.args["name"] == "+1"]
    assert [(a["channel"], a["timestamp"]) for a in thanks] == [("D1", "200.000001")]
    assert [q for q, _ in bot.answerer.asked] == ["jag läser om steg 3 nu", "Vad är Respekttrappan?"]


def edit(new_text: str, old_text: str, ts: str = "100.000001", **message: Any) -> dict[str, Any]:
    """Return the `message_changed` event of U1 editing their message `ts` in C1."""
    return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": "C1",
            "channel_type": "channel", "ts": f"{ts}9",
            "message": {"type": "message", "user": "U1", "text": new_text, "ts": ts,
                        "edited": {"user": "U1", "ts": f"{ts}9"}, **message},
            "previous_message": {"type": "message", "user": "U1", "text": old_text, "ts": ts}}


def test_an_edited_question_updates_its_answer_in_place(bot: Bot, slack: SlackStandIn) -> None:
    answered_thread(bot, slack)
    stop = slack.calls_to("chat.stopStream")[0].args
    old_id = next(el["value"] for b in stop["blocks"] if b["type"] == "actions"
                  for el in b["elements"])
    bot.answerer.text = "Steg 6 är att kränka någon [1]."
    changed = edit("<@UBOT> Vad är steg 6 i Respekttrappan?", "<@UBOT> Vad är Respekttrappan?")
    bot.event(changed, event_id="EvEDIT")
    bot.event(changed, event_id="EvEDIT", headers={"X-Slack-Retry-Num": "1"})  # deduplicated
    update = slack.wait_for("chat.update")[0].args
    wait_for_sentinel(bot, slack, answers_before=1)
    assert len(slack.calls_to("chat.update")) == 1
    assert update["channel"] == "C1" and update["ts"] == stop["ts"]
    assert update["text"] == "Steg 6 är att kränka någon [1]."
    assert "Steg 6 är att kränka någon" in all_text(update["blocks"])
    assert old_id not in all_text(update["blocks"])  # new buttons: votes go to the new answer
    assert [c.args["channel"] for c in slack.calls_to("chat.startStream")] == ["C1", "C9"]
    assert slack.calls_to("chat.postMessage") == []
    assert bot.answerer.asked[1] == ("Vad är steg 6 i Respekttrappan?", ())
    bot.answerer.text = "Steg 7 är förintelse [1]."  # a second edit updates the same message
    bot.event(edit("<@UBOT> Och steg 7?", "<@UBOT> Vad är steg 6 i Respekttrappan?"))
    second = slack.wait_for("chat.update", 2)[1].args
    assert second["ts"] == stop["ts"] and second["text"] == "Steg 7 är förintelse [1]."


def test_edits_the_bot_did_not_answer_are_ignored(bot: Bot, slack: SlackStandIn) -> None:
    before = answered_thread(bot, slack)
    bot.event(edit("Vad är HP?", "Vad är HP", ts="100.000013", thread_ts="100.000001"))
    bot.event(edit("<@UBOT> Vad är Respekttrappan?", "<@UBOT> Vad är Respekttrappan?"))  # unfurl
    stop_ts = slack.calls_to("chat.stopStream")[0].args["ts"]
    bot.event({**edit("Sju steg, uppdaterat.", "Sju steg.", ts=stop_ts), "message": {
        "type": "message", "user": "UBOT", "bot_id": "BBOT", "text": "Sju steg, uppdaterat.",
        "ts": stop_ts}})  # our own answer changing
    wait_for_sentinel(bot, slack, answers_before=1)
    assert [c.method for c in slack.calls[before:] if c.args.get("channel") != "C9"] == []
    assert len(bot.answerer.asked) == 2


def test_a_click_is_acknowledged_while_many_questions_are_being_answered(
        slack: SlackStandIn, tmp_path: Path) -> None:
    """Bolt has 5 listener threads; questions waiting for answers must not hold them (404 to clicks)."""
    running, server = start_bot(slack, tmp_path, FakeAnswerer(delay=4.0))
    try:
        for n in range(8):
            assert running.event(mention(ts=f"300.00000{n}")) == 200
        started = time.monotonic()
        assert running.click("feedback_up", "0123456789abcdef0123456789abcdef") == 200
        assert time.monotonic() - started < 2.5  # Bolt gives a listener 3 s to acknowledge
    finally:
        server.shutdown()
