"""Prometheus metrics of one process, served at `GET /metrics` (prometheus-client).

`Metrics()` is built once (in `bot.wiring.Services`) and passed down; it has its own
registry, so tests and benchmarks can build as many as they like and nothing registers
at import time. One `bot serve` process is one replica (a single uvicorn worker with a
bounded thread pool), so its registry holds the whole replica's counts; scaling out
means more replicas behind the load balancer, each scraped on its own.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """Every metric of HP-assistenten, in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.questions = Counter("hp_questions", "Questions received.", ["surface"], registry=r)
        self.answers = Counter("hp_answers", "Answers given, by coverage.", ["coverage"], registry=r)
        self.refusals = Counter("hp_refusals", "Answers saying the documents do not cover the question.", registry=r)
        self.failures = Counter("hp_answer_failures", "Questions answered with an error text.", ["reason"], registry=r)
        self.fallbacks = Counter(
            "hp_fallbacks", "Degraded paths taken (dedupe_memory, record_lost, llm).", ["kind"], registry=r
        )
        self.answer_seconds = Histogram(
            "hp_answer_seconds", "Time from question to answer delivered.", buckets=LATENCY_BUCKETS, registry=r
        )
        self.request_seconds = Histogram(
            "hp_http_request_seconds", "Time to respond to an HTTP request (the Slack ack).",
            ["path", "status"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self.rejected_requests = Counter(
            "hp_http_rejected", "HTTP requests refused before Bolt saw them.", ["reason"], registry=r
        )
        self.outbox_depth = Gauge("hp_outbox_depth", "Replies waiting in the outbox.", registry=r)
        self.outbox_retries = Counter("hp_outbox_retries", "Outbox delivery attempts that failed.", registry=r)
        self.outbox_delivered = Counter("hp_outbox_delivered", "Replies delivered from the outbox.", registry=r)
        self.outbox_expired = Counter("hp_outbox_expired", "Replies given up on (the user was told).", registry=r)
        self.posts = Counter("hp_posts", "Scheduled posts, by kind and outcome.", ["kind", "status"], registry=r)
        self.slack_errors = Counter(
            "hp_slack_errors", "Slack Web API calls that failed.", ["method", "error"], registry=r
        )
        self.scheduler_leader = Gauge(
            "hp_scheduler_leader", "1 while this replica holds the scheduler lease.", registry=r
        )
        self.ready = Gauge("hp_ready", "1 when the index and the database answer.", registry=r)

    def render(self) -> tuple[bytes, str]:
        """Return the exposition text and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
