"""Log lines: one setup for every process (JSON or text), and the request id that every line of a request carries.

A request id is bound to the context (a contextvar) for as long as the API serves a request or a worker runs a
task that request enqueued; a filter on factdesk's handler adds it, and the task's id and name, to each line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any, TextIO

REQUEST_ID_HEADER = "X-Request-Id"
# The message header that carries a request id to the task a request enqueued.
TASK_HEADER = "factdesk_request_id"
FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# An id a client or a load balancer sent is kept only if it is short and plain: it is echoed in a header and
# written to every log line, where anything else could forge lines or split headers.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
# The fields every line of the current request or task carries (request_id, task_id, task).
_CONTEXT: ContextVar[dict[str, str] | None] = ContextVar("factdesk_log_context", default=None)
_CONTEXT_FIELDS = ("request_id", "task_id", "task")
# What a LogRecord holds of its own; anything else on a record (`extra=`) is written as a field of its own.
_RECORD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime",
                                                                                   *_CONTEXT_FIELDS}


def accept_request_id(sent: str | None) -> str:
    """The id a caller sent (`X-Request-Id`) when it is sane (1-128 of A-Z a-z 0-9 . _ -), else a new one."""
    if sent and _SANE_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The request id of the request or task being served in this context, if any."""
    return (_CONTEXT.get() or {}).get("request_id")


def bind(**fields: str | None) -> Token[dict[str, str] | None]:
    """Add `fields` (request_id, task_id, task) to every line logged in this context until `unbind`."""
    merged = {**(_CONTEXT.get() or {}), **{k: v for k, v in fields.items() if v}}
    return _CONTEXT.set(merged)


def unbind(token: Token[dict[str, str] | None]) -> None:
    _CONTEXT.reset(token)


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


class ContextFilter(logging.Filter):
    """Puts the context's request id (and task id and name) on each record; None where there is none."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _CONTEXT.get() or {}
        for name in _CONTEXT_FIELDS:
            if getattr(record, name, None) is None:
                setattr(record, name, context.get(name))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, then task, task_id, any `extra=` fields
    and the traceback (exc_info) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in ("task", "task_id"):
            if getattr(record, name, None):
                line[name] = getattr(record, name)
        line.update((k, v) for k, v in record.__dict__.items() if k not in _RECORD_ATTRS and not k.startswith("_"))
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines for people, ending in the request id when there is one (before any traceback)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [request_id={request_id}]" if request_id else line


def make_formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure_logging(level: str, fmt: str, stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's lines to standard error (or `stream`) in `fmt` ("json" or "text") at `level`.

    Safe to repeat: the process keeps one factdesk handler on the root logger, re-formatted each time. Other
    handlers on the root logger (a test's capture) are left alone. Returns the handler.
    """
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "factdesk", False)), None)
    if handler is None:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.factdesk = True  # type: ignore[attr-defined]
        handler.addFilter(ContextFilter())
        root.addHandler(handler)
    elif stream is not None and isinstance(handler, logging.StreamHandler):
        handler.setStream(stream)
    handler.setFormatter(make_formatter(fmt))
    root.setLevel(level)
    return handler
