"""Ingest endpoints: accept articles, answer 202 only after RabbitMQ confirmed them."""

import asyncio
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from services.ingest.formats import (
    BATCH_TYPES,
    SINGLE_TYPES,
    InvalidArticle,
    media_type,
    parse_article,
    split_batch,
    validate_item,
)
from services.ingest.publisher import ArticlePublisher
from services.ingest.settings import IngestSettings
from shared.api import FieldError, read_body, require
from shared.broker import PublishFailed
from shared.keys import ApiKey, Scope
from shared.logs import article_context
from shared.messages import ArticleSubmitted
from shared.rate_limit import RateLimit
from shared.submission import ArticleIn, article_id

log = logging.getLogger(__name__)
router = APIRouter()

# Seconds a client should wait before retrying when the broker could not take the article.
RETRY_AFTER_S = 5
# A JSON article up to this size is validated on the event loop (pydantic-core takes well under a millisecond);
# bigger ones, and HTML, go to a thread. The thread hop cost more than validating a typical 3 KB article.
INLINE_PARSE_BYTES = 64 * 1024

WriteKey = Annotated[ApiKey, Depends(require(Scope.WRITE))]
# What the submit endpoints may answer besides 202 (401 and 403 come with the key scheme; see shared.api).
ERRORS: dict[int | str, dict[str, Any]] = {
    408: {"description": "the body did not arrive within NEWSFLOW_BODY_TIMEOUT_S"},
    413: {"description": "the body exceeds NEWSFLOW_MAX_ARTICLE_BYTES (a batch: NEWSFLOW_MAX_BATCH_BYTES)"},
    415: {},
    422: {},
    429: {"description": "more requests than NEWSFLOW_RATE_LIMIT allows this key; retry after `Retry-After`"},
    503: {"description": "the broker did not take the article (queue full or unreachable); retry later"},
}


class Accepted(BaseModel):
    id: str
    status: str = "queued"
    links: dict[str, str]


class BatchItem(BaseModel):
    index: int
    id: str


class BatchRejection(BaseModel):
    index: int
    errors: list[FieldError]


class BatchAccepted(BaseModel):
    accepted: list[BatchItem]
    rejected: list[BatchRejection]


def _settings(request: Request) -> IngestSettings:
    settings: IngestSettings = request.app.state.settings
    return settings


def _publisher(request: Request) -> ArticlePublisher:
    publisher: ArticlePublisher = request.app.state.publisher
    return publisher


async def _check_rate(request: Request, key: ApiKey, cost: int = 1) -> None:
    limiter: RateLimit = request.app.state.rate_limit
    wait_s = await limiter.retry_after(key.secret, cost)
    if wait_s is not None:
        raise HTTPException(429, "rate limit exceeded for this API key", headers={"Retry-After": str(wait_s)})


def _unavailable(reason: str) -> JSONResponse:
    return JSONResponse(
        {"detail": f"article not accepted, retry later: {reason}"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def _validate_batch(
    raw: bytes, kind: str, max_articles: int
) -> tuple[list[tuple[int, ArticleIn]], list[BatchRejection]]:
    """The batch's valid articles, with their index, and its rejected ones (CPU-bound: run it in a thread)."""
    valid: list[tuple[int, ArticleIn]] = []
    rejected: list[BatchRejection] = []
    for index, item in enumerate(split_batch(raw, kind, max_articles)):
        try:
            valid.append((index, validate_item(item)))
        except InvalidArticle as exc:
            rejected.append(BatchRejection.model_validate({"index": index, "errors": exc.errors}))
    return valid, rejected


def _links(settings: IngestSettings, article: str) -> dict[str, str]:
    return {"article": f"{settings.query_base_url.rstrip('/')}/v1/articles/{article}"}


async def _publish(publisher: ArticlePublisher, article: ArticleIn, *, level: int = logging.INFO) -> str:
    message = ArticleSubmitted(id=article_id(article), article=article, received_at=datetime.now(UTC))
    with article_context(message.id):
        await publisher.publish(message)
        log.log(level, "article queued")
    return message.id


@router.post(
    "/v1/articles",
    status_code=202,
    response_model=Accepted,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": ArticleIn.model_json_schema()},
                "text/plain": {"schema": {"type": "string"}, "example": "Title\n\nSource | March 17, 2023\n\nBody"},
                "text/html": {"schema": {"type": "string"}},
            },
        }
    },
)
async def submit_article(request: Request, key: WriteKey) -> Accepted | JSONResponse:
    """Accept one article (JSON, the plain-text sample layout, or an HTML page) for enrichment."""
    settings = _settings(request)
    kind = media_type(request.headers.get("content-type"), SINGLE_TYPES)
    await _check_rate(request, key)
    raw = await read_body(request, settings.max_article_bytes, settings.body_timeout_s)
    try:
        if kind == "application/json" and len(raw) <= INLINE_PARSE_BYTES:
            article = parse_article(raw, kind)
        else:
            # In a worker thread: a megabyte of HTML takes trafilatura seconds, which must not stall other requests.
            article = await run_in_threadpool(parse_article, raw, kind)
    except InvalidArticle as exc:
        return JSONResponse({"detail": f"invalid article: {exc}", "errors": exc.errors}, status_code=422)
    try:
        identifier = await _publish(_publisher(request), article)
    except PublishFailed as exc:
        log.warning("publish failed: %s", exc)
        return _unavailable(str(exc))
    return Accepted(id=identifier, links=_links(settings, identifier))


@router.post(
    "/v1/articles:batch",
    status_code=202,
    response_model=BatchAccepted,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": ArticleIn.model_json_schema()}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def submit_batch(request: Request, key: WriteKey) -> BatchAccepted | JSONResponse:
    """Accept up to 1,000 articles (JSON array or NDJSON); each is accepted or rejected on its own."""
    settings = _settings(request)
    kind = media_type(request.headers.get("content-type"), BATCH_TYPES)
    await _check_rate(request, key)
    raw = await read_body(request, settings.max_batch_bytes, settings.body_timeout_s)
    try:
        valid, rejected = await run_in_threadpool(_validate_batch, raw, kind, settings.max_batch_articles)
    except InvalidArticle as exc:
        return JSONResponse({"detail": f"invalid batch: {exc}", "errors": exc.errors}, status_code=422)

    publisher = _publisher(request)
    gate = asyncio.Semaphore(settings.publish_concurrency)

    async def publish_one(article: ArticleIn) -> str:
        async with gate:
            # One line per article would be a hundred per request: these are at DEBUG, the batch at INFO.
            return await _publish(publisher, article, level=logging.DEBUG)

    outcomes = await asyncio.gather(*(publish_one(article) for _, article in valid), return_exceptions=True)
    accepted: list[BatchItem] = []
    for (index, _), outcome in zip(valid, outcomes, strict=True):
        if isinstance(outcome, PublishFailed):
            rejected.append(BatchRejection(index=index, errors=[FieldError(loc="broker", msg=str(outcome))]))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            accepted.append(BatchItem(index=index, id=outcome))
    if valid and not accepted:
        return _unavailable("the broker accepted none of the articles")
    rejected.sort(key=lambda rejection: rejection.index)
    log.info("batch queued: %d accepted, %d rejected", len(accepted), len(rejected))
    return BatchAccepted(accepted=accepted, rejected=rejected)


@router.get("/healthz", include_in_schema=True)
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {}})
async def readyz(request: Request) -> JSONResponse:
    """Ready when the broker connection is usable."""
    if _publisher(request).ready:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"detail": "broker connection is down"}, status_code=503)
