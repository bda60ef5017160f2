"""The dialog a 👎 opens to ask why (a modal: docs.slack.dev/surfaces/modals), built and read back.

The reason is a radio group of `bot.store.answers.REASONS`; a short comment is optional.
The answer's id travels in `private_metadata`, so the submission needs no state here.
"""

from typing import Any

from bot.slack.texts import FEEDBACK_MODAL, REASON_LABELS
from bot.store.answers import COMMENT_LIMIT, REASONS

FEEDBACK_REASON = "feedback_reason"  # the modal's callback_id
REASON, COMMENT = "reason", "comment"  # block_id and action_id of its two inputs


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def reason_view(answer_id: str) -> dict[str, Any]:
    """Return the modal asking why the answer `answer_id` got 👎 (for views.open).

    >>> view = reason_view("a1")
    >>> view["callback_id"], view["private_metadata"], len(view["blocks"][1]["element"]["options"])
    ('feedback_reason', 'a1', 4)
    """
    options = [{"text": _plain(REASON_LABELS[code]), "value": code} for code in REASONS]
    return {
        "type": "modal",
        "callback_id": FEEDBACK_REASON,
        "private_metadata": answer_id,
        "title": _plain(FEEDBACK_MODAL["title"]),
        "submit": _plain(FEEDBACK_MODAL["submit"]),
        "close": _plain(FEEDBACK_MODAL["close"]),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": FEEDBACK_MODAL["intro"]}},
            {"type": "input", "block_id": REASON, "label": _plain(FEEDBACK_MODAL["reason"]),
             "element": {"type": "radio_buttons", "action_id": REASON, "options": options}},
            {"type": "input", "block_id": COMMENT, "optional": True, "label": _plain(FEEDBACK_MODAL["comment"]),
             "hint": _plain(FEEDBACK_MODAL["comment_hint"]),
             "element": {"type": "plain_text_input", "action_id": COMMENT, "multiline": True,
                         "max_length": COMMENT_LIMIT}},
        ],
    }


def submitted(view: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """Return (answer id, reason, comment) from a submitted `reason_view` (unchosen parts None).

    >>> submitted({"private_metadata": "a1", "state": {"values": {
    ...     "reason": {"reason": {"type": "radio_buttons", "selected_option": {"value": "other"}}},
    ...     "comment": {"comment": {"type": "plain_text_input", "value": None}}}}})
    ('a1', 'other', None)
    """
    values = view.get("state", {}).get("values", {})
    option = values.get(REASON, {}).get(REASON, {}).get("selected_option") or {}
    comment = values.get(COMMENT, {}).get(COMMENT, {}).get("value")
    return str(view.get("private_metadata", "")), option.get("value"), comment
