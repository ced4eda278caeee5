"""The queues as an operator's command meets them: a connection of its own, one channel, the topology."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shared import broker, topology
from shared.settings import BrokerSettings


@asynccontextmanager
async def topology_session(settings: BrokerSettings, *, confirms: bool = False) -> AsyncIterator[topology.Topology]:
    """The declared topology on a channel of a non-robust connection, closed afterwards.

    A command fails at once when the broker goes rather than reconnecting behind the operator's back. With
    `confirms`, publishes on the channel wait for the broker's confirm and a returned message raises. The
    topology is declared passively unless the settings let this client declare it.
    """
    connection = await broker.connect(settings.rabbitmq_url, name="cli", robust=False)
    async with connection:
        channel = await (
            connection.channel(publisher_confirms=True, on_return_raises=True) if confirms else connection.channel()
        )
        yield await topology.declare_topology(
            channel, max_length=settings.queue_max_length, passive=not settings.declare_topology
        )
