"""Reading articles: one by id, and listings newest first (keyset pages) or by relevance, each a bounded read.

A listing reads time windows newest first through one index `(condition, sort key, _id)`: the condition
it drives by is its rarest equality (by the store's counts), the window is sized from per-day counts to
hold about a page, and widened when it held too few. Its other conditions are checked on the documents
read. At most `read_limit` documents are read per request: a page may then hold fewer than `limit`
articles while `next_cursor` says more may follow.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.query.cursor import InvalidCursor, Position
from services.query.repository.corpus import Totals
from services.query.repository.filters import (
    ArticleFilter,
    ArticleSort,
    Condition,
    from_ms,
    matches,
    sort_spec,
    to_ms,
)
from services.query.repository.timed import TimedCollection
from services.query.repository.windows import DAY, DayCounts, window_start
from services.query.schemas import TOP_ENTITIES, ArticleItem, EntityRef
from services.query.scorer import RelevanceScorer
from shared.database import Document

_ITEM_FIELDS = ["owner", "title", "source", "published_at", "received_at", "status", "summary.text"]
ITEM_PROJECTION = {field: 1 for field in _ITEM_FIELDS + [f"entities.{key}" for key in EntityRef.model_fields]}
# What ranking a relevance candidate reads: its score's text and its sort key. The page's items are read after,
# by id: SecantusDB copies every field a projection includes, and an item's entities are most of that.
_CANDIDATE_PROJECTION = {"title": 1, "summary.text": 1, "received_at": 1}
# Relevance reads at most this many articles per candidate it ranks: the candidates are the newest matches
# among them, so a rare combination of words costs no more than a common one.
READ_PER_CANDIDATE = 4

# A window is sized for this many times the articles a page still needs: fewer second reads, little waste.
WINDOW_FACTOR = 1.5
MAX_WINDOWS = 12
MS = timedelta(milliseconds=1)
# Above any stored date, so a window always has an upper bound (a range that leaves undated articles out).
LATEST = datetime(9999, 12, 31, tzinfo=from_ms(0).tzinfo)

# Conditions an index serves together with each sort key (`shared.database.ARTICLE_INDEXES`).
DRIVES = {
    "received_at": ("corpus_entities", "search_terms", "entities.label", "source", "language", "status"),
    "published_at": ("corpus_entities",),
}

Page = tuple[list[ArticleItem], Position | None]


def item(stored: Document, score: float | None = None) -> ArticleItem:
    ranked = sorted(stored.get("entities", []), key=lambda entity: (-entity["salience"], entity["id"]))
    summary = stored.get("summary")
    return ArticleItem(
        id=stored["_id"],
        owner=stored.get("owner"),
        title=stored["title"],
        source=stored.get("source"),
        published_at=stored.get("published_at"),
        received_at=stored["received_at"],
        status=stored["status"],
        summary=summary.get("text") if summary else None,
        entities=[EntityRef.model_validate(entity) for entity in ranked[:TOP_ENTITIES]],
        score=score,
    )


async def find_article(articles: TimedCollection, article_id: str, fields: tuple[str, ...]) -> Document | None:
    return await articles.find_one({"_id": article_id}, dict.fromkeys(fields, 1) if fields else None)


@dataclass(frozen=True)
class Listing:
    """One listing's read plan: the equality that drives it, the ones checked after, and its expected share."""

    spec: ArticleFilter
    sort: ArticleSort
    drive: Condition | None
    checked: list[Condition]
    share: float  # of all articles, estimated from the store's counts
    drive_share: float  # of all articles, that the driving index holds
    total: int  # stored articles, by the store's counts

    @property
    def field(self) -> str:
        return "published_at" if self.sort is ArticleSort.PUBLISHED_AT else "received_at"

    def projection(self, base: Document) -> Document:
        """`base` and what the conditions checked on the documents read look at."""
        dated = self.spec.published_from is not None or self.spec.published_to is not None
        return base | {condition.field: 1 for condition in self.checked} | ({"published_at": 1} if dated else {})

    def base_query(self) -> Document:
        return {self.drive.field: self.drive.value} if self.drive is not None else {}


