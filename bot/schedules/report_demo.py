"""A simulated year of scheduled posts, for the README's sample report (`bot report --simulate`).

Every post of the schedules goes out through the real `ScheduleEngine` (claims, rotation,
Respekttrappan steps) to a poster that only hands out timestamps; then, in order, most
meetings are marked held as "Genomförd ✅" would, a few get a note in their thread, and
staff ask the bot some questions. Which ones is fixed, so the sample is the same each run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine

from bot.answer.types import Answer
from bot.schedules.claims import ScheduleStore
from bot.schedules.config import Schedule
from bot.schedules.content import Composer
from bot.schedules.engine import ScheduleEngine
from bot.schedules.recurrence import posts
from bot.search.types import Source
from bot.store.answers import AnswerLog
from bot.store.traces import PostKey, PostTraces, meeting_schedule

NOT_HELD_EVERY = 6  # every 6th meeting is not marked held (cancelled, or nobody pressed)
NOTE_EVERY = 5  # every 5th held meeting leaves a note
NOTES = (
    "Vi gick igenom hur kallelsen kan skickas i tillgängligt format.",
    "Diskuterade fördelningen av talartid på mötena; vi provar en talarlista.",
    "Pratade om vem som gör vad i projektet – vi ser över rollerna till hösten.",
    "Tog upp språket i annonserna; HR hjälper oss att granska dem.",
    "Gick igenom steget i Respekttrappan; flera kände igen sig i exemplen.",
)
QUESTIONS = (  # (document id, title, how many questions)
    ("respekttrappan", "Respekttrappan", 14),
    ("diskrimineringslagen", "Diskrimineringslagen", 11),
    ("horisontella-principer", "De horisontella principerna", 9),
    ("apt", "APT – arbetsplatsträff", 6),
)


class _Timestamps:
    """A poster that posts nothing and hands out Slack-like timestamps."""

    def __init__(self) -> None:
        self._count = itertools.count(1)

    def post(self, channel: str, text: str, occurrence: Mapping[str, str] | None = None) -> str:
        return f"1767225600.{next(self._count):06d}"

    def find(self, channel: str, occurrence: Mapping[str, str], since: dt.datetime) -> str | None:
        return None


def simulate_year(engine: Engine, schedules: list[Schedule], year: int, knowledge_dir: Path) -> int:
    """Post a year of `schedules` into `engine`, mark meetings held, add notes and questions.

    Returns how many posts went out.
    """
    store, traces = ScheduleStore(engine), PostTraces(engine)
    runner = ScheduleEngine(schedules, store, Composer(knowledge_dir, None), _Timestamps(), grace=dt.timedelta(hours=6))
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year, 12, 31, 23, 59, tzinfo=dt.UTC)
    due = sorted({o.due_at for s in schedules for o in posts(s, start, end)})
    meetings, posted = itertools.count(), 0
    for now in due:
        for outcome in runner.post_due(now):
            if outcome.status != "posted":
                continue
            posted += 1
            occ = outcome.occurrence
            if occ.kind == "reminder":
                continue  # its APT is marked through the agenda
            n = next(meetings)
            if n % NOT_HELD_EVERY == NOT_HELD_EVERY - 1:
                continue
            key = PostKey(meeting_schedule(occ.schedule), occ.nominal, occ.channel)
            traces.mark_held(key, "U0DEMO", occ.meeting_at + dt.timedelta(hours=1))
            if n % NOTE_EVERY == 0:
                traces.add_note(
                    key, f"{n}.000001", NOTES[n // NOTE_EVERY % len(NOTES)], occ.meeting_at + dt.timedelta(hours=2)
                )
    _questions(engine, year)
    return posted


def _questions(engine: Engine, year: int) -> None:
    """Store the year's sample questions, spread over the months."""
    log = AnswerLog(engine, "demo")
    numbers = itertools.count()
    for doc_id, title, count in QUESTIONS:
        for _ in range(count):
            n = next(numbers)
            when = dt.datetime(year, n % 12 + 1, n % 27 + 1, 10, tzinfo=dt.UTC)
            source = Source(doc_id, title, "", 0.9, "")
            answer = Answer(
                question="(exempelfråga)", text="Svar [1].", refused=False, language="sv", sources=(source,)
            )
            log.record(answer, channel="D0DEMO", thread_ts=None, user_id=f"U{n % 7}", now=when)
