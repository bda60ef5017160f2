"""Button listeners: share an ephemeral answer in the channel, 👍/👎 votes, why a 👎, and
"Genomförd ✅" on a scheduled post.

A vote is stored at the click; the answer's message is then replaced (through the click's
response_url, which works for ephemeral answers too) so the pressed button says the vote
is registered. A 👎 also opens a dialog asking why (`bot.slack.feedback`); closing it
keeps the vote, submitting it adds the reason and a masked comment to the vote.

"Genomförd ✅" may be pressed by anyone who sees the post (Slack shows it to the channel's
members only; a meeting is held by all of them, not by an admin). The first press is
stored with who and when, and the post is updated (chat.update) to show them; a later
press changes nothing and shows the same. A press before the meeting's week (an APT
agenda goes out a week early) is not stored: the presser is told to press after the
meeting. A meeting moved for a holiday stays in its ISO week, so the week is a safe bound.
"Ångra" beside who pressed (Slack asks to confirm first) undoes a press by mistake: the
meeting counts as not held again, an APT's Respekttrappan step goes back
(bot/store/traces.py), and the post shows its "Genomförd ✅" button again.

An unknown answer (never recorded, or pruned) and a database that is away each get a
short Swedish ephemeral text, never a failed listener.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.answer.types import Answer
from bot.slack.feedback import FEEDBACK_REASON, reason_view, submitted
from bot.slack.listeners.common import Payload
from bot.slack.poster import HELD, HELD_UNDO, held_blocks, parse_held_value, unheld_blocks
from bot.slack.records import StoreUnavailable
from bot.slack.rendering import FEEDBACK_DOWN, FEEDBACK_UP, SHARE, fallback_text, render_answer, voted_blocks
from bot.slack.responder import Responder
from bot.slack.texts import text as ui
from bot.store.traces import PostKey, PostTraces

logger = logging.getLogger(__name__)
LOCAL = ZoneInfo("Europe/Stockholm")
HELD_UNKNOWN = "Det här inlägget känner jag inte igen längre, så det gick inte att markera som genomfört."
HELD_EARLY = "Mötet har inte hållits än (det är vecka {week}). Tryck på Genomförd ✅ när ni har haft det."


def register(app: App, responder: Responder, traces: PostTraces | None = None) -> None:
    """Add the share, vote and "Genomförd ✅" listeners to `app`."""

    @app.action(SHARE)
    def on_share(ack: Ack, body: Payload, action: Payload, client: WebClient,
                 respond: Respond) -> None:
        ack()
        try:
            answer = responder.records.get(action["value"])
        except StoreUnavailable:
            respond(response_type="ephemeral", replace_original=False, text=ui("store_unavailable"))
            return
        if answer is None:
            respond(response_type="ephemeral", replace_original=False, text=ui("expired"))
            return
        user = body["user"]["id"]
        message = render_answer(answer, action["value"],
                                header=ui("shared_by", answer.language, user=user))
        try:
            client.chat_postMessage(channel=body["channel"]["id"], **message)
        except SlackApiError as err:
            logger.warning("sharing failed: %s", err.response.get("error"))
            respond(response_type="ephemeral", replace_original=False,
                    text=ui("share_failed", answer.language))
            return
        respond(delete_original=True)

    @app.action(FEEDBACK_UP)
    @app.action(FEEDBACK_DOWN)
    def on_vote(ack: Ack, body: Payload, action: Payload, client: WebClient, respond: Respond) -> None:
        ack()
        up = action["action_id"] == FEEDBACK_UP
        try:
            answer = responder.records.get(action["value"])
            known = answer is not None and responder.records.vote(action["value"], body["user"]["id"], up)
        except StoreUnavailable:  # the database is away: say so, in Swedish
            respond(response_type="ephemeral", replace_original=False, text=ui("store_unavailable"))
            return
        if answer is None or not known:  # e.g. an answer delivered while it could not be recorded
            respond(response_type="ephemeral", replace_original=False, text=ui("unknown_answer"))
            return
        if not up:  # first: the trigger_id is valid for 3 seconds only
            try:
                client.views_open(trigger_id=body["trigger_id"], view=reason_view(action["value"]))
            except SlackApiError as err:  # the vote stands; only its reason is not asked for
                logger.warning("could not ask why the 👎: %s", err.response.get("error"))
        respond(replace_original=True, **_shown_voted(body, answer, action["value"], up))

    @app.view(FEEDBACK_REASON)
    def on_reason(ack: Ack, body: Payload, view: Payload) -> None:
        ack()  # closes the dialog; what was written is never logged
        answer_id, reason, comment = submitted(view)
        try:
            stored = responder.records.explain(answer_id, body["user"]["id"], reason, comment)
        except StoreUnavailable as error:
            logger.warning("the reason for a 👎 on %s was lost: database away (%s)", answer_id, error)
            return
        if not stored:  # e.g. the vote was changed to 👍 while the dialog was open
            logger.info("no 👎 on %s to add a reason to", answer_id)

    if traces is not None:

        @app.action(HELD)
        def on_held_pressed(ack: Ack, body: Payload, action: Payload, client: WebClient, respond: Respond) -> None:
            ack()
            on_held(traces, body, action, client, respond)

        @app.action(HELD_UNDO)
        def on_undo_pressed(ack: Ack, body: Payload, action: Payload, client: WebClient, respond: Respond) -> None:
            ack()
            on_unheld(traces, body, action, client, respond)


def on_held(traces: PostTraces, body: Payload, action: Payload, client: WebClient, respond: Respond) -> None:
    """Store who marked a scheduled post's meeting held, and show it on the post."""
    clicked = _clicked(body, action, respond)
    if clicked is None:
        return
    post, message = clicked
    now = dt.datetime.now(dt.UTC)
    meeting_week = post.nominal.isocalendar()[:2]
    if now.astimezone(LOCAL).date().isocalendar()[:2] < meeting_week:  # the agenda came a week early
        respond(response_type="ephemeral", replace_original=False, text=HELD_EARLY.format(week=meeting_week[1]))
        return
    try:
        held = traces.mark_held(post, body["user"]["id"], now)
    except SQLAlchemyError as error:
        logger.warning("could not mark %s held: database away (%s)", post.schedule, type(error).__name__)
        respond(response_type="ephemeral", replace_original=False, text=ui("store_unavailable"))
        return
    if held is None:
        respond(response_type="ephemeral", replace_original=False, text=HELD_UNKNOWN)
        return
    day = held.at.astimezone(LOCAL).date()
    _show(client, post.channel, message, held_blocks(list(message.get("blocks") or []), held.by, day, action["value"]))


