"""Cut text at a natural break: one rule for every text that must fit a limit.

The break is the strongest one in the second half of the allowed length: a paragraph,
else a line, else a sentence end, else a word; only text without any is cut hard.
"""

import re

# Strongest first; each matches the whitespace where the cut goes (it starts the tail).
_BREAKS = (
    re.compile(r"\n[ \t]*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])\s"),
    re.compile(r"\s"),
)


def cut_point(text: str, limit: int) -> int:
    """Return where to cut `text` so that `text[:cut]` keeps at most `limit` characters.

    >>> [text[: cut_point(text, n)] for text, n in [("Ett två. Tre fyra", 12), ("Ett två tre", 9), ("abcdef", 4)]]
    ['Ett två.', 'Ett två', 'abcd']
    """
    if len(text) <= limit:
        return len(text)
    head = text[: limit + 1]  # whitespace right at `limit` is still a break
    for pattern in _BREAKS:
        starts = [m.start() for m in pattern.finditer(head)]
        # Not in the first half: a long text would otherwise be cut into slivers.
        if starts and starts[-1] > limit // 2:
            return starts[-1]
    return limit


def shorten(text: str, limit: int, ellipsis: str = " …") -> str:
    """Return `text` cut to at most `limit` characters; `ellipsis` marks a cut mid-sentence.

    >>> shorten("Ett två. Tre fyra fem.", 12)
    'Ett två.'
    >>> shorten("Ett två tre fyra fem", 14)
    'Ett två tre …'
    >>> shorten("x" * 10, 5, "…")
    'xxxx…'
    """
    if len(text) <= limit:
        return text
    head = text[: cut_point(text, limit - len(ellipsis))].rstrip()
    return head if head.endswith((".", "!", "?")) else head + ellipsis
