"""Rate limit per client (moving window, in process memory); ingest and query each hold their own.

Clients are named by key name (or, for public reads, by address), never by secret.

A hit has a cost: ingest charges one per article, so a batch of 1,000 costs what 1,000 single posts cost.
"""

import math
import time

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


class RateLimit:
    # The asyncio flavour of `limits`: its expiry runs as a task on the event loop. The threaded one starts a
    # timer thread whose lock contention stalls the event loop (docs/performance.md).
    def __init__(self, rule: str) -> None:
        self._item = parse(rule)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def retry_after(self, client: str, cost: int = 1) -> int | None:
        """Count `cost` hits for this client; None if allowed, else seconds until it would be.

        A cost above the whole window's allowance is charged as that allowance: it could never pass otherwise.
        """
        cost = min(cost, self._item.amount)
        if await self._limiter.hit(self._item, client, cost=cost):
            return None
        if cost > 1:
            # When enough of the window has expired for `cost` hits is not known to the limiter; a whole
            # window from now, all of it has.
            return self._item.get_expiry()
        reset_at = (await self._limiter.get_window_stats(self._item, client)).reset_time
        return max(1, math.ceil(reset_at - time.time()))
