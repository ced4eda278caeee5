"""The one wire contract between ingest and the enrichment workers."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.articles import ArticleIn

# Bump on a breaking change; workers reject versions they do not know (dead-lettered, not lost), and
# unknown extra fields from a newer producer are ignored so additive changes roll out without downtime.
SCHEMA_VERSION = 1

ArticleId = Field(pattern=r"^[0-9a-f]{16}$")


class ArticleSubmitted(BaseModel):
    """Published by ingest for each accepted article; consumed by the enrichment workers."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: Literal[1] = 1
    id: str = ArticleId
    # The name of the key that submitted it (`shared.keys`); `id` derives from it. Absent only in messages
    # an ingest without key names queued, which the worker stores without an owner.
    owner: str | None = None
    article: ArticleIn
    received_at: datetime
