"""Button listeners: share an ephemeral answer in the channel, and 👍/👎 votes.

An unknown answer (never recorded, or pruned) and a database that is away each get a
short Swedish ephemeral text, never a failed listener.
"""

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.listeners.common import Payload
from bot.slack.records import StoreUnavailable
from bot.slack.rendering import FEEDBACK_DOWN, FEEDBACK_UP, SHARE, render_answer
from bot.slack.responder import Responder
from bot.slack.texts import text as ui

logger = logging.getLogger(__name__)


def register(app: App, responder: Responder) -> None:
    """Add the share and vote listeners to `app`."""

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
    def on_vote(ack: Ack, body: Payload, action: Payload, respond: Respond) -> None:
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
        thanks = ui("thanks_up" if up else "thanks_down", answer.language)
        respond(response_type="ephemeral", replace_original=False, text=thanks)
