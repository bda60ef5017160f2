"""Posted answers and the 👍/👎 votes on them, in SQL so every replica sees them.

An answer is recorded when it is posted, so its buttons carry the record's id; with it
go the ts of the question's message and (once posted) of its own, so that an edited
question can update its answer in place. Users appear only as a salted sha256 hash, and
questions only with their personal data masked (`bot.answer.privacy`), also when read back
for `bot feedback` (its summary and its export), so rows older than the masking are masked too.
A 👎 may carry a reason (one of `REASONS`) and a comment, masked the same way.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Select,
    SmallInteger,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from bot.answer.privacy import mask
from bot.answer.types import Answer, Source
from bot.ingest.knowledge import as_kind
from bot.store.db import METADATA

answers_table = Table(
    "slack_answers",
    METADATA,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("sources", Text, nullable=False),  # JSON list of {id, title, section, url, score}
    Column("language", String(8), nullable=False),
    Column("refused", Boolean, nullable=False),
    Column("notice", Text),
    Column("channel", String(32), nullable=False),
    Column("thread_ts", String(32)),
    Column("user_hash", String(64), nullable=False),
    Column("question_ts", String(32)),  # the question's message: its edit is answered again
    Column("message_ts", String(32)),  # the answer's message (set once posted): updated then
    Index("ix_slack_answers_thread", "channel", "thread_ts"),
    Index("ix_slack_answers_question", "channel", "question_ts"),
)

votes_table = Table(
    "slack_votes",
    METADATA,
    Column("answer_id", String(32), ForeignKey("slack_answers.id"), primary_key=True),
    Column("user_hash", String(64), primary_key=True),
    Column("vote", SmallInteger, nullable=False),  # +1 or -1
    Column("voted_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(32)),  # why a 👎: one of REASONS (None: not given)
    Column("comment", Text),  # the voter's own words, masked; blanked with the answer's texts
)

# Why an answer got 👎, as the reason dialog offers it (labels: bot.slack.texts.REASON_LABELS).
REASONS = ("wrong", "not_answered", "not_in_documents", "other")
COMMENT_LIMIT = 500  # characters of a 👎 comment kept (the dialog allows no more)


@dataclass(frozen=True)
class PostedAnswer:
    """The message holding the bot's latest answer to one question."""

    answer_id: str
    thread_ts: str | None
    message_ts: str


class DownVote(NamedTuple):
    """One 👎: when, the question (masked) and the reason its voter gave (None: none)."""

    voted_at: datetime
    question: str
    reason: str | None = None


@dataclass(frozen=True)
class FeedbackSummary:
    """Vote counts and the latest 👎 questions (newest first)."""

    up: int
    down: int
    latest_down: list[DownVote]
    by_reason: dict[str | None, int] = field(default_factory=dict)  # 👎 per reason; None: none given

    @property
    def share_up(self) -> float | None:
        """Return the share of 👍 among all votes, or None without votes."""
        total = self.up + self.down
        return self.up / total if total else None


