"""`bot post-due`, `bot schedules` and `bot preview` end to end, against the stand-in."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import wiring
from bot.cli import app
from bot.evaluation.slack_standin import SlackStandIn
from tests.test_schedules_fixtures import FakeRetriever, write_knowledge, write_schedules

ENTRIES = [
    {
        "name": "alfa",
        "kind": "hp",
        "channel": "C1",
        "weekday": "fredag",
        "time": "09:00",
        "start_date": "2026-01-01",
        "holiday_policy": "next_workday",
    },
    {
        "name": "apt",
        "kind": "apt",
        "channel": "C2",
        "weekday": "fredag",
        "time": "10:00",
        "week_of_month": 3,
        "start_date": "2026-01-01",
        "start_step": 2,
        "agenda_days_before": 0,  # on the day of the meeting: the default, a week before, is tested below
    },
]


@pytest.fixture()
def slack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The stand-in, and the environment `bot` reads its settings from."""
    with SlackStandIn() as standin:
        monkeypatch.setenv("SLACK_API_URL", standin.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hp.db'}")
        monkeypatch.setenv("SCHEDULES_FILE", str(write_schedules(tmp_path / "s.yaml", ENTRIES)))
        monkeypatch.setenv("KNOWLEDGE_DIR", str(write_knowledge(tmp_path / "knowledge")))
        monkeypatch.setenv("LOG_LEVEL", "WARNING")
        # The real retriever needs a built index; the CLI gets the test's small fake.
        monkeypatch.setattr(wiring.Services, "retriever", property(lambda self: FakeRetriever()))
        yield standin
        assert standin.violations == []


def bot(*args: str):
    """Run `bot ARGS` in-process; return the click Result."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("kind", "name", "now"), [("hp", "alfa", "09:00"), ("apt", "apt", "10:00")])
def test_preview_prints_exactly_what_post_due_posts(slack, kind: str, name: str, now: str) -> None:
    """The preview of 2026-12-18 is byte for byte the message that goes out then."""
    preview = bot("preview", kind, "--schedule", name, "--date", "2026-12-18", "--now", "2026-12-18T08:00")
    assert preview.exit_code == 0, preview.stderr
    assert "fredag 18 december 2026" in preview.stderr
    result = bot("post-due", "--now", f"2026-12-18T{now}")
    assert result.exit_code == 0, result.stderr
    texts = [c.args["text"] for c in slack.calls_to("chat.postMessage")]
    assert preview.stdout == texts[-1] + "\n"


def test_preview_of_a_later_date_counts_the_posts_before_it(slack) -> None:
    """The post of 8 January comes after that of 18 December (25 December and 1 January are skipped)."""
    preview = bot("preview", "hp", "--schedule", "alfa", "--date", "2027-01-04", "--now", "2026-12-17T12:00")
    assert "HP-punkt: Tillgänglighet" in preview.stdout
    assert "fredag 8 januari 2027 kl. 09:00" in preview.stderr


def test_preview_errors(slack) -> None:
    """Unknown schedule or wrong kind: exit 2 with a message."""
    result = bot("preview", "hp", "--schedule", "nope")
    assert result.exit_code == 2 and "schemat 'nope' finns inte" in result.stderr
    result = bot("preview", "hp", "--schedule", "apt")
    assert result.exit_code == 2 and "är av typen apt" in result.stderr


def test_post_due_dry_run_prints_and_claims_nothing(slack) -> None:
    """--dry-run prints the text; a real run afterwards still posts it."""
    dry = bot("post-due", "--now", "2026-12-18T10:30", "--dry-run")
    assert dry.exit_code == 0
    assert "skulle postas: alfa 2026-12-18 09:00 (C1)" in dry.stdout
    assert "Steg 2 av 7: Lär!" in dry.stdout
    assert slack.calls_to("chat.postMessage") == []
    real = bot("post-due", "--now", "2026-12-18T10:30")
    assert real.stdout.count("postat:") == 2
    assert bot("post-due", "--now", "2026-12-18T10:31").stdout.strip() == "Inget att posta."


def test_post_due_exit_code_1_when_a_post_failed(slack) -> None:
    """A failure that outlasts the client's own retries is reported (exit 1) and retried by the next run."""
    slack.fail_next("chat.postMessage", status=500, times=3)  # the WebClient retries a 5xx twice
    failed = bot("post-due", "--now", "2026-12-18T09:10")
    assert failed.exit_code == 1 and "misslyckades" in failed.stdout
    again = bot("post-due", "--now", "2026-12-18T09:11")
    assert again.exit_code == 0 and "postat: alfa" in again.stdout


def test_schedules_lists_upcoming_and_missed(slack) -> None:
    """After three days down, `bot schedules` shows the missed posts next to upcoming ones."""
    bot("post-due", "--now", "2026-12-17T12:00")
    missed = bot("post-due", "--now", "2026-12-21T12:00")
    assert missed.stdout.count("missat:") == 2
    listing = bot("schedules", "--now", "2026-12-21T12:00")
    assert listing.exit_code == 0
    out = listing.stdout
    assert "Kommande inlägg" in out and "2027-01-08 09:00" in out and "2027-01-15 10:00" in out
    assert "hoppas över: juldagen" in out and "hoppas över: nyårsdagen" in out
    assert "Missade och misslyckade" in out and "2026-12-18 09:00" in out
    assert out.count("missat") == 2


def test_bad_now_is_a_usage_error(slack) -> None:
    """--now must be ISO 8601."""
    result = bot("post-due", "--now", "fredag")
    assert result.exit_code == 2 and "ISO 8601" in result.stderr


def test_missing_token_is_a_clear_error(slack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Posting needs SLACK_BOT_TOKEN; a dry run does not."""
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    result = bot("post-due", "--now", "2026-12-18T09:00")
    assert result.exit_code == 2 and "SLACK_BOT_TOKEN saknas" in result.stderr
    assert bot("post-due", "--now", "2026-12-18T09:00", "--dry-run").exit_code == 0
