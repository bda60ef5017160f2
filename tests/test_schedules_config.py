"""schedules.yaml: valid files load, mistakes name the entry, the field and the line."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.schedules.config import load_schedules, parse_schedules

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
schedules:
  - name: projekt-alfa
    kind: hp
    channel: C1
    weekday: fredag
    time: "09:00"
    start_date: 2026-01-02
  - name: apt
    kind: apt
    channel: C2
    weekday: Monday
    time: 10:30
    week_of_month: last
    timezone: Europe/Stockholm
    start_date: 2026-01-01
    holiday_policy: next_workday
    start_step: 3
"""


def test_valid_file_loads_with_defaults() -> None:
    """Defaults: Stockholm time, skip holidays, every week; unquoted 10:30 is a time."""
    alfa, apt = parse_schedules(GOOD)
    assert (alfa.weekday, alfa.time, alfa.every_weeks) == (4, dt.time(9, 0), 1)
    assert (alfa.timezone, alfa.holiday_policy, alfa.first_step) == ("Europe/Stockholm", "skip", 1)
    assert (apt.weekday, apt.time, apt.week_of_month, apt.first_step) == (0, dt.time(10, 30), -1, 3)


def test_example_file_validates() -> None:
    """The shipped, commented example is a valid configuration."""
    schedules = load_schedules(ROOT / "schedules.example.yaml")
    assert {s.kind for s in schedules} == {"hp", "apt"}
    assert any(s.week_of_month == -1 for s in schedules)
    assert any(s.every_weeks == 2 for s in schedules)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("weekday: fredag", "weekday: fredagg"), "fält 'weekday' (rad 6): okänd veckodag"),
        (('time: "09:00"', 'time: "25:00"'), "fält 'time' (rad 7): ogiltig tid"),
        (("kind: hp", "kind: möte"), "fält 'kind' (rad 4)"),
        (("    channel: C1\n", ""), "fält 'channel'"),
        (("start_date: 2026-01-02", "start_date: 2026-13-02"), "fält 'start_date'"),
        (("kind: hp", "kind: hp\n    timezone: Europe/Stokholm"), "okänd tidszon"),
        (("kind: hp", "kind: hp\n    start_step: 2"), "'start_step' gäller bara kind: apt"),
        (("kind: hp", "kind: hp\n    veckodag: fredag"), "fält 'veckodag' (rad 5): okänt fält"),
        (("kind: hp", "kind: hp\n    every_weeks: 0"), "fält 'every_weeks'"),
    ],
)
def test_mistakes_name_entry_field_and_line(change: tuple[str, str], expected: str) -> None:
    """Each error message starts with file and entry, then the field and its line."""
    with pytest.raises(ConfigError) as error:
        parse_schedules(GOOD.replace(*change, 1))
    message = str(error.value)
    assert message.startswith("schedules.yaml: schema 'projekt-alfa'")
    assert expected in message


def test_step_out_of_range_names_the_apt_entry() -> None:
    """start_step must be 1–7."""
    with pytest.raises(ConfigError, match=r"schema 'apt', fält 'start_step' \(rad 18\)"):
        parse_schedules(GOOD.replace("start_step: 3", "start_step: 8"))


def test_yaml_syntax_error_gives_the_line() -> None:
    """A YAML syntax error names the line."""
    with pytest.raises(ConfigError, match=r"^schedules.yaml:6: ogiltig YAML"):
        parse_schedules(GOOD.replace("channel: C1", "channel: [C1"))


def test_duplicate_names_and_bad_shape() -> None:
    """Names are unique; the file is a mapping with a `schedules:` list."""
    with pytest.raises(ConfigError, match="'apt': namnet används två gånger"):
        parse_schedules(GOOD.replace("name: projekt-alfa", "name: apt"))
    with pytest.raises(ConfigError, match="'schedules:'"):
        parse_schedules("- name: x\n")
    with pytest.raises(ConfigError, match="schema nr 1: ska vara en mappning"):
        parse_schedules("schedules:\n  - just text\n")
    assert parse_schedules("") == []


def test_missing_file() -> None:
    """A missing file is an error for the CLI and an empty list for `bot serve`."""
    with pytest.raises(ConfigError, match="finns inte"):
        load_schedules(Path("/nonexistent/schedules.yaml"))
    assert load_schedules(Path("/nonexistent/schedules.yaml"), missing_ok=True) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "command", [["post-due"], ["schedules"], ["preview", "hp", "--schedule", "projekt-alfa"]]
)
def test_cli_malformed_file_exits_2_without_traceback(tmp_path: Path, command: list[str]) -> None:
    """`bot post-due` etc. on a malformed file: exit code 2, entry and field, no traceback."""
    path = tmp_path / "schedules.yaml"
    path.write_text(GOOD.replace("weekday: fredag", "weekday: fredagg"), encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "SCHEDULES_FILE": str(path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hp.db'}",
        "SLACK_BOT_TOKEN": "xoxb-test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "schema 'projekt-alfa', fält 'weekday' (rad 6)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