def plan(
    spec: ArticleFilter, sort: ArticleSort, conditions: list[Condition], totals: Totals, registry: dict[str, Document]
) -> Listing:
    """Drive by the rarest condition an index serves with the sort key; check the rest on what is read."""
    field = "published_at" if sort is ArticleSort.PUBLISHED_AT else "received_at"
    shares = {condition: totals.share(condition, registry) for condition in conditions}
    drivable = [condition for condition in conditions if condition.field in DRIVES[field]]
    drive = min(drivable, key=lambda condition: shares[condition], default=None)
    share = 1.0
    for value in shares.values():
        share *= value
    if spec.published_from is not None or spec.published_to is not None:
        share *= 0.5 if sort is not ArticleSort.PUBLISHED_AT else 1.0
    checked = [condition for condition in conditions if condition != drive]
    least = 1 / max(totals.total, 1)
    drive_share = max(shares[drive] if drive else 1.0, least)
    return Listing(spec, sort, drive, checked, max(share, least), drive_share, totals.total)


async def explain_window(articles: TimedCollection, listing: Listing, start: datetime) -> Document:
    """The winning plan of a listing's read of the window from `start` on."""
    query = listing.base_query() | {listing.field: {"$gte": start, "$lte": LATEST}}
    cursor = articles.find(query, listing.projection(ITEM_PROJECTION), sort=sort_spec(listing.sort), limit=1)
    plan = await cursor.explain()
    return dict(plan["queryPlanner"]["winningPlan"])


def _key(stored: Document, field: str) -> Position:
    moment = stored.get(field)
    return Position(after=(None if moment is None else to_ms(moment), stored["_id"]))


async def newest(
    articles: TimedCollection,
    counters: TimedCollection,
    listing: Listing,
    *,
    limit: int,
    position: Position | None,
    read_limit: int,
    projection: Document,
) -> tuple[list[Document], Position | None]:
    """Up to `limit` matching documents after `position`, newest first, and where the next page starts.

    The position is `(sort key in ms, id)` of the last article returned, or `(ms, "")` for "everything
    before that moment" when a read stopped at a window's start; `(None, id)` is among the undated articles,
    which come last when sorting by `published_at`.
    """
    spec, field = listing.spec, listing.field
    days = DayCounts(counters, "published" if field == "published_at" else "received")
    upper: datetime | None = None
    tie: str | None = None  # at `upper`, only ids below this one
    undated = False
    if position is not None:
        match position.after:
            case (None, str() as last_id) if field == "published_at":
                undated, tie = True, last_id
            case (int() as ms, str() as last_id):
                upper, tie = from_ms(ms), last_id
            case _:
                raise InvalidCursor("invalid cursor")
    if field == "published_at" and spec.published_to is not None and (upper is None or spec.published_to - MS < upper):
        upper, tie = spec.published_to - MS, None
    lowest = spec.published_from if field == "published_at" else None
    sort, base = sort_spec(listing.sort), listing.base_query()
    found: list[Document] = []
    reads = 0
    share, blind = listing.share, DAY

    def keep(docs: list[Document], at: datetime | None, below: str | None) -> None:
        for doc in docs:
            if below is not None and doc.get(field) == at and doc["_id"] >= below:
                continue  # already on an earlier page
            if matches(doc, listing.checked, spec):
                found.append(doc)

    for _ in range(MAX_WINDOWS if not undated else 0):
        room = read_limit - reads
        # Sized for what the page still needs, but never to hold more driving matches than may still be read:
        # SecantusDB reads every match of a window before it applies `limit`.
        wanted = min((limit + 1 - len(found)) * WINDOW_FACTOR / share, room / listing.drive_share)
        window = await window_start(days, upper, wanted, total=listing.total, blind_span=blind)
        start = window.start
        final = start is None or (lowest is not None and start <= lowest)
        if lowest is not None and (start is None or start < lowest):
            start = lowest
        bounds = {"$lte": upper or LATEST} | ({"$gte": start} if start is not None else {})
        docs = await articles.find(base | {field: bounds}, projection, sort=sort, limit=room).to_list()
        reads += len(docs)
        before = len(found)
        keep(docs, upper, tie)
        if len(found) > limit:
            return found[:limit], _key(found[limit - 1], field)
        if docs and len(docs) >= room:  # the read limit: resume after the last document read
            return found, _key(docs[-1], field)
        if final:
            break
        assert start is not None
        upper, tie = start - MS, None
        observed = (len(found) - before) / max(window.expected, 1.0)
        share = max(observed, share / 4)
        blind *= 2
    else:
        if not undated:  # windows used up: the next page starts before the last one read
            assert upper is not None
            return found, Position(after=(to_ms(upper + MS), ""))
    if field != "published_at" or spec.published_from is not None or spec.published_to is not None:
        return found, None
    # Undated articles last, by id: the store keeps no per-day count of them, so only the read limit bounds this.
    room = read_limit - reads
    query = base | {"published_at": None} | ({"_id": {"$lt": tie}} if undated and tie is not None else {})
    docs = await articles.find(query, projection, sort=sort, limit=room).to_list()
    keep(docs, None, None)
    if len(found) > limit:
        return found[:limit], _key(found[limit - 1], field)
    if docs and len(docs) >= room:
        return found, _key(docs[-1], field)
    return found, None


