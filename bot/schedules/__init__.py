"""Scheduled HP-punkt and APT agenda posts: on time, in order, exactly once.

config      schedules.yaml → validated `Schedule` entries
recurrence  pure: schedule + time window → `Occurrence`s (DST, Swedish holidays)
weekly      pure: one HP-punkt per channel and ISO week (an APT before a weekly HP-punkt)
rotation    pure: per-channel principle rotation and Respekttrappan step
claims      claims per occurrence and state per channel (tables in `bot.store.schedule_tables`)
content     templates in prompts/ + knowledge → Slack mrkdwn text
engine      `ScheduleEngine.post_due(now)`: claim → render → post → mark
planner     read-only views: upcoming posts, previews, the next post to skip
slash       `/hp schema | paus | fortsätt | hoppa | steg N`
scheduler   the background loop of `bot serve` (its clock is a parameter)
"""
