"""User-facing strings of the Slack shell, Swedish first, English when the question was.

Slack mrkdwn, not Markdown: `*bold*`, `_italic_`, `<url|label>`.
"""

_TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "sources": "Källor",
        "helpful": "Hjälpte svaret?",
        "up": "👍 Bra svar",
        "down": "👎 Inte bra",
        "share": "Dela i kanalen",
        "shared_by": "Delat av <@{user}> via /hp",
        "shared": "Svaret är delat i kanalen.",
        "share_failed": "Jag kunde inte dela svaret här. Bjud in mig med `/invite @HP-assistenten`"
        " och försök igen.",
        "thanks_up": "Tack! Skönt att svaret hjälpte. 👍",
        "thanks_down": "Tack för återkopplingen! Vi går igenom svaren som inte hjälpte. 👎",
        "truncated": "_Svaret är för långt för ett Slack-meddelande och har kortats._",
        "searching": "🔎 Letar i dokumenten …",
        "status": "letar i dokumenten …",
        "error": ":warning: Något gick fel när jag skulle svara. Försök igen om en stund.",
        "index_missing": ":warning: Jag kan inte svara just nu: kunskapsbasen är inte indexerad"
        " än. Säg till en administratör.",
        "index_unavailable": ":warning: Jag når inte kunskapsbasen just nu. Försök igen om en"
        " stund; säg till en administratör om det håller i sig.",
        "timeout": ":warning: Det tog för lång tid att ta fram ett svar. Försök igen, gärna med"
        " en kortare fråga.",
        "expired": "Svaret finns inte kvar att dela. Ställ frågan igen med `/hp`.",
    },
    "en": {
        "sources": "Sources",
        "helpful": "Was this helpful?",
        "up": "👍 Helpful",
        "down": "👎 Not helpful",
        "share": "Share in channel",
        "shared_by": "Shared by <@{user}> via /hp",
        "shared": "The answer is shared in the channel.",
        "share_failed": "I couldn't share the answer here. Invite me with `/invite @HP-assistenten`"
        " and try again.",
        "thanks_up": "Thanks! Glad it helped. 👍",
        "thanks_down": "Thanks for the feedback! We review the answers that didn't help. 👎",
        "truncated": "_The answer is too long for one Slack message and has been shortened._",
        "searching": "🔎 Searching the documents …",
        "status": "searching the documents …",
        "error": ":warning: Something went wrong while answering. Please try again shortly.",
        "index_missing": ":warning: I can't answer right now: the knowledge base hasn't been"
        " indexed yet. Please tell an administrator.",
        "index_unavailable": ":warning: I can't reach the knowledge base right now. Please try"
        " again shortly, and tell an administrator if it persists.",
        "timeout": ":warning: Finding an answer took too long. Please try again, perhaps with a"
        " shorter question.",
        "expired": "The answer is no longer available to share. Ask again with `/hp`.",
    },
}

HELP = """*HP-assistenten* svarar på frågor om horisontella principer, mänskliga rättigheter \
och Respekttrappan – ur förbundets egna dokument, med källor.

• *Nämn mig* i en kanal: `@HP-assistenten vad är Respekttrappan?` – jag svarar i tråden.
• *Fortsätt i tråden* utan att nämna mig igen: `och hur ofta då?` – jag svarar på \
frågor till mig, inte på det ni skriver till varandra.
• *Redigera din fråga* så uppdaterar jag svaret.
• *Skriv till mig direkt* i ett DM.
• `/hp <fråga>` – ett svar bara du ser, med en knapp för att dela det i kanalen.
• `/hp schema` – schemalagda HP-punkter och APT-påminnelser \
(`/hp paus`, `/hp fortsätt`, `/hp hoppa`, `/hp steg N`).
• `/hp hjälp` – den här texten.

Tryck 👍 eller 👎 under ett svar – det hjälper oss att göra svaren bättre. \
Jag svarar på engelska om du frågar på engelska."""

_HELP_WORDS = {"", "hjälp", "hjalp", "help", "?", "-h", "--help"}


def text(key: str, language: str = "sv", **values: str) -> str:
    """Return the UI string `key` in `language` ("sv" unless "en"), formatted with `values`.

    >>> text("share", "en")
    'Share in channel'
    """
    table = _TEXTS["en" if language == "en" else "sv"]
    return table[key].format(**values) if values else table[key]


def is_help(command_text: str) -> bool:
    """Return True when a `/hp` text asks for help (or is empty).

    >>> is_help("  Hjälp "), is_help("vad är HP?")
    (True, False)
    """
    return command_text.strip().lower() in _HELP_WORDS
