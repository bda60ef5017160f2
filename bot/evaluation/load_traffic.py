"""The signed Slack traffic of `bot bench load`, sent open-loop at a fixed rate.

Every sixth event of a cycle is, in turn: a mention in a channel, a DM, a retry of the
latest question (`X-Slack-Retry-Num`), another mention, a re-delivery of the latest
question's event_id to the other replica, and a 👍 click on an answer (a mention while
there is none yet). A third of the events are thus retries and duplicates, as Slack
sends them. Events are scheduled by the clock, not by waiting for acks: a slow replica
makes acks late, it does not slow the sender down.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.evaluation.slack_standin import signed_headers

BOT = "UBOT"  # the stand-in's auth.test user id
TIMEOUT = 10.0  # seconds a request may take before it counts as answered with nothing
CYCLE = ("mention", "dm", "retry", "mention", "redelivery", "click")


@dataclass
class Question:
    """One distinct question (its event may be sent several times)."""

    channel: str
    ts: str
    event_id: str
    body: str
    replica: int
    sent_at: float  # time.monotonic() it was due
    warmup: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """Return (channel, ts): how answers are matched to it."""
        return (self.channel, self.ts)


@dataclass
class Traffic:
    """Builds and sends the events; keeps every question and every ack."""

    urls: list[str]
    secret: str
    texts: list[str]
    response_url: str
    answers: Callable[[], list[tuple[str, str]]]  # (answer_id, channel) of answers so far
    questions: list[Question] = field(default_factory=list)
    acks: list[tuple[str, int, float]] = field(default_factory=list)  # (kind, status, seconds)
    late: list[float] = field(default_factory=list)  # how late each request left (the sender's own lag)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _base: int = field(default_factory=lambda: int(time.time()))

    def run(self, rate: float, seconds: float) -> None:
        """Send `rate` events a second for `seconds`, round-robin over the replicas."""
        # Enough threads for every request of the 10 s timeout to be open at once: a slow ack
        # must not hold the next event back (that would hide the slowness it measures).
        workers = min(512, int(rate * TIMEOUT) + 8)
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="load") as pool:
            for i in range(int(rate * seconds)):
                due = start + i / rate
                time.sleep(max(0.0, due - time.monotonic()))
                kind, url, body, headers = self.next_event(i, due)
                pool.submit(self._post, kind, url, body, headers, due)

    def ask(self, replica: int, due: float, *, dm: bool = False, warmup: bool = False) -> Question:
        """Register a new question for `replica` and return it (send it with `send`)."""
        n = len(self.questions)
        ts = f"{self._base}.{n:06d}"
        text = self.texts[n % len(self.texts)]
        if dm:  # a DM channel of its own: its top level is this question's
            event = {"type": "message", "channel_type": "im", "channel": f"D{n:08d}", "text": text}
        else:
            event = {"type": "app_mention", "channel": "C0LOAD", "text": f"<@{BOT}> {text}"}
        event |= {"user": f"U{n:06d}", "team": "T0LOAD", "ts": ts, "event_ts": ts}
        event_id = f"Ev{self._base}{n:06d}"
        body = json.dumps({
            "token": "legacy", "team_id": "T0LOAD", "api_app_id": "A0LOAD", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": "T0LOAD", "user_id": BOT, "is_bot": True}],
        })
        question = Question(event["channel"], ts, event_id, body, replica, due, warmup)
        with self._lock:
            self.questions.append(question)
        return question

    def next_event(self, i: int, due: float) -> tuple[str, str, str, dict[str, str]]:
        """Return (kind, url, body, extra headers) of event `i`."""
        kind = CYCLE[i % len(CYCLE)]
        replica = i % len(self.urls)
        latest = next((q for q in reversed(self.questions) if not q.warmup), None)
        answers = self.answers()
        if kind == "click" and answers:
            answer_id, channel = answers[i % len(answers)]
            return kind, self.urls[replica], self.click(answer_id, channel), {}
        if kind == "retry" and latest:
            headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            return kind, self.urls[replica], latest.body, headers
        if kind == "redelivery" and latest:
            other = (latest.replica + 1) % len(self.urls)
            return kind, self.urls[other], latest.body, {}
        question = self.ask(replica, due, dm=kind == "dm")
        return ("dm" if kind == "dm" else "mention"), self.urls[replica], question.body, {}

    def click(self, answer_id: str, channel: str) -> str:
        """Return the form body of a 👍 click on answer `answer_id`."""
        payload = {
            "type": "block_actions", "user": {"id": "U0CLICK"}, "team": {"id": "T0LOAD"},
            "api_app_id": "A0LOAD", "channel": {"id": channel}, "trigger_id": "1.2.load",
            "container": {"type": "message", "channel_id": channel},
            "response_url": self.response_url,
            "actions": [{"type": "button", "action_id": "feedback_up", "value": answer_id,
                         "block_id": f"answer-{answer_id}", "action_ts": str(time.time())}],
        }
        return "payload=" + urllib.parse.quote(json.dumps(payload))

    def send(self, question: Question) -> None:
        """Send `question`'s event now (the warm-up)."""
        self._post("warmup", self.urls[question.replica], question.body, {}, time.monotonic())

    def _post(self, kind: str, url: str, body: str, extra: dict[str, str], due: float) -> None:
        """POST one signed event; record its status and its latency from when it was due."""
        late = time.monotonic() - due
        content_type = "application/x-www-form-urlencoded" if body.startswith("payload=") else "application/json"
        headers = {"Content-Type": content_type, **signed_headers(self.secret, body), **extra}
        request = urllib.request.Request(url, data=body.encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                response.read()
                status = int(response.status)
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0  # no HTTP response at all (refused, reset, timed out)
        with self._lock:
            self.acks.append((kind, status, time.monotonic() - due))
            self.late.append(late)

