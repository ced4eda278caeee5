"""Broker-side controls for fault tests, each confined to one vhost (the machine's broker is shared)."""

from devstack.rabbitmq import rabbitmqctl
from shared import topology

# Every queue that must be empty once the pipeline is idle: the work queue and each delay queue.
TRANSIT_QUEUES = (topology.WORK_QUEUE, *(topology.retry_queue_name(n) for n in range(len(topology.RETRY_DELAYS_S))))


def close_connections(vhost: str, reason: str = "fault test") -> None:
    """Close every client connection of `vhost`, as a broker restart or a network cut would."""
    rabbitmqctl("close_all_connections", "--vhost", vhost, "--limit", "1000", reason)


def refuse_connections(vhost: str) -> None:
    """Keep `vhost` unreachable: new connections are refused until `accept_connections`."""
    rabbitmqctl("set_vhost_limits", "--vhost", vhost, '{"max-connections": 0}')


def accept_connections(vhost: str) -> None:
    rabbitmqctl("clear_vhost_limits", "--vhost", vhost)


def connection_count(vhost: str) -> int:
    return len([line for line in rabbitmqctl("list_connections", "--vhost", vhost, "name").splitlines() if line])


def queue_depths(vhost: str) -> dict[str, int]:
    """Messages per queue, ready and unacknowledged together."""
    depths: dict[str, int] = {}
    for line in rabbitmqctl("list_queues", "--vhost", vhost, "--no-table-headers", "name", "messages").splitlines():
        name, _, count = line.rpartition("\t")
        if name:
            depths[name] = int(count)
    return depths
