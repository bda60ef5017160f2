"""Every command names what is wrong in one Swedish line, with one exit code per kind of error."""

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


def closed_port() -> int:
    """Return a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_serve_with_slack_unreachable_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hp.db'}")
    monkeypatch.setenv("SCHEDULES_FILE", str(tmp_path / "none.yaml"))
    code, output = run("serve", "--http", "--port", "0")
    assert code == 1
    assert output.startswith("Fel: Slack (http://127.0.0.1:") and "Traceback" not in output
    assert len(output.strip().splitlines()) <= 2  # one line (rich may wrap it once)


def test_a_missing_setting_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run("serve", "--http")
    assert code == 2 and "SLACK_BOT_TOKEN" in output and "Traceback" not in output


def test_post_due_without_a_schedules_file_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCHEDULES_FILE", str(tmp_path / "saknas.yaml"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hp.db'}")
    code, output = run("post-due", "--dry-run")
    assert code == 2 and "saknas.yaml" in output and "Traceback" not in output
