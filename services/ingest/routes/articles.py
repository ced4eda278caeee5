"""`/v1/articles`: accept articles and deletes, answer 202 only after RabbitMQ confirmed them."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pymongo.errors import PyMongoError
from starlette.concurrency import run_in_threadpool

from services.ingest.backlog import KeyBacklog
from services.ingest.deps import (
    BacklogDep,
    PublisherDep,
    RateLimitDep,
    SettingsDep,
    StoredDep,
    Submission,
    SubmissionDep,
    WriteKey,
)
from services.ingest.errors import (
    ArticleNotFound,
    BrokerUnavailable,
    DatabaseUnavailable,
    InvalidArticle,
    InvalidBatch,
    NotArticleOwner,
    RateLimited,
)
from services.ingest.formats import BATCH_TYPES, SINGLE_TYPES, media_type, parse_article, split_batch, validate_item
from services.ingest.metrics import ARTICLES_ACCEPTED, ARTICLES_REJECTED
from services.ingest.publisher import ArticlePublisher
from services.ingest.schemas import (
    ARTICLE_BODY,
    BATCH_BODY,
    DELETE_ERRORS,
    SUBMIT_ERRORS,
    Accepted,
    BatchAccepted,
    BatchItem,
    BatchRejection,
    DeleteAccepted,
)
from services.ingest.settings import IngestSettings
from shared.articles import ArticleIn, article_id
from shared.broker import PublishFailed
from shared.http.bodies import read_body
from shared.http.errors import FieldError
from shared.keys import ApiKey, Scope
from shared.logs import article_context
from shared.messages import ArticleDeleted, ArticleSubmitted
from shared.rate_limit import RateLimit

log = logging.getLogger(__name__)
router = APIRouter()

ArticleId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="16 lowercase hex digits; otherwise 422")]

# A JSON article up to this size is validated on the event loop (pydantic-core takes well under a millisecond);
# bigger ones, and HTML, go to a thread. The thread hop cost more than validating a typical 3 KB article.
INLINE_PARSE_BYTES = 64 * 1024
# Errors listed in the 422 of a batch: a thousand invalid articles get an answer of a couple of hundred KB.
MAX_BATCH_ERRORS = 1_000


@router.post(
    "/v1/articles", status_code=202, response_model=Accepted, responses=SUBMIT_ERRORS, openapi_extra=ARTICLE_BODY
)
async def submit_article(submission: SubmissionDep) -> Accepted:
    """Accept one article (JSON, the plain-text sample layout, or an HTML page) for enrichment."""
    settings, backlog, key = submission.settings, submission.backlog, submission.key
    kind, raw = await _receive(submission, SINGLE_TYPES, settings.max_article_bytes)
    if kind == "application/json" and len(raw) <= INLINE_PARSE_BYTES:
        article = parse_article(raw, kind)
    else:
        # In a worker thread: a megabyte of HTML takes trafilatura seconds, which must not stall other requests.
        article = await run_in_threadpool(parse_article, raw, kind)
    identifier = await _publish_within_share(
        backlog, key, lambda: _publish(submission.publisher, article, submission.owner)
    )
    return Accepted(id=identifier, links=_links(settings, identifier))


@router.post(
    "/v1/articles:batch",
    status_code=202,
    response_model=BatchAccepted,
    responses=SUBMIT_ERRORS,
    openapi_extra=BATCH_BODY,
)
async def submit_batch(submission: SubmissionDep) -> BatchAccepted:
    """Accept up to 1,000 valid articles (JSON array or NDJSON); one the broker does not take is listed apart."""
    settings, backlog, key = submission.settings, submission.backlog, submission.key
    kind, raw = await _receive(submission, BATCH_TYPES, settings.max_batch_bytes)
    valid = await run_in_threadpool(_validate_batch, raw, kind, settings.max_batch_articles)
    rejected: list[BatchRejection] = []
    # One article was charged on arrival; the rest of the batch now that it is counted.
    await _charge(submission.rate_limit, key, len(valid) - 1)
    reservation = await backlog.reserve(key.name, len(valid))

    gate = asyncio.Semaphore(settings.publish_concurrency)

    async def publish_one(article: ArticleIn) -> str:
        async with gate:
            # One line per article would be a hundred per request: these are at DEBUG, the batch at INFO.
            return await _publish(submission.publisher, article, submission.owner, level=logging.DEBUG)

    refused = len(valid)
    try:
        outcomes = await asyncio.gather(*(publish_one(article) for _, article in valid), return_exceptions=True)
        refused = sum(not isinstance(outcome, str) for outcome in outcomes)
    finally:
        backlog.settle(reservation, refused=refused)
    accepted: list[BatchItem] = []
    for (index, _), outcome in zip(valid, outcomes, strict=True):
        if isinstance(outcome, PublishFailed):
            ARTICLES_REJECTED.labels("broker_refused").inc()
            rejected.append(BatchRejection(index=index, errors=[FieldError(loc="broker", msg=str(outcome))]))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            accepted.append(BatchItem(index=index, id=outcome))
    if valid and not accepted:
        raise BrokerUnavailable("the broker accepted none of the articles")
    rejected.sort(key=lambda rejection: rejection.index)
    log.info("batch queued: %d accepted, %d rejected", len(accepted), len(rejected))
    return BatchAccepted(accepted=accepted, rejected=rejected)


@router.delete("/v1/articles/{article_id}", status_code=202, response_model=DeleteAccepted, responses=DELETE_ERRORS)
async def delete_article(
    article_id: ArticleId,
    key: WriteKey,
    settings: SettingsDep,
    publisher: PublisherDep,
    rate_limit: RateLimitDep,
    backlog: BacklogDep,
    stored: StoredDep,
) -> DeleteAccepted:
    """Queue the deletion of a stored article: the key that submitted it, or an admin key, may delete it."""
    await _charge(rate_limit, key, 1)
    await backlog.check(key.name)
    try:
        article = await stored.find(article_id)
    except PyMongoError as exc:
        log.warning("owner lookup failed: %s", type(exc).__name__)
        raise DatabaseUnavailable() from None
    if article is None:
        raise ArticleNotFound(article_id)
    # An article stored before key names has no owner: only an admin key may delete it.
    if article.owner != key.name and not key.allows(Scope.ADMIN):
        raise NotArticleOwner(article_id)
    # Now, not the stored version's time: every version received before this request goes, and so does one
    # still in the queue, while a post that arrives after it is a new article again.
    message = ArticleDeleted(kind="deleted", id=article_id, requested_by=key.name, received_at=datetime.now(UTC))

    async def publish() -> str:
        with article_context(article_id):
            await publisher.publish(message)
            log.info("delete queued (requested by %s)", key.name)
        return article_id

    await _publish_within_share(backlog, key, publish)
    return DeleteAccepted(id=article_id, links=_links(settings, article_id))


async def _publish_within_share(backlog: KeyBacklog, key: ApiKey, publish: Callable[[], Awaitable[str]]) -> str:
    """Publishes one message inside the key's share of the queue; the broker refusing it is a 503.

    The reservation is settled either way, so a refused message does not keep counting against the key.
    """
    reservation = await backlog.reserve(key.name, 1)
    refused = 1
    try:
        identifier = await publish()
        refused = 0
        return identifier
    except PublishFailed as exc:
        log.warning("publish failed: %s", exc)
        raise BrokerUnavailable(str(exc)) from None
    finally:
        backlog.settle(reservation, refused=refused)


async def _receive(submission: Submission, types: tuple[str, ...], limit: int) -> tuple[str, bytes]:
    """The body's media type and bytes, refused in the order that costs least: type (415), rate, queue share, body."""
    request, key = submission.request, submission.key
    kind = media_type(request.headers.get("content-type"), types)
    await _charge(submission.rate_limit, key, 1)
    await submission.backlog.check(key.name)
    return kind, await read_body(request, limit, submission.settings.body_timeout_s)


