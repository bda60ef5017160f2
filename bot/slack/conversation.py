"""Pure helpers on Slack messages: which to answer, the question in them, earlier turns."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.answer.types import Turn

Message = Mapping[str, Any]
_ANY_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
MAX_TURNS = 6
# A reply also sent to the channel, or a message with a file, still asks a question.
_ANSWERABLE_SUBTYPES = (None, "thread_broadcast", "file_share")


def strip_mentions(text: str, bot_user_id: str | None) -> str:
    """Remove mentions of the bot (all leading mentions when its id is unknown).

    >>> strip_mentions("<@UBOT> vad är HP? fråga <@U2>", "UBOT")
    'vad är HP? fråga <@U2>'
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = re.sub(r"^(\s*<@[A-Z0-9]+(?:\|[^>]*)?>)+", " ", text)
    return " ".join(text.split())


def mentions(text: str, user_id: str | None) -> bool:
    """Return True when `text` mentions `user_id`.

    >>> mentions("hej <@UBOT>", "UBOT"), mentions("hej", "UBOT")
    (True, False)
    """
    return bool(user_id) and user_id in _ANY_MENTION.findall(text)


def is_from_bot(message: Message, bot_user_id: str | None) -> bool:
    """Return True for a message by a bot (this one included)."""
    if message.get("bot_id") or message.get("subtype") == "bot_message":
        return True
    return bool(bot_user_id) and message.get("user") == bot_user_id


def is_question(event: Message, bot_user_id: str | None) -> bool:
    """Return True for a new, human-written message with text (no edit, join, bot post)."""
    if event.get("subtype") not in _ANSWERABLE_SUBTYPES or event.get("edited"):
        return False
    if is_from_bot(event, bot_user_id):
        return False
    return bool(event.get("user")) and bool((event.get("text") or "").strip())


def _is_ours(message: Message, bot_user_id: str | None, bot_id: str | None) -> bool:
    if bot_id and message.get("bot_id") == bot_id:
        return True
    return bool(bot_user_id) and message.get("user") == bot_user_id


def turns_from_messages(
    messages: Iterable[Message], *, bot_user_id: str | None, bot_id: str | None,
    before_ts: str, limit: int = MAX_TURNS,
) -> list[Turn]:
    """Pair each human question with the bot's next answer, up to the message `before_ts`.

    >>> msgs = [{"ts": "1", "user": "U1", "text": "<@UB> vad är HP?"},
    ...         {"ts": "2", "user": "UB", "bot_id": "BB", "text": "HP är …"},
    ...         {"ts": "3", "user": "U1", "text": "och hur ofta då?"}]
    >>> turns_from_messages(msgs, bot_user_id="UB", bot_id="BB", before_ts="3")
    [Turn(question='vad är HP?', answer='HP är …')]
    """
    turns: list[Turn] = []
    question: str | None = None
    for message in sorted(messages, key=lambda m: float(m.get("ts", 0))):
        if float(message.get("ts", 0)) >= float(before_ts):
            break
        if _is_ours(message, bot_user_id, bot_id):
            if question:
                turns.append(Turn(question=question, answer=(message.get("text") or "").strip()))
            question = None
        elif is_question(message, bot_user_id):
            question = strip_mentions(message.get("text") or "", bot_user_id) or None
    return turns[-limit:]
