"""Each key's share of the work queue: a bound on the articles a key has waiting, so one flood starves no one.

"Waiting" means accepted by this process and not yet taken by a worker. The broker does not count messages
per key, so each ingest process keeps a ledger of what it published, oldest first, by key. The queue is
first in, first out: when it holds `depth` ready messages, all but the newest `depth` of ours have been
taken, so the ledger is trimmed to that many (plus those whose confirm is still awaited). The depth comes
from a passive declare, read at most every `refresh_s` seconds, and only when a request needs it.

With several ingest replicas the depth also counts the others' messages, so a replica counts some of its
own as waiting after they were taken: the bound errs on the strict side, never the loose one. Each replica
bounds the key by itself, so a key spread over N replicas may have up to N times `max_waiting` waiting; set
`NEWSFLOW_KEY_MAX_WAITING` to the share one key may hold divided by the number of replicas.
"""

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.ingest.errors import QueueShareExceeded


@dataclass
class _Entry:
    name: str  # the key's name
    count: int


@dataclass(frozen=True)
class Reservation:
    """Articles counted as waiting before they are published, until `KeyBacklog.settle`."""

    entry: _Entry
    count: int


class KeyBacklog:
    def __init__(self, *, max_waiting: int, depth: Callable[[], Awaitable[int | None]], refresh_s: float = 2.0) -> None:
        self._max_waiting = max_waiting
        self._depth = depth
        self._refresh_s = refresh_s
        self._refreshed_at = float("-inf")
        self._refreshing = asyncio.Lock()
        self._ledger: deque[_Entry] = deque()
        self._waiting: dict[str, int] = defaultdict(int)
        self._total = 0
        self._unconfirmed = 0

    def waiting(self, name: str) -> int:
        return self._waiting.get(name, 0)

    async def check(self, name: str) -> None:
        """Raise `QueueShareExceeded` if this key already has its whole share waiting (before reading a body)."""
        await self._refresh()
        waiting = self.waiting(name)
        if waiting >= self._max_waiting:
            raise QueueShareExceeded(self._refusal(waiting))

    async def reserve(self, name: str, count: int) -> Reservation:
        """Count `count` articles as waiting for this key, or raise `QueueShareExceeded` if that passes its bound.

        A key with nothing waiting may always send one batch, so a bound below the batch size cannot lock it out.
        """
        await self._refresh()
        waiting = self.waiting(name)
        if count and waiting and waiting + count > self._max_waiting:
            raise QueueShareExceeded(self._refusal(waiting))
        entry = _Entry(name, count)
        self._ledger.append(entry)
        self._waiting[name] += count
        self._total += count
        self._unconfirmed += count
        return Reservation(entry, count)

    def _refusal(self, waiting: int) -> str:
        return f"{waiting} articles of this API key are waiting in the queue, at most {self._max_waiting} may"

    def settle(self, reservation: Reservation, *, refused: int = 0) -> None:
        """The broker answered for the reserved articles; those it `refused` are not waiting."""
        self._unconfirmed -= reservation.count
        self._take(reservation.entry, min(refused, reservation.entry.count))

    async def _refresh(self) -> None:
        if time.monotonic() - self._refreshed_at < self._refresh_s or self._refreshing.locked():
            return  # fresh enough, or another request is reading it: no request queues behind a lookup
        async with self._refreshing:
            depth = await self._depth()
            self._refreshed_at = time.monotonic()
            if depth is not None:  # unknown (broker away): the ledger stays as it was, stricter rather than looser
                self._trim(depth + self._unconfirmed)

    def _trim(self, keep: int) -> None:
        """Forget the oldest entries beyond `keep` articles: the queue no longer holds them."""
        while self._total > keep and self._ledger:
            oldest = self._ledger[0]
            self._take(oldest, min(oldest.count, self._total - keep))
            if not oldest.count:
                self._ledger.popleft()

    def _take(self, entry: _Entry, count: int) -> None:
        entry.count -= count
        self._total -= count
        self._waiting[entry.name] -= count
        if not self._waiting[entry.name]:
            del self._waiting[entry.name]