async def _charge(rate_limit: RateLimit, key: ApiKey, articles: int) -> None:
    """Count `articles` against the key's rate (429 beyond it)."""
    if articles > 0:
        wait_s = await rate_limit.retry_after(key.name, cost=articles)
        if wait_s is not None:
            raise RateLimited(wait_s)


def _validate_batch(raw: bytes, kind: str, max_articles: int) -> list[tuple[int, ArticleIn]]:
    """The batch's articles, with their index (CPU-bound: run it in a thread).

    An invalid article is refused as it would be on its own, and so is its batch: the OpenAPI document
    describes a batch as an array of articles, and a request it does not describe is not accepted in part.
    The answer lists every invalid article's errors, so a client fixes them all at once.
    """
    valid: list[tuple[int, ArticleIn]] = []
    errors: list[dict[str, str]] = []
    for index, item in enumerate(split_batch(raw, kind, max_articles)):
        try:
            valid.append((index, validate_item(item)))
        except InvalidArticle as exc:
            errors.extend({"loc": _item_loc(index, error["loc"]), "msg": error["msg"]} for error in exc.errors)
    if errors:
        raise InvalidBatch(errors[:MAX_BATCH_ERRORS])
    return valid


def _item_loc(index: int, loc: str) -> str:
    """Where an error is in the batch: `[3].title`, or `[3]` for the article as a whole."""
    return f"[{index}].{loc}" if loc else f"[{index}]"


def _links(settings: IngestSettings, article: str) -> dict[str, str]:
    return {"article": f"{settings.query_base_url.rstrip('/')}/v1/articles/{article}"}


async def _publish(publisher: ArticlePublisher, article: ArticleIn, owner: str, *, level: int = logging.INFO) -> str:
    message = ArticleSubmitted(
        id=article_id(article, owner), owner=owner, article=article, received_at=datetime.now(UTC)
    )
    with article_context(message.id):
        await publisher.publish(message)
        ARTICLES_ACCEPTED.inc()
        log.log(level, "article queued")
    return message.id
