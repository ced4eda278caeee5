"""Hostile volume against a real ingest process: huge batches of tiny items, and one key flooding the queue.

Ingest runs as in production (`python -m services.ingest`), with no worker, so nothing drains the queue;
memory is the process's resident set, read from outside.
"""

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import aio_pika
import httpx
import psutil
import pytest

from devstack.keys import API_KEYS, OTHER_WRITE_KEY, WRITE_KEY
from devstack.ports import free_port
from devstack.rabbitmq import rabbitmq_vhost
from devstack.stack import ServiceProcess, Stack, wait_ready
from shared import topology

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

MIB = 1_048_576
FLOOD_KEY = WRITE_KEY
FAIR_KEY = OTHER_WRITE_KEY
KEY_MAX_WAITING = 500


def _tiny_items(kind: str, item: bytes = b'{"title":"a"}') -> bytes:
    """A 16 MiB batch body of tiny items (about a million)."""
    count = 16 * MIB // (len(item) + 1) - 1
    if kind == "application/json":
        return b"[" + b",".join([item] * count) + b"]"
    return b"\n".join([item] * count)


@dataclass(frozen=True)
class Ingest:
    url: str
    process: ServiceProcess
    rabbitmq_url: str


@pytest.fixture(scope="module")
def ingest(mongodb_url: str) -> Iterator[Ingest]:
    """An ingest process on a free port with a vhost of its own, and no worker."""
    with rabbitmq_vhost() as (rabbitmq_url, _):
        port = free_port()
        stack = Stack(
            env={
                "NEWSFLOW_RABBITMQ_URL": rabbitmq_url,
                "NEWSFLOW_MONGODB_URL": mongodb_url,
                "NEWSFLOW_API_KEYS": API_KEYS,
                "NEWSFLOW_PORT": str(port),
                "NEWSFLOW_KEY_MAX_WAITING": str(KEY_MAX_WAITING),
                "NEWSFLOW_LOG_LEVEL": "WARNING",
            }
        )
        process = stack.start("ingest")
        try:
            wait_ready(f"http://127.0.0.1:{port}/readyz", processes=[process])
            yield Ingest(f"http://127.0.0.1:{port}", process, rabbitmq_url)
        finally:
            process.stop()


@pytest.mark.parametrize("kind", ["application/json", "application/x-ndjson"])
def test_a_16_mib_batch_of_tiny_items_is_refused_fast_without_materialising_it(ingest: Ingest, kind: str) -> None:
    url, process = ingest.url, ingest.process
    body = _tiny_items(kind)
    assert len(body) > 16 * MIB - 64
    memory = psutil.Process(process.proc.pid)
    before = memory.memory_info().rss
    peak = before
    headers = {"X-API-Key": FLOOD_KEY, "Content-Type": kind}
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        answer = pool.submit(httpx.post, f"{url}/v1/articles:batch", content=body, headers=headers, timeout=60)
        while not answer.done():
            peak = max(peak, memory.memory_info().rss)
            time.sleep(0.005)
        elapsed = time.monotonic() - started
    response = answer.result()
    assert response.status_code == 422, response.text
    assert "at most 1000 articles per batch" in response.json()["detail"]
    assert elapsed < 5, f"answered after {elapsed:.1f}s"
    assert peak - before < 100 * MIB, f"the process grew by {(peak - before) / MIB:.0f} MiB"


def test_a_batch_of_many_values_in_one_item_is_refused(ingest: Ingest) -> None:
    url = ingest.url
    body = b'[{"title": "a", "body": [' + b",".join([b"{}"] * 1_000_000) + b"]}]"
    response = httpx.post(
        f"{url}/v1/articles:batch",
        content=body,
        headers={"X-API-Key": FLOOD_KEY, "Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 422, response.text
    assert "JSON values" in response.json()["detail"]


def _batch(key: str, size: int, tag: str) -> list[dict[str, str]]:
    return [{"title": f"{tag} {i}", "body": f"Body of {tag} {i} from {key[:5]}."} for i in range(size)]


async def _take_all(rabbitmq_url: str) -> int:
    """What a worker would do, at once: take every waiting message."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(topology.WORK_QUEUE, ensure=True)
        purged = await queue.purge()
        return purged.message_count or 0


def test_one_key_flooding_the_queue_does_not_starve_another(ingest: Ingest) -> None:
    """No worker runs: the flooding key is refused at its share while the other key is still accepted."""
    asyncio.run(_take_all(ingest.rabbitmq_url))
    time.sleep(2.1)  # the depth ingest read last is at most this old
    with httpx.Client(base_url=ingest.url, timeout=30) as client:
        statuses = []
        for round_ in range(20):
            response = client.post(
                "/v1/articles:batch", json=_batch(FLOOD_KEY, 100, f"flood {round_}"), headers={"X-API-Key": FLOOD_KEY}
            )
            statuses.append(response.status_code)
            if response.status_code != 202:
                break
        assert statuses == [202] * (KEY_MAX_WAITING // 100) + [429], statuses
        assert int(response.headers["Retry-After"]) > 0
        assert "waiting in the queue" in response.json()["detail"]
        single = client.post("/v1/articles", json=_batch(FLOOD_KEY, 1, "one more")[0], headers={"X-API-Key": FLOOD_KEY})
        assert single.status_code == 429

        fair = client.post("/v1/articles:batch", json=_batch(FAIR_KEY, 100, "fair"), headers={"X-API-Key": FAIR_KEY})
        assert fair.status_code == 202, fair.text
        assert len(fair.json()["accepted"]) == 100

        # Once workers have taken the flood, its key has room again.
        assert asyncio.run(_take_all(ingest.rabbitmq_url)) == KEY_MAX_WAITING + 100
        time.sleep(2.1)
        again = client.post(
            "/v1/articles:batch", json=_batch(FLOOD_KEY, 100, "later"), headers={"X-API-Key": FLOOD_KEY}
        )
        assert again.status_code == 202, again.text
