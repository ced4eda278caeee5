"""The ingest application: one broker connection opened in the lifespan, shared by every request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.ingest.publisher import ArticlePublisher
from services.ingest.rate_limit import RateLimit
from services.ingest.routes import router
from services.ingest.settings import IngestSettings
from shared.api import AccessPolicy, install_error_handlers


def create_app(settings: IngestSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.publisher = await ArticlePublisher.open(
            settings.rabbitmq_url, max_length=settings.queue_max_length, declare=settings.declare_topology
        )
        try:
            yield
        finally:
            await app.state.publisher.close()

    app = FastAPI(
        title="Newsflow ingest",
        version="1.0.0",
        summary="Accepts news articles and queues them for enrichment.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.access = AccessPolicy(settings.api_keys)
    app.state.rate_limit = RateLimit(settings.rate_limit)
    install_error_handlers(app)
    app.include_router(router)
    return app
