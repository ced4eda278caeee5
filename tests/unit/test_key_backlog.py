"""Each key's share of the queue: the ledger of what one ingest published, trimmed to the queue's depth."""

import pytest

from services.ingest.backlog import KeyBacklog
from services.ingest.errors import QueueShareExceeded


class Queue:
    """The depth a passive declare would report."""

    def __init__(self) -> None:
        self.depth: int | None = 0

    async def read(self) -> int | None:
        return self.depth


async def test_a_key_is_bounded_while_another_is_not() -> None:
    queue = Queue()
    backlog = KeyBacklog(max_waiting=100, depth=queue.read, refresh_s=0)
    backlog.settle(await backlog.reserve("flood", 60))
    queue.depth = 60
    with pytest.raises(QueueShareExceeded, match="60 articles of this API key"):
        await backlog.reserve("flood", 41)
    backlog.settle(await backlog.reserve("flood", 40))
    queue.depth = 100
    with pytest.raises(QueueShareExceeded):
        await backlog.check("flood")
    backlog.settle(await backlog.reserve("fair", 100))
    assert (backlog.waiting("flood"), backlog.waiting("fair")) == (100, 100)


async def test_what_the_queue_no_longer_holds_is_forgotten_oldest_first() -> None:
    queue = Queue()
    backlog = KeyBacklog(max_waiting=100, depth=queue.read, refresh_s=0)
    for key in ("a", "b", "a"):
        backlog.settle(await backlog.reserve(key, 50))
        queue.depth = (queue.depth or 0) + 50  # no worker yet
    queue.depth = 70  # the first 80 were taken: a's first 50 and 30 of b's
    await backlog.check("a")
    assert (backlog.waiting("a"), backlog.waiting("b")) == (50, 20)
    queue.depth = None  # unknown: nothing is forgotten
    await backlog.check("a")
    assert backlog.waiting("a") == 50


async def test_refused_publishes_and_unconfirmed_ones_are_counted_right() -> None:
    queue = Queue()
    backlog = KeyBacklog(max_waiting=1_000, depth=queue.read, refresh_s=0)
    pending = await backlog.reserve("a", 30)
    await backlog.check("a")  # the depth is 0 but 30 are still awaiting their confirm: not forgotten
    assert backlog.waiting("a") == 30
    backlog.settle(pending, refused=10)
    assert backlog.waiting("a") == 20


async def test_a_key_with_nothing_waiting_may_send_a_batch_above_the_bound() -> None:
    backlog = KeyBacklog(max_waiting=10, depth=Queue().read, refresh_s=60)
    backlog.settle(await backlog.reserve("a", 500))
    with pytest.raises(QueueShareExceeded):
        await backlog.reserve("a", 1)
