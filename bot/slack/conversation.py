"""Pure helpers on Slack messages: which to answer, the question in them, earlier turns.

`asks_the_bot` keeps the bot's thread manners: in a thread it answered, a new message is
answered only when it asks the bot something; thanks get a reaction, talk between
colleagues gets nothing.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Literal

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


def edited_question(event: Message, bot_user_id: str | None) -> Message | None:
    """Return the new version of a human message whose text an edit changed, else None.

    Slack also sends `message_changed` when a link unfurls (same text) and for the bot's
    own streamed and updated answers; neither is an edited question.

    >>> edit = {"subtype": "message_changed", "message": {"user": "U1", "text": "Vad är MR?"},
    ...         "previous_message": {"user": "U1", "text": "Vad är HP?"}}
    >>> edited_question(edit, "UBOT")
    {'user': 'U1', 'text': 'Vad är MR?'}
    """
    if event.get("subtype") != "message_changed":
        return None
    message: Message = event.get("message") or {}
    before: Message = event.get("previous_message") or {}
    if not is_question({**message, "edited": None}, bot_user_id):
        return None
    changed = (message.get("text") or "").strip() != (before.get("text") or "").strip()
    return message if changed else None


# Thread manners: the words that make a message a question to the bot, a thanks, or neither.
Addressed = Literal["question", "thanks", "other"]


def _words(*items: str) -> frozenset[str]:
    return frozenset(w for item in items for w in item.split())


_QUESTION_WORDS = _words("vad vem vems när hur var vart varför varifrån vadå",
                         "what what's whats how who whom whose when where which why")
_V1_VERBS = _words("gäller finns stämmer betyder innebär räknas ingår omfattas funkar fungerar")
_AUXILIARIES = _words("kan får måste ska bör behöver borde skulle är har vet gör blir",
                      "can could would should is are do does did was were will have has may must")
_SUBJECTS = _words("jag vi man du det den detta denna dessa de hp",
                   "i we you it there this that these those they one my our the a an")
_IMPERATIVES = _words("förklara berätta beskriv sammanfatta jämför definiera förtydliga utveckla",
                      "explain tell describe summarize summarise compare define elaborate clarify")
_IMPERATIVE_WITH = {"ge": _words("exempel ett en några mig oss"), "visa": _words("mig oss hur"),
                    "hjälp": _words("mig oss"), "lista": _words("de alla vilka"),
                    "give": _words("me us an a some examples"), "show": _words("me us how"),
                    "help": _words("me us"), "list": _words("the all")}
_LEADING_FILLERS = _words("och men så okej ok okay aha jaha hmm hm alltså fast jo ja nej tack",
                          "snälla hej hallå and but so also then btw oh ah well thanks please hi hey")
_THANKS = _words("tack tackar thanks thank thx tnx ty tks cheers")
_ACK = _THANKS | _words(
    "ok okej okey okay k kk toppen bra super perfekt kanon grymt utmärkt fint härligt snyggt",
    "schysst najs jättebra klockrent strålande fantastiskt underbart tydligt aha jaha förstår",
    "fattar kul skönt great nice perfect awesome cool excellent brilliant fantastic lovely",
    "wonderful helpful gotcha got understood noted sense")
_ACK_FILLERS = _words("så mycket för det då svaret svar hjälpen dig du verkligen helt riktigt",
                      "väldigt nu jag är var ju och ett på vad tusen stort it i you the help",
                      "answer very much so really that that's thats is was a lot and for now makes")
_ACK_EMOJI = _words("+1 thumbsup pray raised_hands heart ok_hand white_check_mark clap tada 100",
                    "blush slightly_smiling_face smile muscle sparkles heart_eyes star-struck",
                    "👍 🙏 🙌 ❤ 👌 ✅ ✔ 👏 🎉 💯 😊 🙂 😄 💪 ✨ 😍 🤩 ☺ 🥰 💚 💙 💛")
_EXCLAIMED = _ACK | _words("a an intressant interesting roligt snällt")
_GROUP_MENTION = re.compile(r"<!(?:here|channel|everyone|subteam\^)")
_LINK = re.compile(r"<(?:https?|mailto):[^|>]*(?:\|([^>]*))?>|<[^>]*>")
_SHORTCODE = re.compile(r":([a-z+][a-z0-9_+'-]*):")
_NAME = r"([A-ZÅÄÖ][a-zåäöéü]+)"
_NAMED = [re.compile(rf"^\W*(?:(?:[Hh]ej|[Hh]allå|[Tt]jena|[Hh]i|[Hh]ey|[Hh]ello)\s+)?{_NAME}\s*[,:]"),
          re.compile(rf",\s*{_NAME}\W*$"),
          re.compile(rf"^\W*(?:[Tt]ack|[Tt]hanks|[Tt]hank you)\s+{_NAME}\W*$"),
          re.compile(rf"^\W*{_NAME}\s+(?:kan|kunde|skulle|har|vet|can|could|would|will) (?:du|you)\b")]
_NOT_NAMES = _QUESTION_WORDS | _V1_VERBS | _AUXILIARIES | _IMPERATIVES | _LEADING_FILLERS | _ACK
_TO_THE_GROUP = re.compile(r"\bni\b|\b(?:någon|nån) som\b|^\W*(?:har|vet) (?:någon|nån)\b|you guys"
                           r"|y'all|\b(?:does|do|did|has|have) (?:anyone|anybody|someone|somebody)\b"
                           r"|\b(?:anyone|anybody) (?:know|have|seen|got)\b")
_WONDER = re.compile(r"\b(?:undrar|vill veta|wonder|wondering|want to know|like to know)\b")
_CLAUSE = re.compile(r"(?<=[.!?])\s+|\n+|,\s*(?=(?:men|but)\s)", re.IGNORECASE)


def asks_the_bot(text: str, bot_user_id: str | None) -> Addressed:
    """Say whether a message in a thread asks the bot something, thanks it, or is for others.

    A question ends with "?", starts with a question word, an inverted verb ("kan jag",
    "finns det", "is there") or an imperative to the bot ("förklara", "explain"). A message
    mentioning another user, the group, or a named colleague ("…, Anna?") is "other".

    >>> asks_the_bot("och steg 6?", "UBOT"), asks_the_bot("<@UBOT> förklara steg 3", "UBOT")
    ('question', 'question')
    >>> asks_the_bot("Tack så mycket!", "UBOT"), asks_the_bot(":+1:", "UBOT")
    ('thanks', 'thanks')
    >>> asks_the_bot("Kan du ta med fika imorgon, Anna?", "UBOT")
    'other'
    >>> asks_the_bot("<@U2> vad tycker du?", "UBOT"), asks_the_bot("Jag bokar rummet", "UBOT")
    ('other', 'other')
    """
    text = strip_mentions(text, bot_user_id)
    if _GROUP_MENTION.search(text) or _ANY_MENTION.search(text):
        return "other"
    plain, emoji = _plain(text)
    if _names_someone(plain) or _TO_THE_GROUP.search(plain.lower()):
        return "other"
    if any(_asks(clause) for clause in _CLAUSE.split(plain)):
        return "question"
    return "thanks" if _thanks(_tokens(plain), emoji) else "other"


def _plain(text: str) -> tuple[str, set[str]]:
    """Return `text` without links and emoji, and the emoji (shortcodes and characters)."""
    text = _LINK.sub(lambda m: m.group(1) or " ", text)
    text = re.sub(r"(?<![\w+])\+1(?!\w)", " :+1: ", text)
    emoji = set(_SHORTCODE.findall(text))
    text = _SHORTCODE.sub(" ", text)
    symbols = {c for c in text if unicodedata.category(c) in ("So", "Sk", "Cs") or c in "\u200d\ufe0f"}
    emoji |= symbols
    return "".join(" " if c in symbols else c for c in text).strip(), emoji


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\w'’]+", text.lower())


def _names_someone(text: str) -> bool:
    """Return True when `text` is addressed to a named person ("Anna, …", "…, Anna?")."""
    for pattern in _NAMED:
        match = pattern.search(text)
        if match and match.group(1).lower() not in _NOT_NAMES:
            return True
    return False


def _asks(clause: str) -> bool:
    """Return True when one clause is a question or a request to the bot."""
    words = _tokens(clause)
    while words and words[0] in _LEADING_FILLERS:
        words = words[1:]
    if not words:
        return False
    if clause.rstrip().endswith("?"):
        return True
    first, second = words[0], (words[1:2] or [""])[0]
    if first in ("vad", "how", "what") and second in _EXCLAIMED:
        return False  # "vad bra!", "what a great answer"
    return (first in _QUESTION_WORDS or first.startswith("vilk") or first in _V1_VERBS
            or first in _IMPERATIVES or (first in _AUXILIARIES and second in _SUBJECTS)
            or second in _IMPERATIVE_WITH.get(first, ()) or bool(_WONDER.search(" ".join(words))))


def _thanks(words: list[str], emoji: set[str]) -> bool:
    """Return True for thanks or an acknowledgement ("tack!", "toppen", "👍", "great")."""
    if not words:
        return bool(emoji & _ACK_EMOJI)
    lead = [w for w in words[:3] if w not in ("tusen", "stort", "many", "big")]
    if lead and lead[0] in _THANKS and lead[1:2] != ["vare"]:
        return True
    return all(w in _ACK or w in _ACK_FILLERS for w in words) and any(w in _ACK for w in words)
