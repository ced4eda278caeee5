"""Response models of the query API (the stored article itself is `shared.documents.ArticleDocument`)."""

from datetime import date, datetime
from typing import Any, Literal

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, create_model

from shared.documents import ArticleDocument, EntityLabel, Status

TOP_ENTITIES = 5

_ARTICLE_EXAMPLE: dict[str, Any] = {
    "id": "3f9a1c2b4d5e6f70",
    "owner": "writer",
    "title": "Beijing calls for dialogue on Ukraine crisis",
    "source": "China Daily",
    "published_at": "2023-03-17T00:00:00Z",
    "received_at": "2026-11-27T09:12:44.120000Z",
    "status": "enriched",
    "summary": "China is concerned over the escalation and possible loss of control of the Ukraine crisis, ...",
    "entities": [
        {"id": "gpe:china", "name": "China", "label": "GPE", "salience": 0.41},
        {"id": "person:qin-gang", "name": "Qin Gang", "label": "PERSON", "salience": 0.22},
    ],
    "score": None,
}


class _Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(_Response):
    status: Literal["ok"] = "ok"


class Ready(_Response):
    status: Literal["ready"] = "ready"


class EntityRef(_Response):
    id: str
    name: str
    label: EntityLabel
    salience: float


class ArticleItem(_Response):
    """One article of a listing: what a result list shows, not the whole document."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ARTICLE_EXAMPLE]})

    id: str
    owner: str | None = Field(default=None, description="the key name that submitted it")
    title: str
    source: str | None
    published_at: datetime | None
    received_at: datetime
    status: Status
    summary: str | None = Field(description="the extractive summary's text")
    entities: list[EntityRef] = Field(description=f"the {TOP_ENTITIES} most salient entities")
    score: float | None = Field(default=None, description="relevance to `q`, only with `sort=relevance`")


class ArticlePage(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_ARTICLE_EXAMPLE], "next_cursor": None}]})

    items: list[ArticleItem]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last page. A page may hold fewer than `limit` "
        "items (even none) while more may follow: each request reads a bounded number of articles"
    )
    estimate: bool = Field(
        default=False,
        description="`sort=relevance` only: more articles match than the newest ones it ranked",
    )


class EntityItem(_Response):
    id: str
    name: str
    label: EntityLabel
    aliases: list[str] = Field(description="other names its articles use for it")
    articles: int = Field(
        description="enriched articles that mention it (with `published_from`/`published_to`: in those days)"
    )


class EntityPage(_Response):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"id": "gpe:china", "name": "China", "label": "GPE", "aliases": [], "articles": 412},
                        {
                            "id": "person:qin-gang",
                            "name": "Qin Gang",
                            "label": "PERSON",
                            "aliases": ["Qin"],
                            "articles": 37,
                        },
                    ],
                    "next_cursor": "WyI1ZjRk...",
                }
            ]
        }
    )

    items: list[EntityItem]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last page. A page may hold fewer than `limit` "
        "items while more may follow"
    )
    estimate: bool = Field(
        default=False,
        description="true when the ranking was made among the entities with the most articles overall only "
        "(a ranking over days, or a prefix matching very many entities)",
    )


class NameCount(_Response):
    name: str
    articles: int = Field(description="articles that call it so")


class DayCount(_Response):
    day: date
    articles: int


class EntityDetail(EntityItem):
    first_seen: date = Field(description="day (UTC) of the earliest published_at, else received_at, of its articles")
    last_seen: date = Field(description="day (UTC) of the latest published_at, else received_at, of its articles")
    names: list[NameCount] = Field(description="every name its articles use, the most used first")
    kb: dict[str, str | int] = Field(description="knowledge-base ids, e.g. `iso3166`, `geonames`")
    mentions: int = Field(description="mentions over all its articles")
    recent_days: list[DayCount] = Field(description="articles per day over the 31 days up to `last_seen`")
    recent_articles: list[ArticleItem] = Field(description="the most recently received articles that mention it")


class TimelineBucket(_Response):
    start: date = Field(description="first day of the day, ISO week (Monday) or month")
    articles: int


class Timeline(_Response):
    entity: str
    interval: Literal["day", "week", "month"]
    items: list[TimelineBucket] = Field(description="every bucket of the range, oldest first, empty ones included")


class RelatedEntity(_Response):
    id: str
    name: str
    label: EntityLabel
    shared_articles: int = Field(description="articles that mention both entities")
    articles: int = Field(description="articles that mention this entity")
    lift: float = Field(description="shared_articles * total_articles / (articles of both entities multiplied)")


class RelatedEntities(_Response):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "entity": "person:qin-gang",
                    "articles": 37,
                    "total_articles": 2408,
                    "articles_read": 37,
                    "estimate": False,
                    "items": [
                        {
                            "id": "gpe:china",
                            "name": "China",
                            "label": "GPE",
                            "shared_articles": 35,
                            "articles": 412,
                            "lift": 5.5285,
                        },
                    ],
                }
            ]
        }
    )

    entity: str
    articles: int = Field(description="articles that mention `entity`")
    total_articles: int = Field(description="enriched articles, the population the lift is computed over")
    articles_read: int = Field(description="the newest articles of `entity` whose entities were counted")
    estimate: bool = Field(
        description="true when `entity` has more articles than were read: shared counts are over the newest "
        "`articles_read` and lift = shared * total_articles / (articles_read * articles)"
    )
    items: list[RelatedEntity]


class ValueCount(_Response):
    value: str | None
    count: int


class Stats(_Response):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 2409,
                    "by_status": [{"value": "enriched", "count": 2401}, {"value": "failed", "count": 8}],
                    "by_language": [{"value": "en", "count": 2390}, {"value": None, "count": 8}],
                    "by_source": [{"value": "Wikinews", "count": 2408}, {"value": "China Daily", "count": 1}],
                    "by_label": [{"value": "GPE", "count": 2210}, {"value": "PERSON", "count": 1985}],
                }
            ]
        }
    )

    total: int
    by_status: list[ValueCount]
    by_language: list[ValueCount]
    by_source: list[ValueCount]
    by_label: list[ValueCount] = Field(description="articles that mention at least one entity of the label")


def _optional(annotation: Any) -> Any:
    return annotation | None


_OPTIONAL_FIELDS: dict[str, Any] = {
    name: (_optional(info.annotation), Field(default=None, description=info.description))
    for name, info in ArticleDocument.model_fields.items()
    if name != "id"
}
ArticleFields = create_model(
    "ArticleFields",
    __doc__="The stored article (`ArticleDocument`): every field, or with `fields=` only `id` and those chosen.",
    __config__=ConfigDict(extra="forbid"),
    id=(str, ...),
    **_OPTIONAL_FIELDS,
)

ARTICLE_FIELDS: tuple[str, ...] = tuple(ArticleDocument.model_fields)
_DEFAULTS = {
    name: info.get_default(call_default_factory=True)
    for name, info in ArticleDocument.model_fields.items()
    if not info.is_required()
}


def article_json(stored: dict[str, Any], fields: tuple[str, ...]) -> bytes:
    """The chosen top-level fields of a stored article as JSON, serialised as `ArticleDocument` would be (a field
    stored before it existed gets its default).

    Not validated again: the worker is the only writer and stores a validated `ArticleDocument` (`to_mongo`),
    and validating it on every read, then serialising through `json.dumps`, was the largest cost of get-by-id
    (docs/performance.md). The contract tests (`test_fuzz.py`) check every answer against the
    schema all the same.
    """
    chosen = {"id": stored["_id"]}
    for name in dict.fromkeys(fields):
        if name != "id":
            chosen[name] = stored[name] if name in stored else _DEFAULTS.get(name)
    return pydantic_core.to_json(chosen)
