"""The HP report for the annual report: what the scheduled posts and the bot left behind in a year.

Per project channel: the HP-punkter posted and marked held ("Genomförd ✅"), per principle;
the Respekttrappan steps taken up at APT and which were held; the notes left in the posts'
threads (masked when stored). For the whole organisation (or the one channel asked for):
how many questions staff asked the bot, by topic. No names and no question texts.

`build_report` is pure; `gather` reads the database; `bot.schedules.report_render` writes
Markdown and CSV, `bot.schedules.report_chart` the PNG chart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.schedules.config import Schedule
from bot.schedules.rotation import PRINCIPLES
from bot.store.topics import question_topics
from bot.store.traces import NoteFact, PostFact, notes_between, posts_between

LOCAL = ZoneInfo("Europe/Stockholm")
UNKNOWN = "okänd"  # a post made before the bot stored its principle
MEETING_KINDS = ("hp", "apt")  # the posts that carry an HP-punkt


@dataclass(frozen=True)
class AptStep:
    """One APT agenda: its date, the step it took up, and whether the APT was marked held."""

    nominal: dt.date
    step: int | None
    held: bool


@dataclass(frozen=True)
class ChannelReport:
    """One project channel's year."""

    channel: str
    schedules: tuple[str, ...]
    posted: Counter[str] = field(default_factory=Counter)  # HP-punkter posted, by principle
    held: Counter[str] = field(default_factory=Counter)  # … of which marked held
    held_by_month: Counter[tuple[int, str]] = field(default_factory=Counter)  # (month, principle)
    apts: tuple[AptStep, ...] = ()
    notes: tuple[NoteFact, ...] = ()

    @property
    def steps_held(self) -> list[int]:
        """Return the Respekttrappan steps held at APT, in the order they were held."""
        return [a.step for a in self.apts if a.held and a.step is not None]


@dataclass(frozen=True)
class Report:
    """The year's report: per channel, and the questions asked by topic."""

    year: int
    channel: str | None  # the one channel asked for, or None: all
    channels: tuple[ChannelReport, ...]
    topics: tuple[tuple[str, int], ...]  # most asked first

    @property
    def questions(self) -> int:
        """Return how many questions were asked in all."""
        return sum(count for _, count in self.topics)

    def held_by_month(self) -> Counter[tuple[int, str]]:
        """Return held HP-punkter per (month, principle), over every channel."""
        total: Counter[tuple[int, str]] = Counter()
        for channel in self.channels:
            total.update(channel.held_by_month)
        return total


def build_report(
    year: int,
    posts: Iterable[PostFact],
    notes: Iterable[NoteFact],
    topics: Counter[str],
    schedules: Iterable[Schedule] = (),
    channel: str | None = None,
) -> Report:
    """Return the report of `year` from the stored posts, notes and question topics.

    >>> post = PostFact("C1", "alfa", "hp", dt.date(2026, 3, 6), "jämställdhet", None,
    ...                 dt.datetime(2026, 3, 6, 10, tzinfo=dt.UTC))
    >>> r = build_report(2026, [post], [], Counter({"APT": 2}))
    >>> r.channels[0].posted["jämställdhet"], r.channels[0].held_by_month[(3, "jämställdhet")], r.questions
    (1, 1, 2)
    """
    names: dict[str, list[str]] = {}
    for schedule in schedules:
        if channel is None or schedule.channel == channel:
            names.setdefault(schedule.channel, []).append(schedule.name)
    by_channel: dict[str, list[PostFact]] = {c: [] for c in names}
    for post in posts:
        by_channel.setdefault(post.channel, []).append(post)
    noted: dict[str, list[NoteFact]] = {}
    for note in notes:
        noted.setdefault(note.channel, []).append(note)
    reports = tuple(_channel(c, tuple(names.get(c, ())), by_channel[c], noted.get(c, [])) for c in sorted(by_channel))
    ranked = tuple(sorted(topics.items(), key=lambda item: (-item[1], item[0])))
    return Report(year, channel, reports, ranked)


def _channel(channel: str, schedules: tuple[str, ...], posts: list[PostFact], notes: list[NoteFact]) -> ChannelReport:
    """Count one channel's posts (every post carries an HP-punkt, the APT agenda too)."""
    posted: Counter[str] = Counter()
    held: Counter[str] = Counter()
    by_month: Counter[tuple[int, str]] = Counter()
    apts: list[AptStep] = []
    for post in (p for p in posts if p.kind in MEETING_KINDS):  # an APT's reminder is no HP-punkt of its own
        principle = post.principle or UNKNOWN
        posted[principle] += 1
        if post.held_at is not None:
            held[principle] += 1
            by_month[(post.nominal.month, principle)] += 1
        if post.kind == "apt":
            apts.append(AptStep(post.nominal, post.step, post.held_at is not None))
    return ChannelReport(channel, schedules, posted, held, by_month, tuple(apts), tuple(notes))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """Return the start of `year` and of the next, Swedish time.

    >>> [t.isoformat() for t in year_bounds(2026)]
    ['2026-01-01T00:00:00+01:00', '2027-01-01T00:00:00+01:00']
    """
    return dt.datetime(year, 1, 1, tzinfo=LOCAL), dt.datetime(year + 1, 1, 1, tzinfo=LOCAL)


def gather(engine: Engine, year: int, schedules: Iterable[Schedule] = (), channel: str | None = None) -> Report:
    """Read the year's posts, notes and questions from the database and build the report."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start, end = year_bounds(year)
    return build_report(
        year,
        posts_between(engine, first, last, channel),
        notes_between(engine, first, last, channel),
        question_topics(engine, start, end, channel),
        schedules,
        channel,
    )


def principle_title(name: str) -> str:
    """Return a principle's name as a heading.

    >>> principle_title("icke-diskriminering")
    'Icke-diskriminering'
    """
    return name[:1].upper() + name[1:]


ORDER = (*PRINCIPLES, UNKNOWN)
