"""Requests as MongoDB filters: the only code that builds them, always from typed, validated values.

Every user value is placed as a value, never as a key or an operator, so `q={"$gt": ""}` searches for the
word "gt" and an entity prefix is escaped before it becomes a regular expression.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

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


def _all_terms(terms: tuple[str, ...]) -> Any:
    # One term as a plain equality: the same predicate as a one-element `$all` (mongod rewrites `$all` into
    # equalities), and the form SecantusDB's planner serves from the index.
    return terms[0] if len(terms) == 1 else {"$all": list(terms)}


def article_filter(spec: ArticleFilter) -> Document:
    query: Document = {}
    if spec.terms:
        query["search_terms"] = _all_terms(spec.terms)
    if len(spec.entities) == 1:
        query["entities.id"] = spec.entities[0]
    elif spec.entities:
        # `$and` of equalities rather than `$all`: the same predicate, but SecantusDB 0.7 matches nothing for an
        # `$all` of several values on a path through an array of subdocuments.
        query["$and"] = [{"entities.id": entity_id} for entity_id in spec.entities]
    for field, value in (
        ("entities.label", spec.label),
        ("source", spec.source),
        ("language", spec.language),
        ("status", spec.status),
    ):
        if value is not None:
            query[field] = value
    return query | published(spec.published_from, spec.published_to)


def entity_match(spec: EntityFilter) -> Document:
    """Conditions on one (unwound) entity; they also select the articles worth unwinding."""
    match: Document = {}
    if spec.label is not None:
        match["entities.label"] = spec.label
    if spec.prefix is not None:
        # Escaped and anchored: the user's text matches literally, as the start of a name or an alias.
        starts = {"$regex": "^" + re.escape(spec.prefix), "$options": "i"}
        match["$or"] = [{"entities.name": starts}, {"entities.aliases": starts}]
    return match


def sort_spec(sort: ArticleSort) -> list[tuple[str, int]]:
    # Relevance ranks a candidate set taken newest first.
    key = "published_at" if sort is ArticleSort.PUBLISHED_AT else "received_at"
    return [(key, DESCENDING), ("_id", DESCENDING)]


def after_article(sort: ArticleSort, after: tuple[Scalar, ...]) -> Document:
    """Everything after the article with sort key `after`, newest first; `published_at` nulls sort last."""
    match sort, after:
        case ArticleSort.PUBLISHED_AT, (None, str() as last_id):
            return {"published_at": None, "_id": {"$lt": last_id}}
        case ArticleSort.RECEIVED_AT | ArticleSort.PUBLISHED_AT, (int() as ms, str() as last_id):
            field, moment = sort.value, from_ms(ms)
            later: list[Document] = [{field: {"$lt": moment}}, {field: moment, "_id": {"$lt": last_id}}]
            return {"$or": later + ([{field: None}] if sort is ArticleSort.PUBLISHED_AT else [])}
    raise InvalidCursor("invalid cursor")


def after_entity(after: tuple[Scalar, ...]) -> Document:
    """Every entity group ranked after `(articles, id)`: fewer articles, or as many and a greater id."""
    match after:
        case (int() as count, str() as last_id):
            return {"$or": [{"articles": {"$lt": count}}, {"articles": count, "_id": {"$gt": last_id}}]}
    raise InvalidCursor("invalid cursor")


def both(first: Document, second: Document) -> Document:
    return {"$and": [first, second]} if first and second else first or second
