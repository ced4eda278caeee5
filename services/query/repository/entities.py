"""Entities from the registry the store maintains: rankings, one entity, its timeline, its co-occurrences.

Counts are live: a ranking pages on `(articles, id)`, so an entity whose count changes between two pages may
be listed twice or not at all; every entity whose count holds still is listed exactly once.
"""

import asyncio
import math
from collections import Counter
from datetime import date, timedelta

from services.query.cursor import Position
from services.query.repository.articles import Listing, article_page, newest
from services.query.repository.corpus import Corpus
from services.query.repository.filters import ArticleFilter, ArticleSort, Condition, EntityFilter, after_entity
from services.query.repository.timed import TimedCollection
from services.query.schemas import (
    DayCount,
    EntityDetail,
    EntityItem,
    NameCount,
    RelatedEntities,
    RelatedEntity,
    Timeline,
    TimelineBucket,
)
from shared.database import Document
from shared.search_terms import normalise

RECENT_ARTICLES = 5
RECENT_DAYS = 31
# The first ranking window holds the entities named in at least this share of all articles: a handful.
FIRST_SHARE = 1 / 16
_ITEM_PROJECTION = {"name": 1, "label": 1, "aliases": 1, "articles": 1}
LAST_KEY = "\U0010ffff"
# Registry records a ranking over days reads at most (with their day buckets of the months the days touch).
RANGED_RECORDS = 300
# A name prefix shorter than this may match a good share of all entities (and SecantusDB reads every match of a
# range before it applies a limit): it is searched first by walking the ranking down, keeping the entities it
# names, which finds a page's worth among the most frequent ones, reading at most `PREFIX_WALK` of them. A
# longer prefix, or a rare start the walk did not find enough of, reads the entities it matches.
SHORT_PREFIX = 3
PREFIX_WALK = 500
# Once the walk has read this many records, the share of them that a prefix names tells whether the walk can
# fill the page within `PREFIX_WALK`; when not, the prefix's matches are read at once.
PREFIX_JUDGED = 100
# A ranking's next window is sized for this many times the records it still needs (fewer round trips), and to
# hold at most this many times the records read so far.
WINDOW_MARGIN = 1.25
WINDOW_GROWTH = 1.5


def _aliases(record: Document) -> list[str]:
    names = {entry["name"] for entry in record.get("aliases", {}).values()}
    return sorted(names - {record["name"]})


def _item(record: Document, articles: int | None = None) -> EntityItem:
    return EntityItem(
        id=record["_id"],
        name=record["name"],
        label=record["label"],
        aliases=_aliases(record),
        articles=record["articles"] if articles is None else articles,
    )


async def _counted(corpus: Corpus, records: list[Document], days: list[str] | None) -> list[tuple[int, str, Document]]:
    """The records with their count: all their articles, or (with `days`) those of the days, from the buckets of
    the months the days touch (a record holds no day counts)."""
    if days is None:
        return [(int(record["articles"]), record["_id"], record) for record in records]
    counts = await corpus.in_days([record["_id"] for record in records], days)
    return [(counts[record["_id"]], record["_id"], record) for record in records]


def _page(
    ranked: list[tuple[int, str, Document]], limit: int, after: tuple[int, str] | None, days: list[str] | None
) -> tuple[list[EntityItem], Position | None, bool]:
    """The page after `after` of entities ranked by (count desc, id); True when more follow among `ranked`."""
    ranked = sorted(ranked, key=lambda row: (-row[0], row[1]))
    if after is not None:
        ranked = [row for row in ranked if (-row[0], row[1]) > (-after[0], after[1])]
    page = [_item(record, count if days is not None else None) for count, _, record in ranked[:limit]]
    if len(ranked) > limit:
        return page, Position(after=(page[-1].articles, page[-1].id)), True
    return page, None, False


