"""An answerer that is built again, with backoff, until its dependencies answer.

`bot serve` starts even when Chroma is down. Until the real answerer can be built every
question raises the error it could not be built with (the Slack shell shows its Swedish
text); the first question after Chroma is back builds it, and from then on it answers.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from bot.answer.types import Answer, Answerer, StreamingAnswerer, Turn
from bot.errors import HPError

log = logging.getLogger(__name__)


class RetryingAnswerer:
    """Stands in for the answerer `build` returns, trying to build it at most once per backoff step."""

    def __init__(self, build: Callable[[], Answerer], error: HPError, *, first_delay: float = 0.5,
                 max_delay: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._build, self._error, self._clock = build, error, clock
        self._max, self._delay = max_delay, first_delay
        self._next_try = clock() + first_delay
        self._real: Answerer | None = None
        self._lock = threading.Lock()  # one build at a time; the other questions get the error

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer with the real answerer, or raise why it cannot be built yet."""
        return self.current().ask(question, history)

    def ask_streaming(self, question: str, history: Sequence[Turn] = (),
                      on_text: Callable[[str], None] | None = None) -> Answer:
        """Stream when the real answerer streams; else answer whole."""
        real = self.current()
        if isinstance(real, StreamingAnswerer):
            return real.ask_streaming(question, history, on_text)
        return real.ask(question, history)

    def current(self) -> Answerer:
        """Return the real answerer, building it when the backoff allows; else raise the last error."""
        if self._real is not None:
            return self._real
        if not self._lock.acquire(blocking=False):  # another thread is building it
            raise self._error.with_traceback(None)
        try:
            return self._real or self._try_build()
        finally:
            self._lock.release()

    def _try_build(self) -> Answerer:
        """Build the real answerer if its time has come; raise the last error if not, or if it fails."""
        if self._clock() < self._next_try:
            raise self._error.with_traceback(None)  # no traceback chain growing question by question
        try:
            self._real = self._build()
        except HPError as error:
            self._error = error
            self._delay = min(self._delay * 2, self._max)
            self._next_try = self._clock() + self._delay
            raise
        log.warning("the answerer is available again")
        return self._real
