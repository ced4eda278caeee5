"""The query application: one MongoDB client opened in the lifespan, shared by every request."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure, ExecutionTimeout

from services.query.cursor import CursorCodec, InvalidCursor
from services.query.repository import Repository
from services.query.routes import articles, entities, health, stats
from services.query.settings import QuerySettings
from shared.api import AccessPolicy, install_error_handlers
from shared.database import connect, database, ensure_indexes

log = logging.getLogger(__name__)


def create_app(settings: QuerySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = connect(settings)
        try:
            db = database(client, settings)
            if settings.create_indexes:
                await ensure_indexes(db)
            app.state.repository = Repository(
                db,
                timeout_ms=settings.query_timeout_ms,
                relevance_candidates=settings.relevance_candidates,
                related_candidates=settings.related_candidates,
                stats_values=settings.stats_values,
            )
            yield
        finally:
            await client.close()

    app = FastAPI(
        title="Newsflow query",
        version="1.0.0",
        summary="Reads enriched news articles: search, filters, entities and their co-occurrences.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.access = AccessPolicy(settings.api_keys, public_reads=settings.public_reads)
    app.state.cursors = CursorCodec(settings.cursor_secret.get_secret_value())
    install_error_handlers(app)
    _install_query_error_handlers(app, settings.query_timeout_ms)
    app.include_router(health.router)
    for router in (articles.router, entities.router, stats.router):
        app.include_router(router, prefix="/v1")
    return app


def _install_query_error_handlers(app: FastAPI, timeout_ms: int) -> None:
    @app.exception_handler(InvalidCursor)
    async def _invalid_cursor(_: Request, exc: InvalidCursor) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(ExecutionTimeout)
    async def _timeout(request: Request, _: ExecutionTimeout) -> JSONResponse:
        log.warning("query exceeded %d ms on %s", timeout_ms, request.url.path)
        return JSONResponse({"detail": f"the query took longer than {timeout_ms} ms; narrow it"}, status_code=503)

    @app.exception_handler(ConnectionFailure)
    async def _unavailable(request: Request, exc: ConnectionFailure) -> JSONResponse:
        log.warning("database unavailable on %s: %s", request.url.path, type(exc).__name__)
        return JSONResponse(
            {"detail": "database unavailable, retry later"}, status_code=503, headers={"Retry-After": "5"}
        )
