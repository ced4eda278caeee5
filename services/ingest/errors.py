"""What ingest refuses, and the answer each refusal gets (the app maps them in `install_ingest_error_handlers`).

    IngestError                  an answer other than 202: a status code, a reason, maybe headers
    ├── InvalidSubmission        422: the body is not acceptable; `errors` lists the fields at fault
    │   ├── InvalidArticle       one article (`POST /v1/articles`, or one item of a batch)
    │   └── InvalidBatch         the batch as a whole (not a list, empty, too many articles, not UTF-8)
    ├── UnsupportedMediaType     415: a Content-Type the endpoint does not read
    ├── RateLimited              429: the key used up its rate; `Retry-After` says when to come back
    ├── QueueShareExceeded       429: the key has its share of the queue waiting; `Retry-After` a few seconds
    ├── ArticleNotFound          404: a delete names an id no stored article has
    ├── NotArticleOwner          403: a delete names another key's article, and the key is not an admin key
    ├── DatabaseUnavailable      503: the owner of the article to delete could not be read; `Retry-After`
    └── BrokerUnavailable        503: RabbitMQ did not confirm the article; `Retry-After` a few seconds

Reasons are short and never echo the body; the client's Content-Type is cut to a bounded length.
"""

import re
from typing import ClassVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.ingest.metrics import ARTICLES_REJECTED
from shared.http.metrics import RATE_LIMIT_REFUSALS
from shared.validation import shorten

# Seconds a client should wait before retrying when the broker could not take the article.
RETRY_AFTER_S = 5
# Seconds a key over its share of the queue should wait: workers take articles by the second, not the minute.
QUEUE_SHARE_RETRY_AFTER_S = 10


class IngestError(Exception):
    """A request ingest answers with `status_code` and `{"detail": <the reason>}`."""

    status_code: ClassVar[int]

    @property
    def detail(self) -> str:
        return str(self)

    @property
    def headers(self) -> dict[str, str] | None:
        return None

    def body(self) -> dict[str, object]:
        return {"detail": self.detail}


class InvalidSubmission(IngestError):
    """A body that cannot be accepted, with errors fit to send back (short, no echo of input)."""

    status_code = 422
    subject: ClassVar[str]

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(f"{errors[0]['loc']}: {errors[0]['msg']}" if errors else f"invalid {self.subject}")
        self.errors = errors

    @property
    def detail(self) -> str:
        return f"invalid {self.subject}: {self}"

    def body(self) -> dict[str, object]:
        return {"detail": self.detail, "errors": self.errors}


class InvalidArticle(InvalidSubmission):
    subject = "article"


class InvalidBatch(InvalidSubmission):
    subject = "batch"


class UnsupportedMediaType(IngestError):
    status_code = 415

    def __init__(self, kind: str, allowed: tuple[str, ...]) -> None:
        super().__init__(shorten(f"unsupported Content-Type {kind or '(none)'!r}; use one of {', '.join(allowed)}"))


class RateLimited(IngestError):
    status_code = 429

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("rate limit exceeded for this API key")
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after_s)}


class QueueShareExceeded(IngestError):
    status_code = 429

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; retry when workers have taken some")

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(QUEUE_SHARE_RETRY_AFTER_S)}


class ArticleNotFound(IngestError):
    status_code = 404

    def __init__(self, article_id: str) -> None:
        super().__init__(f"no stored article has the id {article_id} (not stored yet, or deleted)")


class NotArticleOwner(IngestError):
    status_code = 403

    def __init__(self, article_id: str) -> None:
        super().__init__(f"article {article_id} belongs to another key; only its owner or an admin key may delete it")


class DatabaseUnavailable(IngestError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__("the article's owner could not be read from the database; retry later")

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(RETRY_AFTER_S)}


class BrokerUnavailable(IngestError):
    status_code = 503

    def __init__(self, reason: str) -> None:
        super().__init__(f"article not accepted, retry later: {reason}")

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(RETRY_AFTER_S)}


def install_ingest_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(IngestError)
    async def _refused(_: Request, exc: IngestError) -> JSONResponse:
        count_refusal(exc)
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)


def count_refusal(exc: IngestError) -> None:
    """One refused request in the metrics, by reason (the class name, in snake case)."""
    reason = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
    ARTICLES_REJECTED.labels(reason).inc()
    if isinstance(exc, RateLimited):
        RATE_LIMIT_REFUSALS.labels("key_rate").inc()
    elif isinstance(exc, QueueShareExceeded):
        RATE_LIMIT_REFUSALS.labels("queue_share").inc()
