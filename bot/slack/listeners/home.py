"""The App Home tab: published on `app_home_opened` (tab "home"), and its admin buttons.

Slack sends `app_home_opened` each time a user opens the tab
(docs.slack.dev/reference/events/app_home_opened); the tab is then published for that
user with views.publish (docs.slack.dev/reference/methods/views.publish). The channels a
user is in come from users.conversations (docs.slack.dev/reference/methods/users.conversations,
scopes channels:read and groups:read): one call per opening, where asking each scheduled
channel for its members (conversations.members) would cost a call per channel and page
through every member. A part that cannot be read (Slack, the schedules, the index, the
database) is replaced by a short note; the tab is always published.

Admin buttons run the `/hp paus|fortsätt|hoppa|steg N` commands (`ScheduleCommands.handle`,
which checks the admin list too); anyone else's click changes nothing.

The report buttons build a year's HP report (`HomeSources.report`) and upload its files to
the admin's DM with Slack's upload steps (files.getUploadURLExternal, the upload,
files.completeUploadExternal: `WebClient.files_upload_v2`; scope files:write).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import IndexMissing
from bot.search.index import KnownDocument
from bot.slack.agent import suggested_prompts
from bot.slack.home import PAUSE, REPORT, RESUME, SET_STEP, SKIP, TZ, ChannelPlan, HomeContent, home_view
from bot.slack.listeners.commands import ScheduleCommands
from bot.slack.listeners.common import Payload
from bot.slack.texts import HOME
from bot.store.answers import AnswerLog

logger = logging.getLogger(__name__)
T = TypeVar("T")
COMMANDS = {PAUSE: "paus", RESUME: "fortsätt", SKIP: "hoppa", SET_STEP: "steg"}
MAX_PAGES = 5  # of users.conversations (200 channels each)
# Builds a year's HP report as files: (file name, content), e.g. the Markdown and the PNG chart.
ReportFiles = Callable[[int], Sequence[tuple[str, bytes]]]


class Catalog(Protocol):
    """The knowledge index as the tab reads it (`KnowledgeIndex`)."""

    def documents(self) -> list[KnownDocument]:
        """Return the indexed documents."""
        ...

    def indexed_at(self) -> dt.datetime | None:
        """Return when the index last changed, None if unknown."""
        ...


class Overview(Protocol):
    """The schedules as the tab reads them (`bot.schedules.overview.ScheduleOverview`)."""

    def channels(self) -> list[str]:
        """Return the scheduled channels."""
        ...

    def step_names(self) -> list[str]:
        """Return Respekttrappan's step names."""
        ...

    def plan(self, channel: str) -> ChannelPlan:
        """Return what comes next in `channel`."""
        ...


@dataclass(frozen=True)
class HomeSources:
    """Where the tab's parts come from; a missing source leaves its part out or noted."""

    admins: frozenset[str]
    feedback: AnswerLog
    knowledge: Callable[[], Catalog] | None = None  # built on first use (Chroma may be down at start)
    schedules: Overview | None = None
    commands: ScheduleCommands | None = None
    report: ReportFiles | None = None
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # which years the report offers


def register(app: App, sources: HomeSources) -> None:
    """Add the Home tab's event and button listeners to `app`."""

    @app.event("app_home_opened", matchers=[lambda event: event.get("tab") == "home"])
    def on_home_opened(event: Payload, client: WebClient) -> None:
        publish(client, sources, event["user"])

    @app.action(re.compile(f"^({PAUSE}|{RESUME}|{SKIP}|{SET_STEP})$"))
    def on_admin_action(ack: Ack, body: Payload, action: Payload, client: WebClient) -> None:
        ack()
        user, commands = body["user"]["id"], sources.commands
        if user not in sources.admins or commands is None:
            logger.warning("a schedule button was pressed by a non-admin; nothing changed")
            publish(client, sources, user, notice=HOME["not_admin"])
            return
        value = action.get("value") or action.get("selected_option", {}).get("value", "")
        channel, _, step = str(value).partition("|")
        command = COMMANDS[action["action_id"]] + (f" {step}" if step else "")
        try:
            reply = commands.handle(command, user, channel) or ""
        except Exception:
            logger.exception("a schedule button failed")
            reply = HOME["schedules_unavailable"]
        publish(client, sources, user, notice=reply.splitlines()[0] if reply else None)

    @app.action(re.compile(f"^{REPORT}_[0-9]{{4}}$"))
    def on_report(ack: Ack, body: Payload, action: Payload, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        if user not in sources.admins or sources.report is None:
            publish(client, sources, user, notice=HOME["report_not_admin"])
            return
        year = int(action["value"])
        sent = send_report(client, sources.report, user, year)
        publish(client, sources, user, notice=HOME["report_sent" if sent else "report_failed"].format(year=year))


def send_report(client: WebClient, report: ReportFiles, user: str, year: int) -> bool:
    """Build `year`'s report and upload its files to `user`'s DM with the bot; False if it failed."""
    try:
        files = report(year)
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            file_uploads=[{"content": data, "filename": name, "title": name} for name, data in files],
            channel=channel, initial_comment=HOME["report_comment"].format(year=year),
        )
    except Exception:  # the database, the chart or Slack: the admin is told, the log has why
        logger.exception("the HP report for %s could not be sent", year)
        return False
    return True


