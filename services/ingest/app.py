"""The ingest application: one broker connection and one database client opened in the lifespan, shared by
every request, and the retention sweep when a period is set."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.ingest.backlog import KeyBacklog
from services.ingest.errors import install_ingest_error_handlers
from services.ingest.publisher import ArticlePublisher
from services.ingest.queue_depths import QueueDepths
from services.ingest.retention import RetentionSweep
from services.ingest.routes import articles, health
from services.ingest.settings import IngestSettings
from services.ingest.stored import StoredArticles
from shared import database
from shared.http.application import service_app
from shared.http.auth import AccessPolicy
from shared.http.metrics import install_metrics
from shared.http.request_ids import RequestIds
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
        # PyMongo connects on first use: ingest starts, and accepts posts, while the database is down.
        mongo = database.connect(settings)
        app.state.stored = stored = StoredArticles(database.articles(database.database(mongo, settings)))
        sweeping = None
        if settings.retention_days is not None:
            sweep = RetentionSweep(
                stored,
                publisher,
                days=settings.retention_days,
                batch=settings.retention_batch,
                interval_s=settings.retention_interval_s,
                concurrency=settings.publish_concurrency,
            )
            sweeping = asyncio.create_task(sweep.run(), name="retention")
        scrape_hooks.add(QueueDepths(publisher).refresh)
        try:
            yield
        finally:
            if sweeping is not None:
                sweeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeping
            await mongo.close()
            await app.state.publisher.close()

    app = service_app(
        title="Newsflow ingest",
        summary="Accepts news articles and queues them for enrichment.",
        lifespan=lifespan,
        access=AccessPolicy(settings.api_keys),
    )
    scrape_hooks = install_metrics(app)
    app.state.settings = settings
    app.state.rate_limit = RateLimit(settings.rate_limit)
    install_ingest_error_handlers(app)
    app.include_router(articles.router)
    app.include_router(health.router)
    app.add_middleware(RequestIds)  # outermost: every log line of the request carries its id
    return app
