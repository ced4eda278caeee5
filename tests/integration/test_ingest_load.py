"""Hostile volume against a real ingest process: huge batches of tiny items, and one key flooding the queue.

Ingest runs as in production (`python -m services.ingest`), with no worker, so nothing drains the queue;
memory is the process's resident set, read from outside.
"""

import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest

from devstack.ports import free_port
from devstack.rabbitmq import rabbitmq_vhost
from devstack.stack import ServiceProcess, Stack, wait_ready

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

MIB = 1_048_576
FLOOD_KEY = "flood-key-" + secrets.token_hex(8)
FAIR_KEY = "fair-key-" + secrets.token_hex(8)
KEY_MAX_WAITING = 500


def _tiny_items(kind: str, item: bytes = b'{"title":"a"}') -> bytes:
    """A 16 MiB batch body of tiny items (about a million)."""
    count = 16 * MIB // (len(item) + 1) - 1
    if kind == "application/json":
        return b"[" + b",".join([item] * count) + b"]"
    return b"\n".join([item] * count)


@pytest.fixture(scope="module")
def ingest() -> Iterator[tuple[str, ServiceProcess]]:
    """An ingest process on a free port with a vhost of its own, and no worker."""
    with rabbitmq_vhost() as (rabbitmq_url, _):
        port = free_port()
        stack = Stack(
            env={
                "NEWSFLOW_RABBITMQ_URL": rabbitmq_url,
                "NEWSFLOW_API_KEYS": f"{FLOOD_KEY},{FAIR_KEY}",
                "NEWSFLOW_PORT": str(port),
                "NEWSFLOW_KEY_MAX_WAITING": str(KEY_MAX_WAITING),
                "NEWSFLOW_LOG_LEVEL": "WARNING",
            }
        )
        process = stack.start("ingest")
        try:
            wait_ready(f"http://127.0.0.1:{port}/readyz", processes=[process])
            yield f"http://127.0.0.1:{port}", process
        finally:
            process.stop()


@pytest.mark.parametrize("kind", ["application/json", "application/x-ndjson"])
def test_a_16_mib_batch_of_tiny_items_is_refused_fast_without_materialising_it(
    ingest: tuple[str, ServiceProcess], kind: str
) -> None:
    url, process = ingest
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


def test_a_batch_of_many_values_in_one_item_is_refused(ingest: tuple[str, ServiceProcess]) -> None:
    url, _ = ingest
    body = b'[{"title": "a", "body": [' + b",".join([b"{}"] * 1_000_000) + b"]}]"
    response = httpx.post(
        f"{url}/v1/articles:batch",
        content=body,
        headers={"X-API-Key": FLOOD_KEY, "Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 422, response.text
    assert "JSON values" in response.json()["detail"]
