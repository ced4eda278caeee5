"""What the store maintains about the whole corpus: registry records (`entities`) with their articles per day
(`entity_days`), and totals (`counters`).

The query service only reads them. A registry record whose `articles` fell to 0 stays for the operators'
overrides but is hidden from every read.
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.query.repository.filters import Condition
from services.query.repository.timed import TimedCollection
from shared.database import Document, in_chunks
from shared.registry import bucket_days, bucket_id, bucket_query

# Share of the articles a search word is assumed to appear in: the store counts no words, so a listing first
# assumes the word is everywhere (its window then never holds more than it may read) and widens the window
# by what it finds.
WORD_SHARE = 1.0
# Totals size the windows of every listing: reused this long, they save a database round trip per request.
TOTALS_MAX_AGE_S = 1.0


@dataclass(frozen=True)
class Totals:
    """The `counters` document `articles`; all zero when the store has counted nothing yet."""

    total: int = 0
    status: dict[str, int] = field(default_factory=dict)
    language: dict[str, int] = field(default_factory=dict)
    source: dict[str, int] = field(default_factory=dict)  # by source name
    label: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, stored: Document | None) -> "Totals":
        if stored is None:
            return cls()
        sources: dict[str, int] = {}
        for entry in stored.get("source", {}).values():
            sources[entry["name"]] = sources.get(entry["name"], 0) + int(entry["count"])
        return cls(
            total=int(stored.get("total", 0)),
            status=_counts(stored.get("status")),
            language=_counts(stored.get("language")),
            source=sources,
            label=_counts(stored.get("label")),
        )

    def share(self, condition: Condition, registry: dict[str, Document]) -> float:
        """Estimated share of all articles that meet `condition` (at least one article's worth)."""
        if condition.field == "search_terms":
            return WORD_SHARE
        if self.total == 0:
            return 1.0
        counts: dict[str, Any] = {
            "corpus_entities": {key: record.get("articles", 0) for key, record in registry.items()},
            "entities.label": self.label,
            "source": self.source,
            "language": self.language,
            "status": self.status,
        }[condition.field]
        return max(1, min(int(counts.get(condition.value, 0)), self.total)) / self.total


def _counts(values: Any) -> dict[str, int]:
    return {key: int(count) for key, count in (values or {}).items()}


def visible(record: Document | None) -> bool:
    return record is not None and record.get("articles", 0) > 0


class Corpus:
    def __init__(self, entities: TimedCollection, counters: TimedCollection, days: TimedCollection) -> None:
        self.entities = entities
        self.counters = counters
        self.days = days
        self._totals: tuple[float, Totals] | None = None

    async def day_counts(self, entity_id: str, first: date | None = None, last: date | None = None) -> dict[date, int]:
        """An entity's articles per day (days without any left out), of the months `first` to `last` when given:
        a bucket per month it was seen in, read through the index on `(entity, month)`."""
        months = (f"{first:%Y-%m}" if first else None, f"{last:%Y-%m}" if last else None)
        found = await self.days.find(bucket_query(entity_id, *months)).to_list()
        return {date.fromisoformat(day): count for bucket in found for day, count in bucket_days(bucket).items()}

    async def in_days(self, entity_ids: list[str], days: list[str]) -> Counter[str]:
        """The articles of each entity in `days` (`YYYY-MM-DD`), from the buckets of the months they touch."""
        months = sorted({day[:7] for day in days})
        wanted = set(days)
        ids = [bucket_id(entity_id, month) for entity_id in sorted(set(entity_ids)) for month in months]
        reads = await asyncio.gather(*(self.days.find({"_id": {"$in": chunk}}).to_list() for chunk in in_chunks(ids)))
        counts: Counter[str] = Counter()
        for bucket in (bucket for found in reads for bucket in found):
            counts[bucket["entity"]] += sum(count for day, count in bucket_days(bucket).items() if day in wanted)
        return counts

    async def totals(self, *, fresh: bool = False) -> Totals:
        """The totals; unless `fresh`, as read at most `TOTALS_MAX_AGE_S` ago (for sizing reads)."""
        now = time.monotonic()
        if fresh or self._totals is None or now - self._totals[0] > TOTALS_MAX_AGE_S:
            self._totals = (now, Totals.of(await self.counters.find_one({"_id": "articles"})))
        return self._totals[1]

    async def record(self, entity_id: str, projection: Document | None = None) -> Document | None:
        """The registry record of a corpus id, or of the record that lists `entity_id` among its linked ids."""
        own, linked = await asyncio.gather(
            self.entities.find_one({"_id": entity_id}, projection),
            self.entities.find({"ids": entity_id}, projection).to_list(),
        )
        if visible(own):
            return own
        shown = sorted((record for record in linked if visible(record)), key=lambda r: (-r["articles"], r["_id"]))
        return shown[0] if shown else None

    async def records(self, entity_ids: list[str], projection: Document | None = None) -> dict[str, Document]:
        """Visible records by corpus id."""
        if not entity_ids:
            return {}
        found = await self.entities.find({"_id": {"$in": entity_ids}}, projection).to_list()
        return {record["_id"]: record for record in found if visible(record)}
