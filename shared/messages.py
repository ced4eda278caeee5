"""The one wire contract between ingest and the enrichment workers."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from shared.articles import ArticleIn

# Bump on a breaking change; workers reject versions they do not know (dead-lettered, not lost), and
# unknown extra fields from a newer producer are ignored so additive changes roll out without downtime.
SCHEMA_VERSION = 1

ArticleId = Field(pattern=r"^[0-9a-f]{16}$")


class ArticleSubmitted(BaseModel):
    """Published by ingest for each accepted article; consumed by the enrichment workers."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: Literal[1] = 1
    # Absent in messages from an ingest that only ever posted; `deleted` messages say so.
    kind: Literal["submitted"] = "submitted"
    id: str = ArticleId
    # The name of the key that submitted it (`shared.keys`); `id` derives from it. Absent only in messages
    # an ingest without key names queued, which the worker stores without an owner.
    owner: str | None = None
    article: ArticleIn
    received_at: datetime


class ArticleDeleted(BaseModel):
    """Published by ingest for `DELETE /v1/articles/{id}` (and by the retention sweep): it takes the same queue
    as a post, so a delete and a post of one article are ordered by `received_at`, the newest winning."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: Literal[1] = 1
    kind: Literal["deleted"]
    id: str = ArticleId
    # Who asked: the key name (the owner's or an admin's); kept on the tombstone.
    requested_by: str | None = None
    received_at: datetime


def _kind(message: object) -> str:
    """The message's `kind`; absent means `submitted` (an ingest that only ever posted did not send it)."""
    kind = message.get("kind") if isinstance(message, dict) else getattr(message, "kind", None)
    return str(kind or "submitted")


ArticleMessage = Annotated[
    Annotated[ArticleSubmitted, Tag("submitted")] | Annotated[ArticleDeleted, Tag("deleted")], Discriminator(_kind)
]
ARTICLE_MESSAGE: TypeAdapter[ArticleSubmitted | ArticleDeleted] = TypeAdapter(ArticleMessage)
