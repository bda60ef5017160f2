"""Logging of every command: plain text or one JSON object a line, on stderr.

Our own log lines never hold a question or an answer. Some libraries' do, so their records
are held back here, on the handler, whatever level their loggers were given:

- slack_sdk logs whole Web API requests and responses at DEBUG (threads as typed);
- slack_bolt logs the body of a request that fails the signature check at INFO, and gives
  its loggers the root's level when the app is built (so a level set on "slack_bolt" is
  not enough);
- openai logs each request's options at DEBUG, the prompt (question and passages) included.
"""

import logging
import sys
from typing import Literal

__all__ = ["TEXT_FORMAT", "configure_logging", "withhold_texts"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CHATTY = ("slack_sdk", "slack_bolt", "openai")  # loggers whose DEBUG records carry texts
_REJECTED = "slack_bolt.RequestVerification"  # its INFO record holds the rejected body
_JSON_FIELDS = {"levelname": "level", "name": "logger", "exc_info": "exception"}


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is when a record is written (test runners swap it)."""

    def write(self, text: str) -> int:
        """Write `text` to the current stderr."""
        return sys.stderr.write(text)

    def flush(self) -> None:
        """Flush the current stderr."""
        sys.stderr.flush()


class _BotHandler(logging.StreamHandler[_CurrentStderr]):
    """The one handler `configure_logging` installs (and replaces when called again)."""


def withhold_texts(record: logging.LogRecord) -> bool:
    """Drop the library records that carry message texts; keep the rejection, without its body.

    >>> rejected = logging.LogRecord(_REJECTED, logging.INFO, "", 0, "body: %s", ("text=hej",), None)
    >>> withhold_texts(rejected), rejected.getMessage()
    (True, 'Invalid request signature detected (body withheld)')
    >>> withhold_texts(logging.LogRecord("slack_sdk.web", logging.DEBUG, "", 0, "body", (), None))
    False
    """
    if record.name == _REJECTED and record.levelno < logging.WARNING:
        record.msg, record.args = "Invalid request signature detected (body withheld)", ()
        return True
    return not (record.levelno < logging.INFO and record.name.startswith(_CHATTY))


def configure_logging(level: str, log_format: Literal["text", "json"]) -> logging.Handler:
    """Send every record at `level` and above to stderr as text or JSON lines; return the handler.

    Called again (tests run many commands in one process), it replaces its own handler and
    leaves any other (pytest's) in place.
    """
    handler = _BotHandler(_CurrentStderr())
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "{levelname}{name}{message}", style="{", timestamp="time",
            rename_fields=_JSON_FIELDS, json_ensure_ascii=False,
        ))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(withhold_texts)
    # On the logger too, so that every handler (an operator's, pytest's) gets the body withheld.
    rejected = logging.getLogger(_REJECTED)
    if withhold_texts not in rejected.filters:
        rejected.addFilter(withhold_texts)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _BotHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Belt and braces for loggers that do not copy the root's level (slack_sdk's).
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
    return handler
