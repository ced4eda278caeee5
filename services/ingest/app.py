"""The ingest application: one broker connection opened in the lifespan, shared by every request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.ingest.backlog import KeyBacklog
from services.ingest.errors import install_ingest_error_handlers
from services.ingest.publisher import ArticlePublisher
from services.ingest.routes import articles, health
from services.ingest.settings import IngestSettings
from shared.http.application import service_app
from shared.http.auth import AccessPolicy
from shared.rate_limit import RateLimit


def create_app(settings: IngestSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.publisher = publisher = await ArticlePublisher.open(
            settings.rabbitmq_url,
            max_length=settings.queue_max_length,
            declare=settings.declare_topology,
            replicas=settings.quorum_group_size,
        )
        app.state.backlog = KeyBacklog(max_waiting=settings.key_max_waiting, depth=publisher.queue_depth)
        try:
            yield
        finally:
            await app.state.publisher.close()

    app = service_app(
        title="Newsflow ingest",
        summary="Accepts news articles and queues them for enrichment.",
        lifespan=lifespan,
        access=AccessPolicy(settings.api_keys),
    )
    app.state.settings = settings
    app.state.rate_limit = RateLimit(settings.rate_limit)
    install_ingest_error_handlers(app)
    app.include_router(articles.router)
    app.include_router(health.router)
    return app