class AnswerLog:
    """Records posted answers and votes; `salt` keeps user ids out of the database."""

    def __init__(self, engine: Engine, salt: str) -> None:
        self._engine = engine
        self._salt = salt

    def hash_user(self, user_id: str) -> str:
        """Return the salted sha256 of a Slack user id."""
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()

    def record(
        self, answer: Answer, *, channel: str, thread_ts: str | None, user_id: str,
        question_ts: str | None = None, now: datetime | None = None,
    ) -> str:
        """Store an answer about to be posted and return its id (the value of its buttons).

        The question is masked here again: the answerers mask it already, but the table must
        never hold a personnummer, whoever built the answer.
        """
        answer_id = uuid.uuid4().hex
        sources = [
            {"id": s.id, "title": s.title, "section": s.section, "url": s.url,
             "score": round(s.score, 4), "chunk_id": s.chunk_id, "kind": s.kind, "organisation": s.organisation}
            for s in answer.sources
        ]
        row = {
            "id": answer_id, "created_at": now or datetime.now(UTC),
            "question": mask(answer.question).text, "answer": answer.text,
            "sources": json.dumps(sources, ensure_ascii=False), "language": answer.language,
            "refused": answer.refused, "notice": answer.notice, "channel": channel,
            "thread_ts": thread_ts, "question_ts": question_ts,
            "user_hash": self.hash_user(user_id),
        }
        with self._engine.begin() as conn:
            conn.execute(insert(answers_table).values(**row))
        return answer_id

    def get(self, answer_id: str) -> Answer | None:
        """Return the stored answer, or None when the id is unknown."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(answers_table).where(answers_table.c.id == answer_id)
            ).mappings().first()
        if row is None or not row["answer"]:  # unknown, or its texts pruned: expired
            return None
        sources = tuple(
            Source(id=s["id"], title=s["title"], section=s["section"], score=s["score"],
                   text="", url=s.get("url"), chunk_id=s.get("chunk_id", ""),
                   kind=as_kind(s.get("kind")), organisation=s.get("organisation", ""))
            for s in json.loads(row["sources"])
        )
        return Answer(question=mask(row["question"]).text, text=row["answer"], refused=row["refused"],
                      language=row["language"], sources=sources, notice=row["notice"])

    def posted(self, answer_id: str, message_ts: str) -> None:
        """Remember the message the answer `answer_id` was posted as (or updated into)."""
        with self._engine.begin() as conn:
            conn.execute(update(answers_table).where(answers_table.c.id == answer_id)
                         .values(message_ts=message_ts))

    def answer_to(self, channel: str, question_ts: str) -> PostedAnswer | None:
        """Return the latest posted answer to the question `question_ts`, or None."""
        t = answers_table
        query = (select(t.c.id, t.c.thread_ts, t.c.message_ts)
                 .where(t.c.channel == channel, t.c.question_ts == question_ts,
                        t.c.message_ts.is_not(None))
                 .order_by(t.c.created_at.desc()).limit(1))
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else PostedAnswer(row.id, row.thread_ts, row.message_ts)

    def answered_in_thread(self, channel: str, thread_ts: str) -> bool:
        """Return True when the bot has posted an answer in this thread."""
        query = select(answers_table.c.id).where(
            answers_table.c.channel == channel, answers_table.c.thread_ts == thread_ts
        ).limit(1)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def vote(self, answer_id: str, user_id: str, up: bool, now: datetime | None = None) -> bool:
        """Store (or change) a user's vote; return False when the answer is unknown."""
        user_hash = self.hash_user(user_id)
        row = {"answer_id": answer_id, "user_hash": user_hash, "vote": 1 if up else -1,
               "voted_at": now or datetime.now(UTC)}
        with self._engine.begin() as conn:
            known = conn.execute(
                select(answers_table.c.id).where(answers_table.c.id == answer_id)
            ).first()
            if known is None:
                return False
            conn.execute(delete(votes_table).where(
                votes_table.c.answer_id == answer_id, votes_table.c.user_hash == user_hash))
            try:
                conn.execute(insert(votes_table).values(**row))
            except IntegrityError:  # the same click arrived twice at two replicas
                pass
        return True

    def explain(self, answer_id: str, user_id: str, reason: str | None, comment: str | None) -> bool:
        """Store why the user voted 👎 on `answer_id`; return False when there is no such 👎.

        An unknown reason is stored as None; the comment is masked, cut to COMMENT_LIMIT
        characters, and None when blank.
        """
        text = mask(comment.strip()[:COMMENT_LIMIT]).text if comment and comment.strip() else None
        values = {"reason": reason if reason in REASONS else None, "comment": text}
        v = votes_table.c
        with self._engine.begin() as conn:
            changed = conn.execute(update(votes_table).where(
                v.answer_id == answer_id, v.user_hash == self.hash_user(user_id), v.vote == -1,
            ).values(**values)).rowcount
        return bool(changed)

    def prune(self, now: datetime, days: int) -> int:
        """Blank the question and answer texts stored more than `days` before `now`; return how many.

        The row stays with its time, language, sources, refusal and votes, so answers can
        still be counted by topic and by vote; only what was typed and answered goes.
        """
        cutoff = now.astimezone(UTC) - timedelta(days=days)  # stored in UTC (SQLite keeps no zone)
        old = (answers_table.c.created_at < cutoff) & (answers_table.c.answer != "")
        old_ids = select(answers_table.c.id).where(answers_table.c.created_at < cutoff)
        with self._engine.begin() as conn:  # the 👎 comments on them go too; their reasons stay
            conn.execute(update(votes_table).where(votes_table.c.answer_id.in_(old_ids),
                                                   votes_table.c.comment.is_not(None)).values(comment=None))
            return conn.execute(update(answers_table).where(old).values(question="", answer="")).rowcount

    def summary(self, latest: int = 10) -> FeedbackSummary:
        """Return vote counts and the `latest` most recently 👎-voted questions."""
        counts = select(votes_table.c.vote, func.count()).group_by(votes_table.c.vote)
        reasons = (select(votes_table.c.reason, func.count()).where(votes_table.c.vote == -1)
                   .group_by(votes_table.c.reason))
        with self._engine.connect() as conn:
            by_vote: dict[int, int] = dict(conn.execute(counts).tuples().all())
            by_reason: dict[str | None, int] = dict(conn.execute(reasons).tuples().all())
            rows = conn.execute(self._down_query().limit(latest)).mappings().all()
        return FeedbackSummary(
            up=by_vote.get(1, 0), down=by_vote.get(-1, 0),
            latest_down=[DownVote(r["voted_at"], mask(r["question"]).text, r["reason"]) for r in rows],
            by_reason=by_reason,
        )

    def downvoted(self) -> list[dict[str, Any]]:
        """Return the 👎 answers as eval-format records for review (newest first).

        Each record carries the `reason` and the masked `comment` of its newest 👎 that gave
        them (None when no voter did).
        """
        with self._engine.connect() as conn:
            rows = conn.execute(self._down_query()).mappings().all()
        seen: dict[str, dict[str, Any]] = {}
        for r in rows:
            record = seen.setdefault(r["id"], {
                "id": f"feedback-{r['id']}", "question": mask(r["question"]).text, "expected_sources": [],
                "must_include": [], "answerable": True, "answer": r["answer"],
                "sources": json.loads(r["sources"]), "reason": None, "comment": None,
            })
            record["reason"] = record["reason"] or r["reason"]
            record["comment"] = record["comment"] or (mask(r["comment"]).text if r["comment"] else None)
        return list(seen.values())

    @staticmethod
    def _down_query() -> Select[Any]:
        return (
            select(answers_table, votes_table.c.voted_at, votes_table.c.reason, votes_table.c.comment)
            .join(votes_table, votes_table.c.answer_id == answers_table.c.id)
            .where(votes_table.c.vote == -1, answers_table.c.answer != "")  # pruned: nothing to review
            .order_by(votes_table.c.voted_at.desc())
        )
