"""The retrieved passage every later stage (answers, posts, Slack) works with."""

from dataclasses import dataclass

from bot.ingest.knowledge import Kind


@dataclass(frozen=True)
class Source:
    """A cited passage, in rank order."""

    id: str  # document id (file stem)
    title: str
    section: str  # heading path, " › "-joined; "" when the document has none
    score: float
    text: str
    url: str | None = None
    chunk_id: str = ""
    kind: Kind = "other"  # whose words: the association's own, another organisation's, or our guidance
    organisation: str = ""  # who wrote the document (front matter `organisation`)