def publish(client: WebClient, sources: HomeSources, user: str, notice: str | None = None) -> None:
    """Build and publish `user`'s Home tab."""
    admin = user in sources.admins
    channels, channels_note, step_names = _channels(client, sources, user, admin)
    documents, indexed_at, documents_note = _documents(sources)
    known = {d.doc_id for d in documents} if documents else None
    feedback = _safely(sources.feedback.summary, None) if admin else None
    content = HomeContent(
        admin=admin, notice=notice, examples=tuple(p["message"] for p in suggested_prompts(known)),
        channels=channels, channels_note=channels_note, step_names=step_names,
        documents=documents, indexed_at=indexed_at, documents_note=documents_note,
        feedback=feedback, feedback_note=HOME["feedback_unavailable"] if admin and feedback is None else None,
        report_years=_report_years(sources) if admin else (),
    )
    try:
        client.views_publish(user_id=user, view=home_view(content))
    except SlackApiError as err:
        logger.warning("views.publish failed: %s", err.response.get("error"))


def _report_years(sources: HomeSources) -> tuple[int, ...]:
    """Return the years an admin may ask a report for: this year and the one before."""
    if sources.report is None:
        return ()
    year = sources.clock().astimezone(TZ).year
    return (year, year - 1)


def _channels(client: WebClient, sources: HomeSources, user: str,
              admin: bool) -> tuple[tuple[ChannelPlan, ...], str | None, tuple[str, ...]]:
    """Return the plans of the user's scheduled channels (an admin's: all), a note, step names."""
    overview = sources.schedules
    if overview is None:
        return (), None, ()
    scheduled = _safely(overview.channels, None)
    if scheduled is None:
        return (), HOME["schedules_unavailable"], ()
    mine = scheduled if admin else _member_of(client, user, set(scheduled))
    if mine is None:
        return (), HOME["channels_unknown"], ()
    try:
        plans = tuple(overview.plan(channel) for channel in mine)
    except Exception:
        logger.exception("could not read the schedules for the Home tab")
        return (), HOME["schedules_unavailable"], ()
    return plans, None, tuple(_safely(overview.step_names, []) if admin else ())


def _member_of(client: WebClient, user: str, channels: set[str]) -> list[str] | None:
    """Return which of `channels` `user` is in, sorted (None when Slack does not say)."""
    found: set[str] = set()
    cursor = ""
    try:
        for _ in range(MAX_PAGES):
            page = client.users_conversations(user=user, types="public_channel,private_channel",
                                              exclude_archived=True, limit=200, cursor=cursor or None)
            found |= {c["id"] for c in page.get("channels") or []} & channels
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                break
    except SlackApiError as err:  # e.g. missing_scope: the manifest's scopes were not reinstalled
        logger.warning("users.conversations failed: %s", err.response.get("error"))
        return None
    return sorted(found)


def _documents(sources: HomeSources) -> tuple[tuple[KnownDocument, ...], dt.datetime | None, str | None]:
    """Return the indexed documents, when the index last changed, and a note if unreadable."""
    if sources.knowledge is None:
        return (), None, None
    try:
        catalog = sources.knowledge()
        return tuple(catalog.documents()), catalog.indexed_at(), None
    except IndexMissing:
        return (), None, HOME["index_missing"]
    except Exception:
        logger.exception("could not read the index for the Home tab")
        return (), None, HOME["index_unavailable"]


def _safely(read: Callable[[], T], default: T) -> T:
    """Return `read()`, or `default` (logged) when it fails: one part must not cost the tab."""
    try:
        return read()
    except Exception:
        logger.exception("a part of the Home tab could not be read")
        return default
