"""Setup settings (environment variables prefixed `NEWSFLOW_`): the administrator's addresses and the
accounts to create."""

from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr

from shared.broker_addresses import split_addresses
from shared.settings import BrokerSettings, DatabaseSettings


class SetupSettings(BrokerSettings, DatabaseSettings):
    # NEWSFLOW_RABBITMQ_URL carries the administrator account; the management API takes the same one.
    rabbitmq_management_url: str = Field(pattern=r"^https?://\S+$", description="e.g. http://rabbitmq:15672")
    ingest_broker_user: str = Field(min_length=1, max_length=100)
    ingest_broker_password: SecretStr = Field(min_length=16)
    enrich_broker_user: str = Field(min_length=1, max_length=100)
    enrich_broker_password: SecretStr = Field(min_length=16)

    @property
    def rabbitmq_vhost(self) -> str:
        """The virtual host of NEWSFLOW_RABBITMQ_URL (`/` when the URL names none, as AMQP clients do)."""
        return unquote(urlsplit(self._first_address).path.removeprefix("/")) or "/"

    @property
    def rabbitmq_admin(self) -> tuple[str, str]:
        parts = urlsplit(self._first_address)
        return unquote(parts.username or ""), unquote(parts.password or "")

    @property
    def _first_address(self) -> str:
        # The nodes of a cluster share their accounts and virtual hosts: any address tells them.
        return split_addresses(self.rabbitmq_url)[0]