def on_unheld(traces: PostTraces, body: Payload, action: Payload, client: WebClient, respond: Respond) -> None:
    """Undo a "Genomförd ✅" pressed by mistake, and show the button on the post again."""
    clicked = _clicked(body, action, respond)
    if clicked is None:
        return
    post, message = clicked
    try:
        traces.unmark_held(post)  # undone before (a stale client): the same
    except SQLAlchemyError as error:
        logger.warning("could not undo %s held: database away (%s)", post.schedule, type(error).__name__)
        respond(response_type="ephemeral", replace_original=False, text=ui("store_unavailable"))
        return
    _show(client, post.channel, message, unheld_blocks(list(message.get("blocks") or []), action["value"]))


def _clicked(body: Payload, action: Payload, respond: Respond) -> tuple[PostKey, Payload] | None:
    """Return the post a "Genomförd ✅" or "Ångra" click is on, and its message; when the click
    cannot be read, tell the presser so and return None."""
    parsed = parse_held_value(str(action.get("value") or ""))
    channel, message = (body.get("channel") or {}).get("id"), body.get("message") or {}
    if parsed is None or not channel or not message.get("ts"):
        respond(response_type="ephemeral", replace_original=False, text=HELD_UNKNOWN)
        return None
    return PostKey(parsed[0], parsed[1], channel), message


def _show(client: WebClient, channel: str, message: Payload, blocks: list[Payload]) -> None:
    """Update the post to `blocks`; the stored mark counts in the report even when this fails."""
    try:
        client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or "", blocks=blocks)
    except SlackApiError as err:
        logger.warning("could not update the post's Genomförd line: %s", err.response.get("error"))


def _shown_voted(body: Payload, answer: Answer, answer_id: str, up: bool) -> Payload:
    """Return `text` and `blocks` of the clicked answer's message with the vote shown as registered.

    The message's own blocks come with the click (keeping e.g. a "Delat av" line); an
    ephemeral message's do not, and are rendered again from the stored answer.
    """
    blocks = (body.get("message") or {}).get("blocks")
    if not blocks:
        ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
        blocks = render_answer(answer, answer_id, share=ephemeral)["blocks"]
    return {"text": fallback_text(answer), "blocks": voted_blocks(blocks, answer_id, answer.language, up)}
