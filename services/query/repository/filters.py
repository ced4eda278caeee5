"""Requests as MongoDB filters: the only code that builds them, always from typed, validated values.

Every user value is placed as a value, never as a key or an operator, so `q={"$gt": ""}` searches for the
word "gt". A listing's conditions are flat equalities: one drives the read through an index, the others
are checked on the documents read (`matches`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pymongo import DESCENDING

from services.query.cursor import InvalidCursor, Scalar
from shared.database import Document

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ArticleSort(StrEnum):
    RECEIVED_AT = "received_at"
    PUBLISHED_AT = "published_at"
    RELEVANCE = "relevance"


class RelatedSort(StrEnum):
    COUNT = "count"
    LIFT = "lift"


@dataclass(frozen=True)
class ArticleFilter:
    terms: tuple[str, ...] = ()  # normalised words of `q`, all required
    entities: tuple[str, ...] = ()  # entity ids, all required
    label: str | None = None
    source: str | None = None
    language: str | None = None
    status: str | None = None
    published_from: datetime | None = None  # inclusive
    published_to: datetime | None = None  # exclusive


@dataclass(frozen=True)
class EntityFilter:
    label: str | None = None
    prefix: str | None = None  # of the name or an alias, case-insensitive
    published_from: datetime | None = None
    published_to: datetime | None = None


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)  # BSON dates keep milliseconds


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def published(start: datetime | None, end: datetime | None) -> Document:
    bounds = {op: value for op, value in (("$gte", start), ("$lt", end)) if value is not None}
    return {"published_at": bounds} if bounds else {}


@dataclass(frozen=True)
class Condition:
    """One equality of a listing: `field` holds `value` (for an array field: one of its elements is `value`)."""

    field: str
    value: str


def conditions(spec: ArticleFilter, corpus_entities: tuple[str, ...]) -> list[Condition]:
    """The listing's equalities, each of which an index `(field, received_at, _id)` can drive."""
    found = [Condition("corpus_entities", entity) for entity in corpus_entities]
    found += [Condition("search_terms", term) for term in spec.terms]
    for field, value in (
        ("entities.label", spec.label),
        ("source", spec.source),
        ("language", spec.language),
        ("status", spec.status),
    ):
        if value is not None:
            found.append(Condition(field, value))
    return found


def _holds(stored: Document, condition: Condition) -> bool:
    if condition.field == "entities.label":
        return any(found.get("label") == condition.value for found in stored.get("entities", []))
    value = stored.get(condition.field)
    return condition.value in value if isinstance(value, list) else value == condition.value


def matches(stored: Document, checked: list[Condition], spec: ArticleFilter) -> bool:
    """Whether a document read through the driving index meets every other condition of the listing."""
    if not all(_holds(stored, condition) for condition in checked):
        return False
    if spec.published_from is None and spec.published_to is None:
        return True
    moment = stored.get("published_at")
    return (
        moment is not None
        and (spec.published_from is None or moment >= spec.published_from)
        and (spec.published_to is None or moment < spec.published_to)
    )


def sort_spec(sort: ArticleSort) -> list[tuple[str, int]]:
    # Relevance ranks a candidate set taken newest first.
    key = "published_at" if sort is ArticleSort.PUBLISHED_AT else "received_at"
    return [(key, DESCENDING), ("_id", DESCENDING)]


def after_entity(after: tuple[Scalar, ...]) -> tuple[int, str]:
    """The ranking key `(articles, id)` of the last entity of the previous page."""
    match after:
        case (int() as count, str() as last_id):
            return count, last_id
    raise InvalidCursor("invalid cursor")
