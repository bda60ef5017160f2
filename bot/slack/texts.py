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
        "voted_up": "👍 Tack för svaret",
        "voted_down": "👎 Registrerat",
        "truncated": "_Svaret är för långt för ett Slack-meddelande och har kortats._",
        "searching": "🔎 Letar i dokumenten …",
        "status": "letar i dokumenten …",
        # assistant.threads.setStatus `loading_messages`, one a line (at most 10, rotated by Slack)
        "loading": "Letar i dokumenten …\nLäser de bästa avsnitten …\nVäljer ut citaten …\nKontrollerar källorna …",
        "error": ":warning: Något gick fel när jag skulle svara. Försök igen om en stund.",
        "index_missing": ":warning: Jag kan inte svara just nu: kunskapsbasen är inte indexerad"
        " än. Säg till en administratör.",
        "index_unavailable": ":warning: Jag når inte kunskapsbasen just nu. Försök igen om en"
        " stund; säg till en administratör om det håller i sig.",
        "timeout": ":warning: Det tog för lång tid att ta fram ett svar. Försök igen, gärna med"
        " en kortare fråga.",
        "expired": "Svaret finns inte kvar att dela. Ställ frågan igen med `/hp`.",
        "unknown_answer": "Jag hittar inte det svaret längre, så rösten kunde inte sparas. Tack ändå!",
        "store_unavailable": "Jag kan inte spara eller hämta svar just nu. Försök igen om en stund.",
        "undelivered": ":warning: Jag kunde inte leverera svaret på din fråga – Slack tog inte emot det på"
        " en lång stund. Fråga gärna igen.",
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
        "voted_up": "👍 Thanks for voting",
        "voted_down": "👎 Registered",
        "truncated": "_The answer is too long for one Slack message and has been shortened._",
        "searching": "🔎 Searching the documents …",
        "status": "searching the documents …",
        "loading": "Searching the documents …\nReading the best passages …\nChoosing the quotes …"
        "\nChecking the sources …",
        "error": ":warning: Something went wrong while answering. Please try again shortly.",
        "index_missing": ":warning: I can't answer right now: the knowledge base hasn't been"
        " indexed yet. Please tell an administrator.",
        "index_unavailable": ":warning: I can't reach the knowledge base right now. Please try"
        " again shortly, and tell an administrator if it persists.",
        "timeout": ":warning: Finding an answer took too long. Please try again, perhaps with a"
        " shorter question.",
        "expired": "The answer is no longer available to share. Ask again with `/hp`.",
        "unknown_answer": "I can't find that answer any more, so your vote couldn't be saved. Thanks anyway!",
        "store_unavailable": "I can't save or look up answers right now. Please try again shortly.",
        "undelivered": ":warning: I couldn't deliver the answer to your question – Slack did not accept it"
        " for a long while. Please ask again.",
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


