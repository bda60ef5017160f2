"""The Bolt listeners, by kind: events (mentions, messages), commands (`/hp`), actions (buttons).

Raw Slack dicts stop here: each listener parses its payload, hands the work to
`Responder`, and replies. Events are acknowledged by Bolt before a listener runs;
commands and actions call `ack()` first thing.
"""

from slack_bolt import App

from bot.slack.listeners import actions, commands, events
from bot.slack.listeners.commands import ScheduleCommands
from bot.slack.responder import Responder
from bot.store.events import EventDeduper
from bot.store.traces import PostTraces

__all__ = ["ScheduleCommands", "register_listeners"]


def register_listeners(app: App, responder: Responder, deduper: EventDeduper,
                       schedules: ScheduleCommands | None = None, traces: PostTraces | None = None) -> None:
    """Add every listener of the bot to `app` (`traces`: "Genomförd ✅" and notes on scheduled posts)."""
    events.register(app, responder, deduper, traces)
    commands.register(app, responder, schedules)
    actions.register(app, responder, traces)
