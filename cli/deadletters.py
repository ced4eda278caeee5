"""Inspecting, replaying and purging the dead-letter queue (`newsflow dlq list|replay|purge`)."""

from dataclasses import dataclass

from aio_pika.abc import AbstractIncomingMessage

from cli.topology_session import topology_session
from shared import broker, topology
from shared.settings import BrokerSettings

# Headers that describe the failure; a replayed message starts afresh without them.
FAILURE_HEADERS = (
    topology.ERROR_HEADER,
    topology.ATTEMPT_HEADER,
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
    "x-delivery-count",
)


@dataclass(frozen=True)
class ParkedMessage:
    message_id: str
    reason: str
    death: str  # the broker's view: which queue, why, how often
    size: int


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes | bytearray) else str(value)


def describe(message: AbstractIncomingMessage) -> ParkedMessage:
    headers = message.headers
    deaths = headers.get("x-death")
    death = ""
    if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict):
        first = deaths[0]
        death = f"{_text(first.get('reason'))} from {_text(first.get('queue'))} (x{_text(first.get('count'))})"
    reason = headers.get(topology.ERROR_HEADER)
    return ParkedMessage(
        message_id=message.message_id or "",
        reason=_text(reason) if reason is not None else (death or "unknown"),
        death=death,
        size=len(message.body),
    )


async def list_parked(settings: BrokerSettings, *, limit: int) -> list[ParkedMessage]:
    """Look at up to `limit` parked messages; they all stay in the queue."""
    async with topology_session(settings) as topo:
        parked: list[ParkedMessage] = []
        while len(parked) < limit:
            message = await topo.dead_queue.get(no_ack=False, fail=False)
            if message is None:
                break
            parked.append(describe(message))
        # Closing the channel without acks hands every fetched message back to the queue.
    return parked


async def replay(settings: BrokerSettings, ids: set[str] | None) -> int:
    """Send parked messages (all, or those with the given ids) back to the work queue; returns the count."""
    replayed = 0
    async with topology_session(settings, confirms=True) as topo:
        while True:
            message = await topo.dead_queue.get(no_ack=False, fail=False)
            if message is None:
                break
            if ids is not None and message.message_id not in ids:
                continue  # left unacked: returns to the dead-letter queue when the channel closes
            headers = {k: v for k, v in message.headers.items() if k not in FAILURE_HEADERS}
            fresh = broker.persistent_message(message.body, message_id=message.message_id or "", headers=headers)
            await broker.publish_confirmed(topo.exchange, fresh, topology.ARTICLE_ROUTING_KEY)
            await message.ack()
            replayed += 1
    return replayed


async def parked_count(settings: BrokerSettings) -> int:
    """Messages ready in the dead-letter queue (a passive declare)."""
    async with topology_session(settings) as topo:
        declared = await topo.dead_queue.channel.declare_queue(topo.dead_queue.name, passive=True)
        return declared.declaration_result.message_count or 0


async def purge(settings: BrokerSettings) -> int:
    """Delete every parked message; returns how many were deleted."""
    async with topology_session(settings) as topo:
        purged = await topo.dead_queue.purge()
        return purged.message_count or 0
