"""The agent DM over real HTTP: suggested prompts, thread titles, loading statuses, the manifest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.evaluation.slack_standin import NEWER_METHODS, SlackStandIn
from bot.search.index import KnownDocument
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.slack.texts import SUGGESTED_PROMPTS
from bot.store.db import make_engine
from tests.test_slack_http import SECRET, Bot, FakeAnswerer, make_settings

pytestmark = pytest.mark.timeout(60)
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"


class AllDocuments:
    """An index holding every document the suggested prompts are about."""

    def documents(self) -> list[KnownDocument]:
        """Return one document per prompt topic."""
        return [KnownDocument(doc_id, title) for doc_id, title, _ in SUGGESTED_PROMPTS]

    def indexed_at(self) -> None:
        """Unknown."""
        return None


@pytest.fixture()
def bot(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    """A running bot whose index holds every prompt's document."""
    settings = make_settings(slack, tmp_path)
    engine = make_engine(settings.database_url)
    answerer = FakeAnswerer()
    catalog = AllDocuments()
    server = SlackHTTPServer(build_app(settings, answerer, engine=engine, knowledge=lambda: catalog),
                             "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    yield Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", answerer, engine)
    server.shutdown()


def dm(text: str, ts: str, **extra: str) -> dict[str, str]:
    """Return a message event by U1 in the app's DM."""
    return {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": text, "ts": ts,
            **extra}


def test_opening_the_agent_dm_sets_suggested_prompts_without_thread_ts(bot: Bot, slack: SlackStandIn) -> None:
    bot.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages", "ts": "1.000001"})
    (call,) = slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert call.args["channel_id"] == "D1" and "thread_ts" not in call.args  # agent_view: no thread_ts
    prompts = call.args["prompts"]
    assert 3 <= len(prompts) <= 4 and all(set(p) == {"title", "message"} for p in prompts)
    assert prompts[0]["message"] == "Vad är Respekttrappan?"
    assert slack.calls_to("views.publish") == []  # the Messages tab is no Home tab


def test_the_first_question_of_a_thread_titles_it_masked(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(dm("Mitt personnummer är 19900101-0017 – vilka diskrimineringsgrunder finns?", "300.000001"))
    (title,) = slack.wait_for("assistant.threads.setTitle")
    assert title.args["channel_id"] == "D1" and title.args["thread_ts"] == "300.000001"
    assert title.args["title"].startswith("Mitt personnummer är [personnummer]")
    assert "19900101" not in str(title.args) and len(title.args["title"]) <= 60
    slack.wait_for("chat.stopStream")  # the question itself is answered, in its thread

    bot.event(dm("och vad gäller för ålder?", "300.000005", thread_ts="300.000001"))
    bot.event(dm("tack!", "301.000001"))
    bot.event(dm("Vad är Respekttrappan?", "302.000001"))  # a new thread: the sentinel
    second = slack.wait_for("assistant.threads.setTitle", 2)[1]
    assert second.args == {**second.args, "thread_ts": "302.000001", "title": "Vad är Respekttrappan?"}
    slack.wait_for("chat.stopStream", 3)  # the follow-up in the thread was answered too
    assert len(slack.calls_to("assistant.threads.setTitle")) == 2  # no title for a reply or for thanks


def test_answering_in_a_dm_thread_shows_swedish_loading_statuses(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(dm("Vad är HP?", "400.000005", thread_ts="400.000001"))
    (status,) = slack.wait_for("assistant.threads.setStatus")
    messages = status.args["loading_messages"]
    assert 2 <= len(messages) <= 10 and messages[0] == "Letar i dokumenten …"
    slack.wait_for("chat.stopStream")


def test_the_manifest_enables_the_home_tab_the_agent_view_and_their_events() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, scopes = manifest["features"], set(manifest["oauth_config"]["scopes"]["bot"])
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert features["agent_view"]["agent_description"] and "assistant_view" not in features
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    # setSuggestedPrompts and setTitle need assistant:write; users.conversations channels:read/groups:read
    assert {"assistant:write", "channels:read", "groups:read", "chat:write"} <= scopes
    assert "thread_ts" not in NEWER_METHODS["assistant.threads.setSuggestedPrompts"]["required"]
