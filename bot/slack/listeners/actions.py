"""Button listeners: share an ephemeral answer in the channel, and 👍/👎 votes."""

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.listeners.common import Payload
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
        answer = responder.log.get(action["value"])
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
        answer = responder.log.get(action["value"])
        up = action["action_id"] == FEEDBACK_UP
        if answer is None or not responder.log.vote(action["value"], body["user"]["id"], up):
            respond(response_type="ephemeral", replace_original=False, text=ui("expired"))
            return
        thanks = ui("thanks_up" if up else "thanks_down", answer.language)
        respond(response_type="ephemeral", replace_original=False, text=thanks)
