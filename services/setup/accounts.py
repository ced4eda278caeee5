"""The broker accounts of the services, each limited to what that service does (RabbitMQ permissions).

RabbitMQ grants per virtual host three regular expressions over exchange and queue names: configure
(declare, delete), write (publish to an exchange, bind a queue) and read (consume from a queue, bind from an
exchange). A passive declare needs none of them, so services that only look the topology up need no
configure permission; the broker's own dead-lettering (retry TTLs, the delivery limit) is not checked
against any user.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from shared import topology

NOTHING = "^$"


@dataclass(frozen=True)
class Permissions:
    configure: str
    write: str
    read: str


def _names(*names: str) -> str:
    return "^(" + "|".join(re.escape(name) for name in names) + ")$"


# ingest publishes articles to the main exchange and does nothing else.
INGEST = Permissions(configure=NOTHING, write=_names(topology.EXCHANGE), read=NOTHING)
# A worker consumes the work queue and hands messages over to the retry and dead-letter exchanges.
ENRICH = Permissions(
    configure=NOTHING,
    write=_names(topology.RETRY_EXCHANGE, topology.DEAD_EXCHANGE),
    read=_names(topology.WORK_QUEUE),
)
# An autoscaler reads queue depths (ready and unacknowledged) over the management API: the `monitoring` tag
# lets it in there, and permissions that match no name give it the virtual host's queues to look at but no
# message to publish, read or purge.
MONITOR = Permissions(configure=NOTHING, write=NOTHING, read=NOTHING)
MONITOR_TAGS = ("monitoring",)


@dataclass(frozen=True)
class BrokerAccount:
    user: str
    password: str
    permissions: Permissions
    tags: tuple[str, ...] = ()


class ManagementApi:
    """The few calls of the RabbitMQ management HTTP API that setup needs; each is idempotent (PUT)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def put_account(self, vhost: str, account: BrokerAccount) -> None:
        """Create the user or reset its password and tags, then set its permissions on `vhost`."""
        user = quote(account.user, safe="")
        response = await self._client.put(
            f"/api/users/{user}", json={"password": account.password, "tags": ",".join(account.tags)}
        )
        response.raise_for_status()
        permissions = account.permissions
        response = await self._client.put(
            f"/api/permissions/{quote(vhost, safe='')}/{user}",
            json={"configure": permissions.configure, "write": permissions.write, "read": permissions.read},
        )
        response.raise_for_status()
