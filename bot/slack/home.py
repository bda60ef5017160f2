"""The App Home tab as Block Kit: pure, from the values the home listener gathered.

Slack: docs.slack.dev/surfaces/app-home (published with views.publish,
docs.slack.dev/reference/methods/views.publish). A Home tab holds at most 100 blocks
(docs.slack.dev/reference/block-kit/blocks); a section text at most 3,000 characters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.ingest.cutting import shorten
from bot.ingest.dates import swedish_date
from bot.search.index import KnownDocument
from bot.slack.mrkdwn import SECTION_LIMIT, escape, link
from bot.slack.texts import HOME, REASON_LABELS
from bot.store.answers import FeedbackSummary

Block = dict[str, Any]
MAX_BLOCKS = 100  # a Home tab's limit
MAX_CHANNELS = 30  # two blocks each: the rest of the tab keeps room
STEPS = 7  # Respekttrappan
LATEST_DOWN = 5
QUESTION_CHARS = 150
TZ = ZoneInfo("Europe/Stockholm")
PAUSE, RESUME, SKIP, SET_STEP = "home_pause", "home_resume", "home_skip", "home_step"
REPORT = "home_report"  # + "_<year>"; value: the year


@dataclass(frozen=True)
class ChannelPlan:
    """What comes next in one scheduled channel (texts in Swedish, e.g. from `describe`)."""

    channel: str
    next_hp: str | None = None  # e.g. "HP-punkt fredag 4 december 2026 kl. 09:00"
    next_apt: str | None = None
    step: int | None = None  # the next APT's Respekttrappan step; None: no APT schedule
    step_name: str = ""
    paused: bool = False
    skipped: tuple[str, ...] = ()  # upcoming posts marked to be skipped, described


@dataclass(frozen=True)
class HomeContent:
    """Everything the tab shows one user; a `…_note` replaces a part that could not be read."""

    admin: bool
    examples: tuple[str, ...] = ()
    channels: tuple[ChannelPlan, ...] = ()
    channels_note: str | None = None
    step_names: tuple[str, ...] = ()
    documents: tuple[KnownDocument, ...] = ()
    indexed_at: dt.datetime | None = None
    documents_note: str | None = None
    feedback: FeedbackSummary | None = None
    feedback_note: str | None = None
    notice: str | None = None  # the outcome of the admin's last button, shown on top
    report_years: tuple[int, ...] = ()  # an admin's report buttons, newest year first


def home_view(content: HomeContent) -> dict[str, Any]:
    """Return the Home tab view for `content` (at most MAX_BLOCKS blocks)."""
    blocks = [_header(HOME["title"])]
    if content.notice:
        blocks.append(_context(content.notice))
    blocks += [_section(HOME["how"])]
    if content.examples:
        blocks.append(_section(HOME["examples"] + "\n" + "\n".join(f"• {escape(q)}" for q in content.examples)))
    blocks += _channels(content)
    blocks += _documents(content)
    if content.admin:
        blocks += _feedback(content)
    if content.admin and content.report_years:
        blocks += _report(content.report_years)
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def _channels(content: HomeContent) -> list[Block]:
    blocks = [{"type": "divider"}, _header(HOME["all_channels" if content.admin else "channels"])]
    if content.channels_note:
        blocks.append(_context(content.channels_note))
    elif not content.channels:
        blocks.append(_context(HOME["no_channels"]))
    for plan in content.channels[:MAX_CHANNELS]:
        blocks.append(_section(_plan_text(plan)))
        if content.admin:
            blocks.append(_admin_actions(plan, content.step_names))
    if len(content.channels) > MAX_CHANNELS:
        blocks.append(_context(HOME["more_channels"].format(count=len(content.channels) - MAX_CHANNELS)))
    return blocks


def _plan_text(plan: ChannelPlan) -> str:
    """Return the channel's section: its name, state and next posts.

    >>> print(_plan_text(ChannelPlan("C1", "HP-punkt fre", "APT tis", 3, "Quizza!")))
    *<#C1>*
    • HP-punkt fre
    • APT tis – Respekttrappan steg 3 av 7: Quizza!
    """
    lines = [f"*<#{plan.channel}>*"]
    if plan.paused:
        lines.append(HOME["paused"])
    if plan.next_hp:
        lines.append(f"• {plan.next_hp}")
    if plan.next_apt:
        step = HOME["step"].format(number=plan.step, steps=STEPS, name=escape(plan.step_name))
        lines.append(f"• {plan.next_apt} – {step}" if plan.step else f"• {plan.next_apt}")
    if not plan.next_hp and not plan.next_apt:
        lines.append(HOME["none_planned"])
    lines += [HOME["skipped"].format(post=post) for post in plan.skipped[:3]]
    return "\n".join(lines)


def _admin_actions(plan: ChannelPlan, step_names: tuple[str, ...]) -> Block:
    """Return the admin's buttons for one channel: pause or resume, skip, and the step."""
    toggle = _button(HOME["resume"], RESUME, plan.channel) if plan.paused else _button(
        HOME["pause"], PAUSE, plan.channel)
    skip = _button(HOME["skip"], SKIP, plan.channel)
    skip["confirm"] = {
        "title": _plain(HOME["skip_title"]), "text": _plain(HOME["skip_text"].format(channel=plan.channel)),
        "confirm": _plain(HOME["skip_confirm"]), "deny": _plain(HOME["cancel"]),
    }
    elements = [toggle, skip]
    if plan.step is not None:
        options = [_option(n, step_names, plan.channel) for n in range(1, STEPS + 1)]
        select: Block = {"type": "static_select", "action_id": SET_STEP, "options": options,
                         "placeholder": _plain(HOME["step_placeholder"])}
        if 1 <= plan.step <= STEPS:
            select["initial_option"] = options[plan.step - 1]
        elements.append(select)
    return {"type": "actions", "block_id": f"home-admin-{plan.channel}", "elements": elements}


