"""`python -m services.setup`: declare the topology, create the services' broker accounts and the indexes.

Runs to completion and exits 0 (compose starts the services after it with
`condition: service_completed_successfully`); each step is idempotent, so it runs at every `up`.
"""

import asyncio
import logging

import httpx

from services.setup import accounts
from services.setup.settings import SetupSettings
from shared import broker, database, topology
from shared.logs import configure_logging
from shared.settings import load_settings

log = logging.getLogger("services.setup")

# The broker may still be finishing its start when compose reports it healthy; a few tries bridge that.
ATTEMPTS = 10
RETRY_DELAY_S = 3


async def declare_topology(settings: SetupSettings) -> None:
    connection = await broker.connect(settings.rabbitmq_url, name="setup", robust=False)
    try:
        channel = await connection.channel()
        await topology.declare_topology(
            channel, max_length=settings.queue_max_length, replicas=settings.quorum_group_size
        )
    finally:
        await connection.close()


def broker_accounts(settings: SetupSettings) -> list[accounts.BrokerAccount]:
    """The services' accounts, and the autoscaler's when one is configured."""
    service_accounts = [
        accounts.BrokerAccount(
            settings.ingest_broker_user, settings.ingest_broker_password.get_secret_value(), accounts.INGEST
        ),
        accounts.BrokerAccount(
            settings.enrich_broker_user, settings.enrich_broker_password.get_secret_value(), accounts.ENRICH
        ),
    ]
    if settings.monitor_broker_user is not None and settings.monitor_broker_password is not None:
        service_accounts.append(
            accounts.BrokerAccount(
                settings.monitor_broker_user,
                settings.monitor_broker_password.get_secret_value(),
                accounts.MONITOR,
                tags=accounts.MONITOR_TAGS,
            )
        )
    return service_accounts


async def put_accounts(settings: SetupSettings) -> None:
    user, password = settings.rabbitmq_admin
    async with httpx.AsyncClient(
        base_url=settings.rabbitmq_management_url, auth=(user, password), timeout=10
    ) as client:
        api = accounts.ManagementApi(client)
        for account in broker_accounts(settings):
            await api.put_account(settings.rabbitmq_vhost, account)
            log.info("broker account %s ready", account.user)


async def create_indexes(settings: SetupSettings) -> None:
    client = database.connect(settings)
    try:
        await database.ensure_indexes(database.database(client, settings))
    finally:
        await client.close()


async def main(settings: SetupSettings) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            await declare_topology(settings)
            await put_accounts(settings)
            await create_indexes(settings)
        except Exception as exc:  # any failure is retried, then reported by the exit status
            if attempt == ATTEMPTS:
                raise
            log.warning("setup attempt %d failed (%s: %s); retrying", attempt, type(exc).__name__, exc)
            await asyncio.sleep(RETRY_DELAY_S)
        else:
            log.info("setup done: topology declared, broker accounts and indexes in place")
            return


if __name__ == "__main__":
    setup_settings = load_settings(SetupSettings, "setup")
    configure_logging("setup", setup_settings.log_level)
    asyncio.run(main(setup_settings))
