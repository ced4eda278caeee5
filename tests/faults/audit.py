"""After a fault: wait until the pipeline is idle, then compare what was accepted with what was stored."""

import asyncio
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from shared import topology
from tests.faults.rabbitmq import TRANSIT_QUEUES, queue_depths

POLL_S = 2.0


@dataclass(frozen=True)
class Audit:
    accepted: int
    stored: int
    lost: int
    duplicates: int
    dead_lettered: int
    in_transit: int
    not_enriched: list[str]

    def line(self, scenario: str) -> str:
        return (
            f"scenario={scenario} accepted={self.accepted} stored={self.stored} lost={self.lost} "
            f"duplicates={self.duplicates} dead_lettered={self.dead_lettered}"
        )


class Observer:
    """Reads the run's database and queue depths; tolerates the database being down while it waits."""

    def __init__(self, *, mongodb_url: str, database: str, vhost: str) -> None:
        self._client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, serverSelectionTimeoutMS=2_000)
        self._articles = self._client[database]["articles"]
        self._vhost = vhost

    def close(self) -> None:
        self._client.close()

    def stored_count(self) -> int:
        """Documents stored so far; 0 while the database is unreachable."""
        try:
            return int(self._articles.count_documents({}))
        except PyMongoError:
            return 0

    def _enriched_ids(self) -> set[str]:
        try:
            return {doc["_id"] for doc in self._articles.find({"status": "enriched"}, {"_id": 1})}
        except PyMongoError:
            return set()

    def in_transit(self) -> int:
        """Messages in the work queue and the delay queues, ready or unacknowledged."""
        depths = queue_depths(self._vhost)
        return sum(depths.get(name, 0) for name in TRANSIT_QUEUES)

    async def wait_until_stored(self, count: int, *, timeout_s: float = 300) -> None:
        """Until at least `count` documents are stored: the workers are then in the middle of the run."""
        deadline = time.monotonic() + timeout_s
        while await asyncio.to_thread(self.stored_count) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {count} documents stored after {timeout_s}s")
            await asyncio.sleep(0.5)

    async def wait_until_idle(self, accepted: Collection[str], *, timeout_s: float = 480) -> None:
        """Until every accepted article is enriched and the work and delay queues are empty, twice in a row."""
        deadline = time.monotonic() + timeout_s
        settled, missing, in_transit = 0, len(accepted), -1
        while settled < 2:
            if time.monotonic() > deadline:
                raise TimeoutError(f"not idle after {timeout_s}s: {missing} articles not enriched, {in_transit} queued")
            await asyncio.sleep(POLL_S)
            missing = len(set(accepted) - await asyncio.to_thread(self._enriched_ids))
            in_transit = await asyncio.to_thread(self.in_transit)
            settled = settled + 1 if missing == 0 and in_transit == 0 else 0

    def audit(self, accepted: Collection[str]) -> Audit:
        """Accepted vs stored. lost: accepted but not stored enriched. duplicates: documents beyond one per
        accepted article, counting the same content stored under two ids.
        """
        documents = list(self._articles.find({}, {"status": 1, "content_hash": 1, "summary": 1, "pipeline": 1}))
        ids = {doc["_id"] for doc in documents}
        enriched = {
            doc["_id"]
            for doc in documents
            if doc.get("status") == "enriched"
            and doc.get("summary") is not None
            and (doc.get("pipeline") or {}).get("version")
        }
        accepted = set(accepted)
        extra = ids - accepted
        same_content = len(documents) - len({doc.get("content_hash") for doc in documents})
        depths = queue_depths(self._vhost)
        return Audit(
            accepted=len(accepted),
            stored=len(accepted & ids),
            lost=len(accepted - enriched),
            duplicates=len(extra) + same_content,
            dead_lettered=depths.get(topology.DEAD_QUEUE, 0),
            in_transit=sum(depths.get(name, 0) for name in TRANSIT_QUEUES),
            not_enriched=sorted(accepted - enriched)[:10],
        )