def _option(number: int, names: tuple[str, ...], channel: str) -> Block:
    name = names[number - 1] if number <= len(names) else ""
    label = HOME["step_option"].format(number=number, name=name).rstrip(": ")
    return {"text": _plain(label[:75]), "value": f"{channel}|{number}"}


def _documents(content: HomeContent) -> list[Block]:
    blocks = [{"type": "divider"}, _header(HOME["documents"])]
    if content.documents_note:
        return [*blocks, _context(content.documents_note)]
    lines = [f"• {link(d.url, escape(d.title)) if d.url else escape(d.title)}" for d in content.documents]
    if lines:
        blocks.append(_section(_fit(lines)))
    when = content.indexed_at
    blocks.append(_context(HOME["indexed_at"].format(when=local_time(when)) if when else HOME["indexed_unknown"]))
    return blocks


def _feedback(content: HomeContent) -> list[Block]:
    blocks = [{"type": "divider"}, _header(HOME["feedback"])]
    summary = content.feedback
    if summary is None:
        return [*blocks, _context(content.feedback_note or HOME["feedback_unavailable"])]
    blocks.append(_section(HOME["votes"].format(up=summary.up, down=summary.down)))
    latest = [f"• {local_time(when)} – {escape(shorten(' '.join(q.split()), QUESTION_CHARS))}"
              + (f" _({REASON_LABELS[reason]})_" if reason in REASON_LABELS else "")
              for when, q, reason in summary.latest_down[:LATEST_DOWN]]
    blocks.append(_section("\n".join([HOME["latest_down"], *latest]) if latest else HOME["no_down"]))
    return blocks


def _report(years: tuple[int, ...]) -> list[Block]:
    """Return the admin's report part: what the report holds, and a button per year.

    >>> [b["type"] for b in _report((2026, 2025))]
    ['divider', 'header', 'section', 'actions']
    """
    # action_ids must differ within a block: one per year, the year also the value
    buttons = [_button(HOME["report_button"].format(year=year), f"{REPORT}_{year}", str(year)) for year in years]
    return [{"type": "divider"}, _header(HOME["report"]), _section(HOME["report_text"]),
            {"type": "actions", "block_id": "home-report", "elements": buttons}]


def local_time(when: dt.datetime) -> str:
    """Return `when` as Swedish local time.

    >>> local_time(dt.datetime(2026, 12, 3, 13, 5, tzinfo=dt.UTC))
    'torsdag 3 december 2026 kl. 14:05'
    """
    local = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(TZ)
    return f"{swedish_date(local.date())} kl. {local:%H:%M}"


def _fit(lines: list[str]) -> str:
    """Join the document `lines`, dropping the last ones (saying how many) to fit a section."""
    for keep in range(len(lines), 0, -1):
        text = "\n".join(lines[:keep])
        if keep < len(lines):
            text += "\n" + HOME["more_documents"].format(count=len(lines) - keep)
        if len(text) <= SECTION_LIMIT:
            return text
    return lines[0][:SECTION_LIMIT]


def _header(text: str) -> Block:
    return {"type": "header", "text": _plain(text[:150])}


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT]}}


def _context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT]}]}


def _button(label: str, action_id: str, value: str) -> Block:
    return {"type": "button", "text": _plain(label), "action_id": action_id, "value": value}


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text, "emoji": True}
