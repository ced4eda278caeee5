"""JSON logging with the article id and the request id carried through every service.

Set the ids once with `article_context(id, request_id=...)`; every log record inside that context carries
`article_id` and `request_id`, so `grep <id>` over the logs of ingest, the workers and query follows one
article end to end, and `grep <request id>` one request (ingest gives each request an id, keeps a caller's
`X-Request-ID`, and the message carries it to the worker in its `x-request-id` header).
"""

import logging
import logging.handlers
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pythonjsonlogger.json import JsonFormatter

_article_id: ContextVar[str | None] = ContextVar("article_id", default=None)
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "article_id"):
            record.article_id = _article_id.get()
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


@contextmanager
def article_context(article_id: str, *, request_id: str | None = None) -> Iterator[None]:
    """Log records inside carry this article's id, and the request's (when given, else the current one)."""
    token = _article_id.set(article_id)
    request_token = None if request_id is None else _request_id.set(request_id)
    try:
        yield
    finally:
        if request_token is not None:
            _request_id.reset(request_token)
        _article_id.reset(token)


@contextmanager
def request_context(request_id: str) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    return _request_id.get()


# A log file is rotated at this size, keeping this many older ones beside it (`<file>.1` is the newest).
LOG_FILE_BYTES = 10 * 1_048_576
LOG_FILE_BACKUPS = 3


def configure_logging(service: str, level: str = "INFO", file: Path | None = None) -> None:
    """Route every logger (uvicorn's and aio-pika's included) to one JSON line per record on stderr, or in
    `file`, rotated."""
    handler: logging.Handler = logging.StreamHandler(sys.stderr)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            file, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
        )
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(article_id)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
        )
    )
    handler.addFilter(_ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # aio-pika and aiormq are chatty at INFO about every reconnect attempt.
    for name in ("aio_pika", "aiormq"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
