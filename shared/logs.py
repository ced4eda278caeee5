"""JSON logging with the article id carried through every service.

Set the id once with `article_context(id)`; every log record inside that context carries `article_id`,
so `grep <id>` over the logs of ingest, the workers and query follows one article end to end.
"""

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

_article_id: ContextVar[str | None] = ContextVar("article_id", default=None)


class _ArticleIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "article_id"):
            record.article_id = _article_id.get()
        return True


@contextmanager
def article_context(article_id: str) -> Iterator[None]:
    token = _article_id.set(article_id)
    try:
        yield
    finally:
        _article_id.reset(token)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route every logger (uvicorn's and aio-pika's included) to one JSON line per record on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(article_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
        )
    )
    handler.addFilter(_ArticleIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # aio-pika and aiormq are chatty at INFO about every reconnect attempt.
    for name in ("aio_pika", "aiormq"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