async def article_page(
    articles: TimedCollection,
    counters: TimedCollection,
    listing: Listing,
    *,
    limit: int,
    position: Position | None,
    read_limit: int,
) -> Page:
    """A page newest first (by `received_at` or `published_at`, then id) and the position after it."""
    found, after = await newest(
        articles,
        counters,
        listing,
        limit=limit,
        position=position,
        read_limit=read_limit,
        projection=listing.projection(ITEM_PROJECTION),
    )
    return [item(stored) for stored in found], after


async def relevance_page(
    articles: TimedCollection,
    counters: TimedCollection,
    scorer: RelevanceScorer,
    listing: Listing,
    *,
    limit: int,
    position: Position | None,
    candidates: int,
    read_limit: int,
) -> tuple[list[ArticleItem], Position | None, bool]:
    """Ranks the newest `candidates` matches, among at most `READ_PER_CANDIDATE` articles read per candidate, by
    the relevance of their title and summary; True when more articles match than were ranked (the ranking is
    then an estimate over the newest ones).

    The first page fixes the candidate set as "received by the newest candidate" (`as_of`), so articles that
    arrive later do not reshuffle the ranking under a client paging through it.
    """
    start = None if position is None or position.as_of is None else Position(after=(position.as_of + 1, ""))
    found, more = await newest(
        articles,
        counters,
        listing,
        limit=candidates,
        position=start,
        read_limit=min(max(read_limit, candidates), READ_PER_CANDIDATE * candidates),
        projection=listing.projection(_CANDIDATE_PROJECTION),
    )
    texts = [(doc["title"], (doc.get("summary") or {}).get("text") or "") for doc in found]
    scores = await scorer.scores(listing.spec.terms, texts)
    scored = sorted(zip(scores, (doc["_id"] for doc in found), strict=True), reverse=True)
    if position is None:
        as_of = max((to_ms(doc["received_at"]) for doc in found), default=None)
    else:
        match position.after:
            case (int() | float() as last_score, str() as last_id):
                scored = [key for key in scored if key < (last_score, last_id)]
                as_of = position.as_of
            case _:
                raise InvalidCursor("invalid cursor")
    chosen = scored[:limit]
    ids = [article_id for _, article_id in chosen]
    shown = await articles.find({"_id": {"$in": ids}}, ITEM_PROJECTION).to_list() if ids else []
    by_id = {doc["_id"]: doc for doc in shown}
    # An article deleted since it was read is left out of the page.
    page = [item(by_id[article_id], score) for score, article_id in chosen if article_id in by_id]
    after = None if len(scored) <= limit else Position(after=chosen[-1], as_of=as_of)
    return page, after, more is not None