async def entity_page(
    corpus: Corpus,
    spec: EntityFilter,
    *,
    days: list[str] | None,
    limit: int,
    position: Position | None,
    read_limit: int,
) -> tuple[list[EntityItem], Position | None, bool]:
    """Entities by number of articles (in `days`, when given), then id; True when the ranking is an estimate.

    A ranking over days reads at most `RANGED_RECORDS` records, those with the most articles overall: when
    that is not enough to rank the page exactly, the page is ranked among them and called an estimate. A name
    prefix is matched as `SHORT_PREFIX` says.
    """
    after = after_entity(position.after) if position is not None else None
    projection = dict(_ITEM_PROJECTION)
    original_limit = read_limit
    prefixes = _prefixes(spec.prefix) if spec.prefix is not None else None
    if prefixes is not None and (days is not None or min(map(len, prefixes)) >= SHORT_PREFIX):
        return await _prefixed(corpus, spec, prefixes, days=days, limit=limit, after=after, read_limit=read_limit)
    if prefixes is not None:
        projection |= {"keys": 1}
        read_limit = min(read_limit, PREFIX_WALK)
    if days is not None:
        read_limit = min(read_limit, RANGED_RECORDS)
    totals = await corpus.totals()
    label = {"label": spec.label} if spec.label is not None else {}
    # Read windows of `articles` downwards. Every entity not read yet has fewer articles than the window's
    # lower end `floor`, so it cannot have more articles in any days either: the entities counted at least
    # `floor` are ranked exactly.
    ceiling = after[0] if after is not None and days is None else None
    floor = max(1, int(totals.total * FIRST_SHARE)) if ceiling is None else max(1, ceiling // 2)
    history: list[tuple[int, int]] = []
    read: dict[str, tuple[int, str, Document]] = {}
    reads = 0
    while True:
        bounds = {"$gte": floor} | ({"$lte": ceiling} if ceiling is not None else {})
        room = read_limit - reads
        found = await corpus.entities.find(
            label | {"articles": bounds}, projection, sort=[("articles", -1), ("_id", 1)], limit=room
        ).to_list()
        reads += len(found)
        named = [record for record in found if prefixes is None or _named(record, prefixes)]
        read |= {row[1]: row for row in await _counted(corpus, named, days)}
        certain = [row for row in read.values() if row[0] >= floor and row[0] > 0]
        page, next_position, more = _page(certain, limit, after, days)
        if more:
            return page, next_position, False
        if found and len(found) >= room:  # the read limit
            if prefixes is not None:  # a rare start: read what it matches
                return await _prefixed(
                    corpus, spec, prefixes, days=days, limit=limit, after=after, read_limit=original_limit
                )
            if days is not None:
                page, next_position, _ = _page([row for row in read.values() if row[0] > 0], limit, after, days)
                return page, next_position, True
            if page:  # resume after what was read
                return page, Position(after=(page[-1].articles, page[-1].id)), False
            last = found[-1]
            return page, Position(after=(last["articles"], last["_id"])), False
        if floor == 1:
            return page, None, False
        history.append((floor, reads))
        share = 1.0 if prefixes is None else max(len(read), 1) / max(reads, 1)
        needed = 0.0 if days is not None else (limit + 1 - len(page)) / share
        if prefixes is not None and reads >= PREFIX_JUDGED and reads + needed > read_limit:
            # So rare a start that the walk would end before the page is full: read what it matches now.
            return await _prefixed(
                corpus, spec, prefixes, days=days, limit=limit, after=after, read_limit=original_limit
            )
        ceiling, floor = floor - 1, _next_floor(history, needed)


def _next_floor(history: list[tuple[int, int]], needed: float) -> int:
    """The lower end of the next window of a ranking read downwards, sized to hold about `needed` more records
    but at most `WINDOW_GROWTH` times those read so far (an estimate that is off then costs little).

    `history` holds `(floor, records read from the top down to floor)` of each window so far. The number of
    entities named in at least n articles falls about as a power of n, whose exponent the last two windows
    tell; without two windows that hold records, or without an estimate, the floor halves.
    """
    floor, counted = history[-1]
    before = history[-2][1] if len(history) > 1 else 0
    if needed <= 0 or before == 0 or counted <= before:
        return max(1, floor // 2)
    exponent = min(max(math.log(counted / before) / math.log(history[-2][0] / floor), 0.5), 3.0)
    wanted = min(counted + WINDOW_MARGIN * needed, WINDOW_GROWTH * counted)
    return max(1, floor // 4, min(floor - 1, int(floor * (counted / wanted) ** (1 / exponent))))


def _prefixes(prefix: str) -> set[str]:
    """The starts of stored `keys` (lowercase names) that a prefix typed by a user matches."""
    return {prefix.casefold(), normalise(prefix)}


def _named(record: Document, prefixes: set[str]) -> bool:
    return any(key.startswith(prefix) for key in record.get("keys", []) for prefix in prefixes)


async def _prefixed(
    corpus: Corpus,
    spec: EntityFilter,
    prefixes: set[str],
    *,
    days: list[str] | None,
    limit: int,
    after: tuple[int, str] | None,
    read_limit: int,
) -> tuple[list[EntityItem], Position | None, bool]:
    """Entities with a name or alias starting with one of `prefixes`, read through the `keys` index: every
    entity a prefix matches is read (up to `read_limit` per prefix), so this serves prefixes that match few."""
    reads = await asyncio.gather(
        *(
            corpus.entities.find(
                {"keys": {"$gte": prefix, "$lt": prefix + LAST_KEY}}, _ITEM_PROJECTION, limit=read_limit
            ).to_list()
            for prefix in prefixes
        )
    )
    records = {record["_id"]: record for found in reads for record in found}
    kept = [
        record
        for record in records.values()
        if record.get("articles", 0) > 0 and (spec.label is None or record["label"] == spec.label)
    ]
    ranked = await _counted(corpus, kept, days)
    page, next_position, _ = _page([row for row in ranked if row[0] > 0], limit, after, days)
    return page, next_position, any(len(found) >= read_limit for found in reads)


async def entity_detail(
    articles: TimedCollection, corpus: Corpus, entity_id: str, *, read_limit: int
) -> EntityDetail | None:
    record = await corpus.record(entity_id)
    if record is None:
        return None
    # Every bucket of the entity: a small document per month it was seen in, for its first and last day.
    days = await corpus.day_counts(record["_id"])
    if not days:
        return None
    first, last = min(days), max(days)
    totals = await corpus.totals()
    listing = Listing(
        ArticleFilter(entities=(record["_id"],)),
        ArticleSort.RECEIVED_AT,
        Condition("corpus_entities", record["_id"]),
        [],
        max(record["articles"], 1) / max(totals.total, 1),
        max(record["articles"], 1) / max(totals.total, 1),
        totals.total,
    )
    recent, _ = await article_page(
        articles, corpus.counters, listing, limit=RECENT_ARTICLES, position=None, read_limit=read_limit
    )
    names = sorted(record.get("aliases", {}).values(), key=lambda entry: (-entry["count"], entry["name"]))
    return EntityDetail(
        **_item(record).model_dump(),
        first_seen=first,
        last_seen=last,
        names=[NameCount(name=entry["name"], articles=entry["count"]) for entry in names],
        kb=record.get("kb", {}),
        mentions=record.get("mentions", 0),
        recent_days=[
            DayCount(day=day, articles=days.get(day, 0))
            for day in (last - timedelta(days=back) for back in range(RECENT_DAYS - 1, -1, -1))
        ],
        recent_articles=recent,
    )


def bucket_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if interval == "month":
        return day.replace(day=1)
    return day


def _next_bucket(start: date, interval: str) -> date:
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


async def entity_timeline(
    corpus: Corpus, entity_id: str, interval: str, *, start: date | None, end: date | None, buckets: int
) -> Timeline | None:
    """Articles per day, ISO week or month from the entity's day buckets, over at most `buckets` buckets.

    Without `end` the range ends at the entity's last day seen; without `start` it spans `buckets` buckets.
    With `end`, only the months of the range are read.
    """
    record = await corpus.record(entity_id, {"articles": 1})
    if record is None:
        return None
    days: dict[date, int] | None = None
    if end is None:  # the range ends at the last day seen: every bucket is read
        days = await corpus.day_counts(record["_id"])
        if not days:
            return None
        end = max(days)
    if buckets == 0:
        return Timeline(entity=record["_id"], interval=interval, items=[])
    last = bucket_start(end, interval)
    starts = [last]
    while len(starts) < buckets and (start is None or starts[-1] > bucket_start(start, interval)):
        starts.append(bucket_start(starts[-1] - timedelta(days=1), interval))
    starts.reverse()
    if days is None:
        days = await corpus.day_counts(record["_id"], starts[0], _next_bucket(last, interval) - timedelta(days=1))
    counts: Counter[date] = Counter()
    for day, count in days.items():
        counts[bucket_start(day, interval)] += count
    items = [TimelineBucket(start=first, articles=counts[first]) for first in starts]
    return Timeline(entity=record["_id"], interval=interval, items=items)


async def related_entities(
    articles: TimedCollection,
    corpus: Corpus,
    entity_id: str,
    *,
    by_lift: bool,
    limit: int,
    min_shared: int,
    candidates: int,
    sample: int,
) -> RelatedEntities | None:
    """Entities mentioned in the newest `sample` articles of `entity_id`, with their lift.

    lift(A, B) = shared(A, B) * N / (articles(A) * articles(B)), N = enriched articles: how many times more
    often the two appear together than if they were independent (PMI = log2 lift). Over a sample of A's
    articles, articles(A) is the sample's size. Lift favours rare entities, hence `min_shared`; sorting by it
    considers the `candidates` entities that co-occur most often.
    """
    record = await corpus.record(entity_id, {"articles": 1})
    if record is None:
        return None
    own, totals = record["_id"], await corpus.totals(fresh=True)
    listing = Listing(
        ArticleFilter(entities=(own,)),
        ArticleSort.RECEIVED_AT,
        Condition("corpus_entities", own),
        [],
        max(record["articles"], 1) / max(totals.total, 1),
        max(record["articles"], 1) / max(totals.total, 1),
        totals.total,
    )
    found, more = await newest(
        articles,
        corpus.counters,
        listing,
        limit=sample,
        position=None,
        read_limit=sample,
        projection={
            "corpus_entities": 1,
            "received_at": 1,
        },
    )
    shared = Counter(other for doc in found for other in set(doc.get("corpus_entities", [])) if other != own)
    ranked = sorted(
        ((count, other) for other, count in shared.items() if count >= min_shared), key=lambda row: (-row[0], row[1])
    )[: candidates if by_lift else limit]
    records = await corpus.records([other for _, other in ranked], {"name": 1, "label": 1, "articles": 1})
    total = totals.status.get("enriched", 0) or totals.total
    read = len(found)
    items = [
        RelatedEntity(
            id=other,
            name=records[other]["name"],
            label=records[other]["label"],
            shared_articles=count,
            articles=records[other]["articles"],
            lift=round(count * total / (max(read, 1) * records[other]["articles"]), 4),
        )
        for count, other in ranked
        if other in records
    ]
    if by_lift:
        items.sort(key=lambda related: (-related.lift, -related.shared_articles, related.id))
    return RelatedEntities(
        entity=own,
        articles=record["articles"],
        total_articles=total,
        articles_read=read,
        estimate=more is not None or read < record["articles"],
        items=items[:limit],
    )
