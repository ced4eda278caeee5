"""Request rate limit per key (moving window, in process memory); ingest and query each hold their own."""

import hashlib
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

    async def retry_after(self, api_key: str, cost: int = 1) -> int | None:
        """Count `cost` requests for this key; None if allowed, else seconds until it would be."""
        # Keyed by a digest so the limiter's memory never holds a usable key.
        bucket = hashlib.sha256(api_key.encode()).hexdigest()[:32]
        if await self._limiter.hit(self._item, bucket, cost=cost):
            return None
        reset_at = (await self._limiter.get_window_stats(self._item, bucket)).reset_time
        return max(1, math.ceil(reset_at - time.time()))
