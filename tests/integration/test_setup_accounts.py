"""The setup step's broker accounts, created through the real management API of a RabbitMQ node of the test's
own (devstack/rabbitmq_node.py: the machine's broker may run without the management plugin).

`python -m services.setup` runs whole against that node and a real SecantusDB: the services' accounts can do
only their job over AMQP, and the autoscaler's (KEDA on Kubernetes) reads the work queue's depth through the
management API, as KEDA's RabbitMQ trigger does over `http`, and can do nothing with messages.
"""

import secrets
import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import httpx
import pytest
from aiormq.exceptions import ChannelAccessRefused
from pydantic import ValidationError

from devstack.rabbitmq_node import ManagementNode, management_node, server_command
from services.setup.__main__ import main
from services.setup.settings import SetupSettings
from shared import topology

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(server_command() is None, reason="needs RabbitMQ installed to start a node"),
]

DEFAULT_VHOST = "%2F"


@pytest.fixture(scope="module")
def node() -> Iterator[ManagementNode]:
    with management_node() as started:
        yield started


def _url_as(amqp_url: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _settings(node: ManagementNode, mongodb_url: str, database_name: str, **accounts: str) -> SetupSettings:
    return SetupSettings(
        rabbitmq_url=node.amqp_url,
        rabbitmq_management_url=node.management_url,
        mongodb_url=mongodb_url,
        mongodb_database=database_name,
        queue_max_length=1_000,
        **accounts,  # type: ignore[arg-type]  # the account fields, by name
    )


def _accounts(suffix: str) -> dict[str, str]:
    return {
        f"{role}_broker_{field}": f"newsflow-test-{role}-{suffix}" if field == "user" else secrets.token_hex(24)
        for role in ("ingest", "enrich", "monitor")
        for field in ("user", "password")
    }


def _tags(user: dict[str, object]) -> set[str]:
    # RabbitMQ 3.9 and later answer a list; earlier ones a comma-separated string.
    tags = user["tags"]
    return set(tags) if isinstance(tags, list) else {tag for tag in str(tags).split(",") if tag}


def _refused(answer: httpx.Response) -> bool:
    # A publish the broker refuses comes back as 400 carrying the AMQP channel's 403 ACCESS_REFUSED.
    return answer.status_code in {401, 403} or (answer.status_code == 400 and "ACCESS_REFUSED" in answer.text)


async def test_setup_creates_the_monitoring_account_that_reads_queue_depths_only(
    node: ManagementNode, mongodb_url: str, database_name: str
) -> None:
    accounts = _accounts(uuid.uuid4().hex[:8])
    settings = _settings(node, mongodb_url, database_name, **accounts)
    await main(settings)
    await main(settings)  # idempotent: the Job runs again at every upgrade
    monitor = (accounts["monitor_broker_user"], accounts["monitor_broker_password"])
    ingest = (accounts["ingest_broker_user"], accounts["ingest_broker_password"])

    async with httpx.AsyncClient(base_url=node.management_url, auth=node.admin, timeout=10) as admin:
        user = (await admin.get(f"/api/users/{monitor[0]}")).json()
        assert _tags(user) == {"monitoring"}
        assert _tags((await admin.get(f"/api/users/{ingest[0]}")).json()) == set()
        permissions = (await admin.get(f"/api/permissions/{DEFAULT_VHOST}/{monitor[0]}")).json()
        assert {permissions[kind] for kind in ("configure", "write", "read")} == {"^$"}

    # What KEDA's trigger asks: the work queue's ready and unacknowledged messages.
    async with httpx.AsyncClient(base_url=node.management_url, auth=monitor, timeout=10) as keda:
        queue = await keda.get(f"/api/queues/{DEFAULT_VHOST}/{topology.WORK_QUEUE}")
        assert queue.status_code == 200
        assert queue.json()["name"] == topology.WORK_QUEUE
    # Taking, publishing or purging messages through the API needs permissions it has none of; the same
    # requests by the administrator show they are well formed.
    for auth, allowed in ((node.admin, True), (monitor, False)):
        async with httpx.AsyncClient(base_url=node.management_url, auth=auth, timeout=10) as client:
            answers = [
                await client.post(
                    f"/api/exchanges/{DEFAULT_VHOST}/{topology.EXCHANGE}/publish",
                    json={"properties": {}, "routing_key": "unrouted", "payload": "{}", "payload_encoding": "string"},
                ),
                await client.post(
                    f"/api/queues/{DEFAULT_VHOST}/{topology.WORK_QUEUE}/get",
                    json={"count": 1, "ackmode": "ack_requeue_true", "encoding": "auto"},
                ),
                await client.delete(f"/api/queues/{DEFAULT_VHOST}/{topology.WORK_QUEUE}/contents"),
            ]
        if allowed:
            assert [answer.is_success for answer in answers] == [True] * 3, [a.text for a in answers]
        else:
            assert [_refused(answer) for answer in answers] == [True] * 3, [
                f"{a.status_code} {a.text}" for a in answers
            ]

    # Nor over AMQP.
    connection = await aio_pika.connect(_url_as(node.amqp_url, *monitor))
    async with connection:
        channel = await connection.channel()
        queue_ = await channel.get_queue(topology.WORK_QUEUE, ensure=False)
        with pytest.raises(ChannelAccessRefused):
            await queue_.get(no_ack=True, fail=False)

    # The services' accounts have no tag: the management API is closed to them.
    async with httpx.AsyncClient(base_url=node.management_url, auth=ingest, timeout=10) as service:
        assert (await service.get(f"/api/queues/{DEFAULT_VHOST}/{topology.WORK_QUEUE}")).status_code == 401


async def test_setup_without_a_monitoring_account_creates_only_the_services(
    node: ManagementNode, mongodb_url: str, database_name: str
) -> None:
    suffix = uuid.uuid4().hex[:8]
    accounts = {k: v for k, v in _accounts(suffix).items() if not k.startswith("monitor_")}
    await main(_settings(node, mongodb_url, database_name, **accounts))
    async with httpx.AsyncClient(base_url=node.management_url, auth=node.admin, timeout=10) as admin:
        users = {user["name"] for user in (await admin.get("/api/users")).json()}
    assert {accounts["ingest_broker_user"], accounts["enrich_broker_user"]} <= users
    assert f"newsflow-test-monitor-{suffix}" not in users


def test_a_monitoring_user_without_its_password_is_refused() -> None:
    accounts = _accounts("x")
    del accounts["monitor_broker_password"]
    with pytest.raises(ValidationError, match="go together"):
        SetupSettings(
            rabbitmq_url="amqp://guest:guest@127.0.0.1:5672/",
            rabbitmq_management_url="http://127.0.0.1:15672",
            mongodb_url="mongodb://127.0.0.1:27017",
            **accounts,  # type: ignore[arg-type]  # the account fields, by name
        )
