"""Break real processes under load and check that what went in came out: once, enriched, or parked with a reason.

Run with `make faults`. Each scenario prints `scenario=... accepted=N stored=N lost=0 duplicates=0 dead_lettered=K`.
"""

import asyncio
import signal
import time

import pytest

from devstack.pipeline import RunningPipeline
from devstack.secantus import SecantusServer
from shared import topology
from tests.faults.audit import Observer
from tests.faults.poison import parked_messages, poison_messages, publish_straight_to_queue
from tests.faults.rabbitmq import close_connections
from tests.faults.scenario import run_scenario, start_worker

pytestmark = pytest.mark.faults

# Docker's grace period between SIGTERM and SIGKILL: a worker must be gone by then.
STOP_DEADLINE_S = 10.0
DATABASE_DOWN_S = 6.0


def _log(pipeline: RunningPipeline, name: str) -> str:
    assert pipeline.stack.log_dir is not None
    return (pipeline.stack.log_dir / f"{name}.log").read_text(errors="replace")


async def test_worker_killed_mid_work(pipeline: RunningPipeline, observer: Observer) -> None:
    victim = pipeline.workers()[0]

    async def fault() -> None:
        assert "article stored" in _log(pipeline, victim.name), "the victim was not working yet"
        victim.proc.kill()  # SIGKILL: its prefetched, unacknowledged messages go back to the queue
        assert await asyncio.to_thread(victim.proc.wait, 30) == -signal.SIGKILL
        start_worker(pipeline)

    await run_scenario("worker_killed", pipeline, observer, fault, offset=0)


async def test_broker_connections_dropped(pipeline: RunningPipeline, observer: Observer) -> None:
    workers = pipeline.workers()

    async def fault() -> None:
        await asyncio.to_thread(close_connections, pipeline.vhost)

    await run_scenario("broker_dropped", pipeline, observer, fault, offset=1_000)
    # The same processes carried on: each worker reconnected by itself.
    for worker in workers:
        assert worker.running
        assert _log(pipeline, worker.name).count("consuming from") >= 2, f"{worker.name} did not reconnect"


async def test_database_stopped_and_restarted(
    pipeline: RunningPipeline, observer: Observer, database_server: SecantusServer | None
) -> None:
    if database_server is None:
        pytest.skip("NEWSFLOW_TEST_MONGODB_URL names an external database, which this test cannot stop")
    server = database_server

    async def fault() -> None:
        await asyncio.to_thread(server.stop)
        await asyncio.sleep(DATABASE_DOWN_S)
        await asyncio.to_thread(server.start)  # same port, same data directory

    await run_scenario("database_stopped", pipeline, observer, fault, offset=2_000)
    logs = "".join(_log(pipeline, worker.name) for worker in pipeline.workers())
    assert "database unavailable" in logs, "the outage was not noticed: the test proved nothing"


async def test_poison_messages_are_parked_with_reasons(pipeline: RunningPipeline, observer: Observer) -> None:
    poison = poison_messages()
    assert len(poison) == 20

    async def fault() -> None:
        await publish_straight_to_queue(pipeline.rabbitmq_url, poison)

    _, result = await run_scenario("poison", pipeline, observer, fault, offset=500)
    assert result.dead_lettered == len(poison)
    parked = await parked_messages(pipeline.rabbitmq_url)
    assert set(parked) == {message.message_id for message in poison}
    for message in poison:
        reason = str(parked[message.message_id].get(topology.ERROR_HEADER))
        assert reason.startswith(message.kind), f"{message.message_id}: {reason}"


async def test_worker_stopped_mid_batch(pipeline: RunningPipeline, observer: Observer) -> None:
    victim = pipeline.workers()[0]

    async def fault() -> None:
        assert "article stored" in _log(pipeline, victim.name), "the victim was not working yet"
        started = time.monotonic()
        victim.signal(signal.SIGTERM)
        code = await asyncio.to_thread(victim.proc.wait, 60)
        elapsed = time.monotonic() - started
        assert code == 0, f"exit status {code}"
        assert elapsed < STOP_DEADLINE_S, f"took {elapsed:.1f}s to stop"
        start_worker(pipeline)

    await run_scenario("worker_stopped", pipeline, observer, fault, offset=1_500)
    assert "worker stopped" in _log(pipeline, victim.name)
