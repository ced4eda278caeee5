"""Dependencies the routes take as parameters; tests may swap them with `app.dependency_overrides`."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from services.ingest.backlog import KeyBacklog
from services.ingest.publisher import ArticlePublisher
from services.ingest.settings import IngestSettings
from services.ingest.stored import StoredArticles
from shared.http.auth import require
from shared.http.state import app_state
from shared.keys import KEY_NAME, ApiKey, Scope
from shared.rate_limit import RateLimit

get_settings = app_state("settings", IngestSettings)
get_publisher = app_state("publisher", ArticlePublisher)
get_rate_limit = app_state("rate_limit", RateLimit)
get_backlog = app_state("backlog", KeyBacklog)
get_stored = app_state("stored", StoredArticles)

SettingsDep = Annotated[IngestSettings, Depends(get_settings)]
PublisherDep = Annotated[ArticlePublisher, Depends(get_publisher)]
RateLimitDep = Annotated[RateLimit, Depends(get_rate_limit)]
BacklogDep = Annotated[KeyBacklog, Depends(get_backlog)]
StoredDep = Annotated[StoredArticles, Depends(get_stored)]
WriteKey = Annotated[ApiKey, Depends(require(Scope.WRITE))]

# An `admin` key may submit as another owner (to correct or replace that owner's articles); no other key may.
OWNER_HEADER = "X-Newsflow-Owner"


def article_owner(request: Request, key: ApiKey) -> str:
    """The key name the request's articles belong to: the key's own, or the one an `admin` key names."""
    named = request.headers.get(OWNER_HEADER)
    if named is None:
        return key.name
    if not key.allows(Scope.ADMIN):
        raise HTTPException(403, f"only an admin key may send {OWNER_HEADER}")
    if not KEY_NAME.match(named):
        raise HTTPException(400, f"{OWNER_HEADER} must be a key name (letters, digits, '.', '_', '-')")
    return named


@dataclass
class Submission:
    """What every submit route works with: the request, its key and owner, and the app's parts."""

    request: Request
    key: ApiKey
    owner: str
    settings: IngestSettings
    publisher: ArticlePublisher
    rate_limit: RateLimit
    backlog: KeyBacklog


def get_submission(
    request: Request,
    key: WriteKey,
    settings: SettingsDep,
    publisher: PublisherDep,
    rate_limit: RateLimitDep,
    backlog: BacklogDep,
) -> Submission:
    return Submission(request, key, article_owner(request, key), settings, publisher, rate_limit, backlog)


SubmissionDep = Annotated[Submission, Depends(get_submission)]
