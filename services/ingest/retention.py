"""The retention period: a sweep that deletes articles received more than `NEWSFLOW_RETENTION_DAYS` ago.

It deletes as `DELETE /v1/articles/{id}` does, through the queue, so the workers remove the article, leave a
tombstone and update the registry in the same step. Each delete carries the stored version's time plus a
millisecond (the database keeps milliseconds), not the sweep's: it removes the version the sweep saw and any
older one, while a re-post received since (a new submission of the article) wins over it and stays.

A sweep reads at most `batch` articles, the oldest first; a backlog larger than that is worked off one batch
per interval. Every ingest process with a retention period sweeps: with several, a delete may be published
twice, which changes nothing (a second delete of a deleted article finds its tombstone).
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from services.ingest.publisher import ArticlePublisher
from services.ingest.stored import StoredArticles
from shared.broker import PublishFailed
from shared.messages import ArticleDeleted

log = logging.getLogger(__name__)

# Who asked, as the tombstone records it: no key did.
REQUESTED_BY = "retention"
# One millisecond: the smallest step the database's dates keep.
AFTER_STORED = timedelta(milliseconds=1)


class RetentionSweep:
    def __init__(
        self,
        stored: StoredArticles,
        publisher: ArticlePublisher,
        *,
        days: int,
        batch: int,
        interval_s: float,
        concurrency: int,
    ) -> None:
        self._stored = stored
        self._publisher = publisher
        self._period = timedelta(days=days)
        self._batch = batch
        self._interval_s = interval_s
        self._concurrency = concurrency

    async def sweep(self, now: datetime | None = None) -> int:
        """Publish a delete for each of the oldest `batch` articles past the period; returns how many."""
        cutoff = (now or datetime.now(UTC)) - self._period
        gate = asyncio.Semaphore(self._concurrency)

        async def delete(message: ArticleDeleted) -> None:
            async with gate:
                await self._publisher.publish(message)

        pending: list[asyncio.Task[None]] = []
        async for article in self._stored.received_before(cutoff, limit=self._batch):
            message = ArticleDeleted(
                kind="deleted", id=article.id, requested_by=REQUESTED_BY, received_at=article.received_at + AFTER_STORED
            )
            pending.append(asyncio.create_task(delete(message)))
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, PublishFailed):
                raise outcome
        published = sum(outcome is None for outcome in outcomes)
        if published < len(outcomes):
            log.warning("retention: the broker refused %d of %d deletes", len(outcomes) - published, len(outcomes))
        return published

    async def run(self) -> None:
        """Sweep every interval until cancelled; a sweep that fails is logged and tried again next time."""
        while True:
            try:
                published = await self.sweep()
                if published:
                    log.info(
                        "retention: %d article(s) older than %d day(s) queued for deletion",
                        published,
                        self._period.days,
                    )
            except Exception as exc:  # the next sweep tries again; the service keeps accepting articles
                log.warning("retention sweep failed: %s: %s", type(exc).__name__, exc)
            await asyncio.sleep(self._interval_s)
