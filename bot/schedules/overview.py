"""What the App Home shows of the schedules: per channel, the next posts and the next step.

Read-only: it uses the planner's `upcoming` and the stored channel state, as `/hp schema` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.schedules.engine import ScheduleEngine
from bot.schedules.planner import Planned, ahead, describe, describe_deviation, upcoming
from bot.schedules.rotation import STEPS
from bot.schedules.scheduler import utc_now
from bot.slack.home import ChannelPlan

NOTICE_DAYS = 45  # meetings skipped (holiday, pause) this far ahead are shown too
LOOKAHEAD = 20  # upcoming posts read per channel: enough to find the next of each kind


class ScheduleOverview:
    """The scheduled channels and what comes next in each (for the App Home)."""

    def __init__(self, engine: ScheduleEngine, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.engine, self.clock = engine, clock

    def channels(self) -> list[str]:
        """Return the channels that have at least one schedule."""
        return sorted({s.channel for s in self.engine.schedules.values()})

    def step_names(self) -> list[str]:
        """Return the names of Respekttrappan's steps 1–7 (from the knowledge base)."""
        return [self.engine.composer.step(n).name for n in range(1, STEPS + 1)]

    def plan(self, channel: str) -> ChannelPlan:
        """Return the channel's next HP-punkt, next APT with its step, and what is skipped.

        The step is the channel's stored next step: only an APT marked held moves it on, so it
        is the step of the next APT that is posted (skipped and paused ones do not count).
        """
        planned = upcoming(self.engine, self.clock(), LOOKAHEAD, channel)
        state = self.engine.store.channel_state(channel)
        next_hp, next_apt = _first(planned, "hp"), _first(planned, "apt")
        apt_schedules = [s for s in self.engine.schedules.values() if s.channel == channel and s.kind == "apt"]
        step, name = None, ""
        if apt_schedules:
            first_step = (
                self.engine.schedules[next_apt.occurrence.schedule].first_step
                if next_apt
                else (apt_schedules[0].first_step)
            )
            step = state.step(first_step)
            name = self.engine.composer.step(step).name
        last = max((p.occurrence.due_at for p in (next_hp, next_apt) if p), default=None)
        skipped = tuple(
            describe(p.occurrence)
            for p in planned
            if p.status == "skipped"
            and p.occurrence.kind != "reminder"
            and last is not None
            and p.occurrence.due_at < last
        )
        # The tab says "… hoppas över.": the reason goes in brackets ("APT … (nyårsafton)").
        skipped += tuple(
            describe_deviation(found).replace(": hoppas över: ", " (") + ")"
            for found in ahead(self.engine, self.clock(), NOTICE_DAYS, channel)
            if found.moved_to is None
        )
        return ChannelPlan(
            channel=channel,
            next_hp=describe(next_hp.occurrence) if next_hp else None,
            next_apt=describe(next_apt.occurrence) if next_apt else None,
            step=step,
            step_name=name,
            paused=state.paused,
            skipped=skipped,
        )


def _first(planned: list[Planned], kind: str) -> Planned | None:
    """Return the first upcoming post of `kind` that is not marked skipped."""
    return next((p for p in planned if p.occurrence.kind == kind and p.status != "skipped"), None)
