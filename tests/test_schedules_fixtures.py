"""Shared helpers of the schedule tests (no tests here): knowledge files, a fake retriever."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from slack_sdk import WebClient

from bot.answer.types import Source
from bot.errors import IndexMissing
from bot.schedules.config import Schedule
from bot.schedules.engine import ScheduleEngine
from bot.settings import Settings
from bot.store.db import open_database
from bot.wiring import build_schedule_engine

STHLM = ZoneInfo("Europe/Stockholm")
STEP_NAMES = ["Tänk!", "Lär!", "Quizza!", "Upplev!", "Reflektera!", "Kartlägg!", "Gör!"]


def at(text: str) -> dt.datetime:
    """Return a Stockholm-local aware datetime from "YYYY-MM-DD HH:MM"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=STHLM)


def write_knowledge(folder: Path) -> Path:
    """Write a small respekttrappan.yaml with the real schema; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    steps = [
        {
            "number": n,
            "name": name,
            "core_idea": f"Kärnidé för steg {n} & mer.",
            "at_apt": f"Så gör ni steg {n} på APT.",
            "url": f"https://respekttrappan.se/steg-{n}",
        }
        for n, name in enumerate(STEP_NAMES, start=1)
    ]
    data = {
        "title": "Respekttrappan",
        "organisation": "SBAB och Make Equal",
        "type": "Metod",
        "url": "https://respekttrappan.se",
        "sources": ["https://respekttrappan.se"],
        "intro": "Sju steg.",
        "steps": steps,
    }
    (folder / "respekttrappan.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


class FakeRetriever:
    """Returns one canned passage per query; records the queries."""

    def __init__(self, missing: bool = False) -> None:
        self.missing = missing
        self.queries: list[str] = []

    def search(self, query: str, k: int) -> list[Source]:
        """Return a passage naming the query, or raise IndexMissing."""
        self.queries.append(query)
        if self.missing:
            raise IndexMissing()
        text = f"Ett citat om {query.split()[0]}: kvinnor <och> män."
        return [Source("hp", "Horisontella principer", "HP > Citat", 0.9, text, "https://esf.se")]


def schedule(**overrides: Any) -> Schedule:
    """Return a valid schedule (weekly Friday 09:00 HP-punkt) with `overrides`."""
    values: dict[str, Any] = {
        "name": "alfa",
        "kind": "hp",
        "channel": "C1",
        "weekday": "fredag",
        "time": "09:00",
        "start_date": dt.date(2026, 1, 1),
    }
    return Schedule.model_validate({**values, **overrides})


def write_schedules(path: Path, entries: list[dict[str, Any]]) -> Path:
    """Write a schedules.yaml with `entries` (dates and times as YAML strings)."""
    path.write_text(yaml.safe_dump({"schedules": entries}, allow_unicode=True, sort_keys=False))
    return path


def settings_for(
    tmp: Path, database_url: str, slack_url: str = "http://127.0.0.1:9/api/", **overrides: Any
) -> Settings:
    """Return Settings for a test: tmp knowledge and schedules, the given database."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "knowledge_dir": write_knowledge(tmp / "knowledge"),
        "schedules_file": tmp / "schedules.yaml",
        "slack_api_url": slack_url,
        "slack_bot_token": "xoxb-test",
        "admin_user_ids": ["UADMIN"],
        "catchup_grace_hours": 6,
    }
    return Settings(_env_file=None, **{**values, **overrides})


def client_for(slack_url: str) -> WebClient:
    """Return a WebClient talking to the stand-in."""
    return WebClient(token="xoxb-test", base_url=slack_url)


def build_engine(
    settings: Settings,
    client: WebClient | None,
    schedules: list[Schedule] | None = None,
    retriever: Any = None,
) -> ScheduleEngine:
    """Build the schedule engine as `bot serve` wires it, over the settings' database."""
    return build_schedule_engine(
        settings, open_database(settings.database_url), retriever, client, schedules
    )