# The App Home tab (views.publish), in Swedish: one tab for everyone in the workspace.
HOME: dict[str, str] = {
    "title": "HP-assistenten",
    "how": "*Så frågar du*\n"
    "• *Nämn mig* i en kanal: `@HP-assistenten vad är Respekttrappan?` – jag svarar i tråden.\n"
    "• *Skriv till mig* under fliken Meddelanden – varje fråga blir en egen tråd.\n"
    "• `/hp <fråga>` – ett svar bara du ser, med en knapp för att dela det i kanalen.\n"
    "Jag svarar ur förbundets egna dokument och visar källorna.",
    "examples": "*Prova till exempel*",
    "channels": "Dina kanaler",
    "all_channels": "Schemalagda kanaler",
    "no_channels": "Du är inte med i någon kanal med schemalagda HP-punkter eller APT-påminnelser.",
    "channels_unknown": ":warning: Jag kunde inte se vilka kanaler du är med i just nu.",
    "schedules_unavailable": ":warning: Jag kan inte läsa schemat just nu. Försök igen om en stund.",
    "step": "Respekttrappan steg {number} av {steps}: {name}",
    "paused": ":double_vertical_bar: _Pausad – inget postas förrän schemat fortsätter._",
    "skipped": "_{post} hoppas över._",
    "none_planned": "Inga inlägg inom det närmaste året.",
    "more_channels": "… och {count} kanaler till. Skriv `/hp schema` i kanalen för att se dem.",
    "documents": "Dokumenten jag känner till",
    "more_documents": "… och {count} dokument till.",
    "indexed_at": "Kunskapsbasen ändrades senast {when}.",
    "indexed_unknown": "När kunskapsbasen senast ändrades är inte känt.",
    "index_missing": ":warning: Kunskapsbasen är inte indexerad än.",
    "index_unavailable": ":warning: Jag når inte kunskapsbasen just nu.",
    "feedback": "Återkoppling på svaren",
    "votes": "👍 {up}  ·  👎 {down}",
    "latest_down": "*Senaste frågorna med 👎*",
    "no_down": "Inga 👎 än.",
    "feedback_unavailable": ":warning: Jag kan inte läsa återkopplingen just nu.",
    "pause": "⏸ Pausa",
    "resume": "▶️ Fortsätt",
    "skip": "⏭ Hoppa över nästa",
    "skip_title": "Hoppa över nästa inlägg?",
    "skip_text": "Nästa schemalagda inlägg i <#{channel}> postas inte.",
    "skip_confirm": "Hoppa över",
    "cancel": "Avbryt",
    "step_placeholder": "Sätt nästa APT-steg",
    "step_option": "Steg {number}: {name}",
    "not_admin": "Bara förbundets administratörer kan ändra schemat.",
    "report": "HP-rapport till årsredovisningen",
    "report_text": "HP-punkter postade och genomförda per princip, Respekttrappans steg på APT, "
    "mötenas anteckningar och frågorna till mig per ämne. Jag skickar rapporten (Markdown och "
    "ett diagram) till dig som direktmeddelande.",
    "report_button": "📊 Rapport {year}",
    "report_sent": ":white_check_mark: HP-rapporten för {year} finns nu i ditt direktmeddelande med mig.",
    "report_failed": ":warning: HP-rapporten för {year} kunde inte skapas just nu. Försök igen om en stund.",
    "report_comment": "HP-rapport {year}: underlag till årsredovisningen (Markdown och diagram).",
    "report_not_admin": "Bara förbundets administratörer kan ta fram HP-rapporten.",
}

# Suggested prompts of the agent DM and examples of the App Home: (document id, title, question).
# Each is shown only while its document is indexed; each was checked with `bot ask`.
SUGGESTED_PROMPTS: tuple[tuple[str, str, str], ...] = (
    ("respekttrappan", "Respekttrappan", "Vad är Respekttrappan?"),
    ("horisontella-principer", "De horisontella principerna", "Vilka tre horisontella principer finns i ESF+?"),
    ("diskrimineringslagen", "Diskrimineringsgrunderna", "Vilka är diskrimineringsgrunderna?"),
    ("apt", "Jämställdhet på APT", "Hur tar vi upp jämställdhet på APT?"),
    ("lex-heller", "Lex Heller", "Vad är lex Heller?"),
    ("diskrimineringslagen", "Aktiva åtgärder", "Vad är aktiva åtgärder?"),
)
PROMPTS_TITLE = "Vanliga frågor"

# The dialog a 👎 opens (views.open), in Swedish; its reasons are bot.store.answers.REASONS.
REASON_LABELS: dict[str, str] = {
    "wrong": "Fel svar",
    "not_answered": "Svarade inte på frågan",
    "not_in_documents": "Finns inte i dokumenten",
    "other": "Annat",
}
FEEDBACK_MODAL: dict[str, str] = {
    "title": "Varför 👎?",  # at most 24 characters, as submit and close
    "submit": "Skicka",
    "close": "Hoppa över",
    "intro": "Tack! Din 👎 är registrerad. Berätta gärna varför, så kan vi göra svaren bättre.",
    "reason": "Vad var fel?",
    "comment": "Berätta gärna mer",
    "comment_hint": "Skriv inga personuppgifter – personnummer och telefonnummer tas bort.",
    "no_reason": "utan skäl",
}
