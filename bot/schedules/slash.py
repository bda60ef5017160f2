"""`/hp schema | paus | fortsätt | hoppa | steg N`: the channel's schedule in Slack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.errors import HPError
from bot.schedules.engine import ScheduleEngine
from bot.schedules.planner import ahead, describe, describe_deviation, pauses_ahead, skip_next, upcoming
from bot.schedules.rotation import STEPS
from bot.schedules.scheduler import utc_now
from bot.slack.mrkdwn import escape

DEVIATION_DAYS = 120  # how far ahead /hp schema lists moved and skipped meetings
MAX_DEVIATIONS = 5
ADMIN_ONLY = {"paus", "fortsätt", "fortsatt", "hoppa", "steg"}
REFUSAL = (
    "Tyvärr, det är bara förbundets administratörer som kan ändra schemat. "
    "Hör gärna av dig till någon av dem, så hjälper de dig. `/hp schema` kan alla använda."
)
NO_SCHEDULES = "Den här kanalen har inga schemalagda inlägg."
PAUSED = ":double_vertical_bar: Schemalagda inlägg i kanalen är pausade. `/hp fortsätt` startar dem igen."
RESUMED = ":arrow_forward: Schemalagda inlägg i kanalen är igång igen."
STEP_SET = ":white_check_mark: Nästa APT tar upp Respekttrappan steg {number} av {steps}: {name}"


class ScheduleCommands:
    """Answers the schedule subcommands of `/hp`; anything else is left to the caller."""

    def __init__(
        self,
        engine: ScheduleEngine,
        admin_user_ids: set[str],
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.engine, self.admins, self.clock = engine, admin_user_ids, clock

    def handle(self, text: str, user_id: str, channel_id: str) -> str | None:
        """Return the Swedish mrkdwn reply, or None when `text` is no schedule command."""
        words = text.strip().lower().split()
        if not words or words[0] not in ADMIN_ONLY | {"schema"}:
            return None
        if words[0] == "steg" and len(words) > 2:
            return None
        if words[0] != "steg" and len(words) > 1:
            return None  # e.g. "/hp schema för jämställdhet?" is a question, not a command
        if words[0] in ADMIN_ONLY and user_id not in self.admins:
            return REFUSAL
        if not any(s.channel == channel_id for s in self.engine.schedules.values()):
            return NO_SCHEDULES
        try:
            return self._dispatch(words, channel_id)
        except HPError as exc:
            return f":warning: {exc}"

    def _dispatch(self, words: list[str], channel: str) -> str:
        command = words[0]
        if command == "schema":
            return self._list(channel)
        if command == "paus":
            self.engine.store.set_paused(channel, True)
            return PAUSED
        if command in {"fortsätt", "fortsatt"}:
            self.engine.store.set_paused(channel, False)
            return RESUMED + "\n" + self._list(channel)
        if command == "hoppa":
            skipped = skip_next(self.engine, channel, self.clock())
            if skipped is None:
                return "Det finns inget kommande inlägg att hoppa över."
            return f":fast_forward: Hoppar över {describe(skipped)}."
        return self._step(words[1] if len(words) > 1 else "", channel)

    def _step(self, arg: str, channel: str) -> str:
        if not arg.isdigit() or not 1 <= int(arg) <= STEPS:
            return f"Skriv `/hp steg N` med ett steg mellan 1 och {STEPS}, t.ex. `/hp steg 3`."
        if not any(s.channel == channel and s.kind == "apt" for s in self.engine.schedules.values()):
            return "Den här kanalen har inget APT-schema, så det finns inget steg att ändra."
        number = int(arg)
        self.engine.store.set_next_step(channel, number)
        step = self.engine.composer.step(number)
        return STEP_SET.format(number=number, steps=STEPS, name=step.name)

    def _list(self, channel: str) -> str:
        state = self.engine.store.channel_state(channel)
        planned = upcoming(self.engine, self.clock(), 5, channel)
        lines = ["*Kommande inlägg i kanalen*"]
        if state.paused:
            lines.append(":double_vertical_bar: _Pausad – inget postas förrän `/hp fortsätt`._")
        for item in planned:
            note = " _(hoppas över)_" if item.status == "skipped" else ""
            lines.append(f"• {describe(item.occurrence)}{note}")
        if not planned:
            lines.append("Inga inlägg inom det närmaste året.")
        now = self.clock()
        changed = ahead(self.engine, now, DEVIATION_DAYS, channel)
        if changed:
            lines.append("*Flyttas eller hoppas över*")
            lines += [f"• {escape(describe_deviation(found))}" for found in changed[:MAX_DEVIATIONS]]
            if len(changed) > MAX_DEVIATIONS:
                lines.append(f"• … och {len(changed) - MAX_DEVIATIONS} till (se `bot schedules`)")
        pauses = pauses_ahead(self.engine, now, channel)
        if pauses:
            lines.append("*Uppehåll*")
            lines += [f"• {escape(line)}" for line in pauses]
        return "\n".join(lines)
