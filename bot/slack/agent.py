"""The agent DM's pure parts: its suggested prompts and the titles of its threads.

Slack's agent messaging experience (`agent_view`, docs.slack.dev/ai/migrating-to-agent-messaging):
a user opening the app's DM arrives as `app_home_opened` with `tab: "messages"`; suggested
prompts are set for the DM without a `thread_ts`; each top-level message in the DM starts
a thread, titled with `assistant.threads.setTitle`.
"""

from collections.abc import Collection

from bot.answer.privacy import mask
from bot.ingest.cutting import shorten
from bot.slack.conversation import strip_mentions
from bot.slack.texts import SUGGESTED_PROMPTS

MAX_PROMPTS = 4  # docs.slack.dev/reference/methods/assistant.threads.setSuggestedPrompts: "up to four"
TITLE_CHARS = 60  # what fits a thread list's line; Slack documents no limit


def suggested_prompts(known: Collection[str] | None) -> list[dict[str, str]]:
    """Return up to four prompts whose document is indexed (`known` ids; None: not known).

    >>> [p["message"] for p in suggested_prompts({"apt", "lex-heller"})]
    ['Hur tar vi upp jämställdhet på APT?', 'Vad är lex Heller?']
    >>> len(suggested_prompts(None))
    4
    """
    chosen = [(title, message) for doc_id, title, message in SUGGESTED_PROMPTS if known is None or doc_id in known]
    return [{"title": title, "message": message} for title, message in chosen[:MAX_PROMPTS]]


def thread_title(text: str, bot_user_id: str | None = None) -> str:
    """Return a thread's title from its first question: masked, on one line, cut.

    >>> thread_title("Mitt pnr är 19900101-0017,\\n vad gäller för mig?")
    'Mitt pnr är [personnummer], vad gäller för mig?'
    >>> thread_title("Hur " + "länge " * 20 + "då?")
    'Hur länge länge länge länge länge länge länge länge länge …'
    """
    plain = " ".join(mask(strip_mentions(text, bot_user_id)).text.split())
    return shorten(plain, TITLE_CHARS)
