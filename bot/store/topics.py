"""How many questions the bot was asked, by topic: no names, no question texts.

A question's topic is the document its answer quoted first (the first of the answer's
sources, by title); an answer that quoted nothing counts under NO_ANSWER. A question
answered again after an edit counts once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sqlalchemy import Engine, select

from bot.store.answers import answers_table

NO_ANSWER = "Inget svar i dokumenten"


def topic_of(sources_json: str, refused: bool) -> str:
    """Return the topic of one stored answer: its first source's title, or NO_ANSWER.

    >>> topic_of('[{"id": "apt", "title": "APT – arbetsplatsträff", "section": "Syfte"}]', False)
    'APT – arbetsplatsträff'
    >>> topic_of("[]", False)
    'Inget svar i dokumenten'
    """
    try:
        sources = json.loads(sources_json or "[]")
    except ValueError:
        sources = []
    if refused or not sources or not isinstance(sources[0], dict):
        return NO_ANSWER
    first = sources[0]
    return str(first.get("title") or first.get("id") or NO_ANSWER)


def question_topics(engine: Engine, start: dt.datetime, end: dt.datetime, channel: str | None = None) -> Counter[str]:
    """Count the questions answered in [start, end) by topic (in `channel` only, if given)."""
    t = answers_table
    # In UTC: SQLite keeps the wall time of what was stored (UTC) and drops the offset.
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    query = (
        select(t.c.id, t.c.channel, t.c.question_ts, t.c.sources, t.c.refused)
        .where(t.c.created_at >= start, t.c.created_at < end)
        .order_by(t.c.created_at)
    )
    if channel:
        query = query.where(t.c.channel == channel)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    latest: dict[tuple[str, str], tuple[str, bool]] = {}
    for row in rows:  # an edited question's later answer replaces its first
        latest[(row.channel, row.question_ts or row.id)] = (row.sources, bool(row.refused))
    return Counter(topic_of(sources, refused) for sources, refused in latest.values())
