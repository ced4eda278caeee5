"""Admission of expensive reads: a rate limit per reader, then a cap on how many run at once.

Relevance ranking, statistics and the entity aggregations cost far more than a page of a listing. Beyond a
reader's rate a read gets 429; one that waits longer than `wait_s` for a free slot gets 503; both say when to
retry. Probes and cheap reads are not admitted here, so they keep answering whatever the load.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import HTTPException

from shared.http.metrics import RATE_LIMIT_REFUSALS
from shared.rate_limit import RateLimit

# A refused read retries once a slot is likely free: an expensive read takes about a second.
BUSY_RETRY_AFTER_S = 1
# A read that timed out or found the database down retries later: one slow answer rarely clears in a second.
UNAVAILABLE_RETRY_AFTER_S = 5
RETRY_LATER = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)}


class ExpensiveReads:
    def __init__(self, *, concurrency: int, wait_s: float, rate_limit: str) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._wait_s = wait_s
        self._rate = RateLimit(rate_limit)

    @asynccontextmanager
    async def admit(self, reader: str) -> AsyncIterator[None]:
        """Hold a slot for one read of `reader` (a key, or a client address for public reads)."""
        retry_after = await self._rate.retry_after(reader)
        if retry_after is not None:
            RATE_LIMIT_REFUSALS.labels("read_rate").inc()
            raise HTTPException(
                429, "read rate limit exceeded for this client", headers={"Retry-After": str(retry_after)}
            )
        try:
            async with asyncio.timeout(self._wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise HTTPException(
                503, "too many expensive reads at once, retry shortly", headers={"Retry-After": str(BUSY_RETRY_AFTER_S)}
            ) from None
        try:
            yield
        finally:
            self._slots.release()
