"""Slack mrkdwn, for answers and scheduled posts alike: escaping, Markdown → mrkdwn, limits.

Pure functions; no Slack client is needed. Limits: docs.slack.dev/reference/block-kit/blocks
(3,000 characters a section text) and chat.postMessage (the top-level `text` is cut
beyond 4,000).
"""

import re

from bot.ingest.cutting import cut_point

SECTION_LIMIT = 3000
TEXT_LIMIT = 4000
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
_BULLET = re.compile(r"^[-*][ \t]+", re.M)
_QUOTE = re.compile(r"^&gt; ", re.M)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


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
    out = _BOLD.sub(r"*\1*", escape(markdown))
    out = _BULLET.sub("• ", _HEADING.sub(r"*\1*", out))
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
        cut = cut_point(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts + [rest] if rest else parts
