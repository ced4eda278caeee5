"""Dependencies the routes take as parameters; tests may swap them with `app.dependency_overrides`."""

from typing import Annotated

from fastapi import Depends

from services.ingest.backlog import KeyBacklog
from services.ingest.publisher import ArticlePublisher
from services.ingest.settings import IngestSettings
from shared.http.auth import require
from shared.http.state import app_state
from shared.keys import ApiKey, Scope
from shared.rate_limit import RateLimit

get_settings = app_state("settings", IngestSettings)
get_publisher = app_state("publisher", ArticlePublisher)
get_rate_limit = app_state("rate_limit", RateLimit)
get_backlog = app_state("backlog", KeyBacklog)

SettingsDep = Annotated[IngestSettings, Depends(get_settings)]
PublisherDep = Annotated[ArticlePublisher, Depends(get_publisher)]
RateLimitDep = Annotated[RateLimit, Depends(get_rate_limit)]
BacklogDep = Annotated[KeyBacklog, Depends(get_backlog)]
WriteKey = Annotated[ApiKey, Depends(require(Scope.WRITE))]
