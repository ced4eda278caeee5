"""The query application: one MongoDB client opened in the lifespan, shared by every request."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure, ExecutionTimeout

from services.query.admission import RETRY_LATER, ExpensiveReads
from services.query.cache_control import NoStore
from services.query.cursor import CursorCodec, InvalidCursor
from services.query.document_counts import DocumentCounts
from services.query.repository import Repository
from services.query.routes import articles, entities, health, stats
from services.query.scorer import RelevanceScorer, ScoringTimeout
from services.query.settings import QuerySettings
from services.query.web.site import install as install_reader
from shared.database import connect, database, ensure_indexes
from shared.http.auth import AccessPolicy
from shared.http.errors import install_error_handlers
from shared.http.metrics import install_metrics
from shared.http.request_ids import RequestIds

log = logging.getLogger(__name__)


def create_app(settings: QuerySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = connect(settings)
        scorer = RelevanceScorer(threads=settings.relevance_threads, budget_s=settings.relevance_budget_ms / 1000)
        try:
            db = database(client, settings)
            if settings.create_indexes:
                await ensure_indexes(db)
            app.state.repository = repository = Repository(
                db,
                timeout_ms=settings.query_timeout_ms,
                relevance_candidates=settings.relevance_candidates,
                related_candidates=settings.related_candidates,
                stats_values=settings.stats_values,
                read_limit=settings.query_read_limit,
                related_articles=settings.related_articles,
                scorer=scorer,
            )
            scrape_hooks.add(DocumentCounts(repository.stored_by_status).refresh)
            yield
        finally:
            scorer.close()
            await client.close()

    app = FastAPI(
        title="Newsflow query",
        version="1.0.0",
        summary="Reads enriched news articles: search, filters, entities and their co-occurrences.",
        lifespan=lifespan,
    )
    scrape_hooks = install_metrics(app)
    app.state.settings = settings
    app.state.access = AccessPolicy(settings.api_keys, public_reads=settings.public_reads)
    app.state.cursors = CursorCodec(settings.cursor_secret.get_secret_value())
    app.state.expensive_reads = ExpensiveReads(
        concurrency=settings.expensive_reads,
        wait_s=settings.expensive_read_wait_ms / 1000,
        rate_limit=settings.read_rate_limit,
    )
    app.state.query_names = {}  # route id -> its query parameters (`deps.known_parameters`)
    install_error_handlers(app)
    if not settings.public_reads:
        app.add_middleware(NoStore, prefix="/v1/")
    _install_query_error_handlers(app, settings.query_timeout_ms)
    # Each router carries its whole prefix, so a route's path is the one the OpenAPI document lists.
    for router in (health.router, articles.router, entities.router, stats.router):
        app.include_router(router)
    install_reader(app)
    app.add_middleware(RequestIds)  # outermost: every log line of the request carries its id
    return app


def _install_query_error_handlers(app: FastAPI, timeout_ms: int) -> None:
    @app.exception_handler(InvalidCursor)
    async def _invalid_cursor(_: Request, exc: InvalidCursor) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(ExecutionTimeout)
    async def _timeout(request: Request, _: ExecutionTimeout) -> JSONResponse:
        log.warning("query exceeded %d ms on %s", timeout_ms, request.url.path)
        detail = f"the query took longer than {timeout_ms} ms; narrow it"
        return JSONResponse({"detail": detail}, status_code=503, headers=RETRY_LATER)

    @app.exception_handler(ScoringTimeout)
    async def _scoring_timeout(request: Request, exc: ScoringTimeout) -> JSONResponse:
        log.warning("%s on %s", exc, request.url.path)
        detail = f"ranking by relevance took longer than {exc.budget_s:g} s; narrow the query or retry later"
        return JSONResponse({"detail": detail}, status_code=503, headers=RETRY_LATER)

    @app.exception_handler(ConnectionFailure)
    async def _unavailable(request: Request, exc: ConnectionFailure) -> JSONResponse:
        log.warning("database unavailable on %s: %s", request.url.path, type(exc).__name__)
        return JSONResponse({"detail": "database unavailable, retry later"}, status_code=503, headers=RETRY_LATER)
