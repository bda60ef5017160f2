"""Slack mrkdwn, for answers and scheduled posts alike: escaping, Markdown → mrkdwn, limits.

Pure functions; no Slack client is needed. Limits: docs.slack.dev/reference/block-kit/blocks
(3,000 characters a section text) and chat.postMessage (the top-level `text` is cut
beyond 4,000).
"""

import re
import unicodedata

from bot.ingest.cutting import cut_point

SECTION_LIMIT = 3000
TEXT_LIMIT = 4000
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
_BULLET = re.compile(r"^[-*][ \t]+", re.M)
_QUOTE = re.compile(r"^&gt; ", re.M)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
# What a cut must not split: a link or mention (<url|label>, <@U1>, <!here>) and an escape.
_ATOM = re.compile(r"<[^<>\n]*>|&(?:amp|lt|gt);")
_JOINER, _SELECTOR = "\u200d", "\ufe0f"


def escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn reserves.

    >>> escape("a < b & c")
    'a &lt; b &amp; c'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """Return a Slack link to `url` labelled with the (escaped) mrkdwn `label`.

    >>> link("https://x.se", "A|B")
    '<https://x.se|A¦B>'
    """
    return f"<{url}|{label.replace('|', '¦')}>"  # a "|" in the label would end the URL early


def to_mrkdwn(markdown: str) -> str:
    """Turn light Markdown (bold, headings, bullets, quotes, links) into escaped Slack mrkdwn.

    >>> to_mrkdwn("**Obs** [1] se [HP](https://x.se/a?b=1)")
    '*Obs* [1] se <https://x.se/a?b=1|HP>'
    >>> print(to_mrkdwn("## Mål\\n- **Ett:** a < b\\n> citat [1]"))
    *Mål*
    • *Ett:* a &lt; b
    > citat [1]
    """
    # Headings first: "## **Mål**" is one bold "*Mål*", not "**Mål**" with raw asterisks.
    out = _HEADING.sub(lambda m: f"*{m.group(1).replace('**', '').strip() or m.group(1)}*", escape(markdown))
    out = _BULLET.sub("• ", _BOLD.sub(r"*\1*", out))
    out = _QUOTE.sub("> ", out)  # a Markdown quote line is a Slack quote line too
    return _LINK.sub(lambda m: link(m.group(2).replace("&amp;", "&"), m.group(1)), out)


def blockquote(mrkdwn: str) -> str:
    """Prefix every line with "> " so that Slack shows the text as a quote.

    >>> blockquote("a\\n\\nb")
    '> a\\n>\\n> b'
    """
    return "\n".join(f"> {line}" if line.strip() else ">" for line in mrkdwn.splitlines())


def split_text(mrkdwn: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split `mrkdwn` into parts of at most `limit` characters, at paragraph, line or word ends.

    >>> split_text("ett två tre", limit=7)
    ['ett två', 'tre']
    """
    parts: list[str] = []
    rest = mrkdwn.strip()
    while len(rest) > limit:
        cut = _safe_cut(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts + [rest] if rest else parts


def _safe_cut(text: str, limit: int) -> int:
    """Return `cut_point`, moved back so that no link, escape or character cluster is cut.

    >>> text = "Läs <https://x.se|mer om det> nu"
    >>> text[: _safe_cut(text, 24)]
    'Läs'
    >>> _safe_cut("ab" + "🇸🇪" * 3, 5)
    4
    """
    cut = cut_point(text, limit)
    while inside := _atom_around(text, cut):  # 0: one longer than `limit`, cut somewhere
        cut = cut_point(text, inside)  # the best break before it
    return _cluster_start(text, cut)


def _atom_around(text: str, cut: int) -> int | None:
    """Return where the link or escape that `cut` falls inside starts, if it falls in one."""
    for atom in _ATOM.finditer(text):
        if atom.start() >= cut:
            break
        if cut < atom.end():
            return atom.start()
    return None


def _cluster_start(text: str, cut: int) -> int:
    """Move `cut` back to the start of a user-perceived character (emoji, flag, accent).

    Written by hand: the standard library has no grapheme segmentation, and this covers what
    a hard cut meets in Slack text: combining marks, ZWJ sequences, variation selectors,
    skin tones, flags (pairs of regional indicators) and surrogate pairs.
    """

    def glued(i: int) -> bool:
        """Whether text[i] belongs to the character before it."""
        char, before = text[i], text[i - 1]
        if unicodedata.combining(char) or char in (_JOINER, _SELECTOR) or before == _JOINER:
            return True
        if "\U0001f3fb" <= char <= "\U0001f3ff":  # a skin tone
            return True
        if "\udc00" <= char <= "\udfff" and "\ud800" <= before <= "\udbff":  # a lone pair from JSON
            return True
        flags = 0
        while i - flags > 0 and "\U0001f1e6" <= text[i - flags - 1] <= "\U0001f1ff":
            flags += 1
        return "\U0001f1e6" <= char <= "\U0001f1ff" and flags % 2 == 1

    start = cut
    while 0 < start < len(text) and glued(start):
        start -= 1
    return start or cut
