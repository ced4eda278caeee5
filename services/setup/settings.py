"""Setup settings (environment variables prefixed `NEWSFLOW_`): the administrator's addresses and the
accounts to create."""

from typing import Self
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, model_validator

from shared.broker_addresses import split_addresses
from shared.settings import BrokerSettings, DatabaseSettings


class SetupSettings(BrokerSettings, DatabaseSettings):
    # NEWSFLOW_RABBITMQ_URL carries the administrator account; the management API takes the same one.
    rabbitmq_management_url: str = Field(pattern=r"^https?://\S+$", description="e.g. http://rabbitmq:15672")
    ingest_broker_user: str = Field(min_length=1, max_length=100)
    ingest_broker_password: SecretStr = Field(min_length=16)
    enrich_broker_user: str = Field(min_length=1, max_length=100)
    enrich_broker_password: SecretStr = Field(min_length=16)
    # The read-only account an autoscaler (KEDA) reads queue depths with through the management API; optional,
    # as compose has no autoscaler. Both or neither.
    monitor_broker_user: str | None = Field(default=None, min_length=1, max_length=100)
    monitor_broker_password: SecretStr | None = Field(default=None, min_length=16)

    @model_validator(mode="after")
    def _monitor_whole(self) -> Self:
        if (self.monitor_broker_user is None) != (self.monitor_broker_password is None):
            raise ValueError("NEWSFLOW_MONITOR_BROKER_USER and NEWSFLOW_MONITOR_BROKER_PASSWORD go together")
        return self

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
