"""Dependencies the routes take as parameters; tests may swap them with `app.dependency_overrides`."""

from typing import Annotated

from fastapi import Depends, Request

from services.ingest.publisher import ArticlePublisher
from services.ingest.rate_limit import RateLimit
from services.ingest.settings import IngestSettings
from shared.http.auth import require
from shared.keys import ApiKey, Scope


# Async, because FastAPI runs a plain `def` dependency in its thread pool: a thread hop per request.
async def get_settings(request: Request) -> IngestSettings:
    settings: IngestSettings = request.app.state.settings
    return settings


async def get_publisher(request: Request) -> ArticlePublisher:
    publisher: ArticlePublisher = request.app.state.publisher
    return publisher


async def get_rate_limit(request: Request) -> RateLimit:
    rate_limit: RateLimit = request.app.state.rate_limit
    return rate_limit


SettingsDep = Annotated[IngestSettings, Depends(get_settings)]
PublisherDep = Annotated[ArticlePublisher, Depends(get_publisher)]
RateLimitDep = Annotated[RateLimit, Depends(get_rate_limit)]
WriteKey = Annotated[ApiKey, Depends(require(Scope.WRITE))]
