"""Settings every service shares: read from `NEWSFLOW_*` environment variables, validated at start-up.

A service that is missing a required address or has a malformed value refuses to start (pydantic raises),
rather than failing on the first request.
"""

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.keys import ApiKey, parse_api_keys


class NewsflowSettings(BaseSettings):
    """Base for each service's settings class."""

    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore", frozen=True)

    rabbitmq_url: str = Field(description="AMQP URL, e.g. amqp://user:pass@host:5672/vhost")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # The work queue's length bound (backpressure): beyond it RabbitMQ refuses publishes and ingest answers
    # 503. Every process declares the queue with the same arguments, so they must agree on this value.
    queue_max_length: int = Field(default=100_000, ge=100, le=10_000_000)
    # false: the topology was declared by a setup step (compose), so look it up passively and need no
    # configure permission on the broker.
    declare_topology: bool = True

    @field_validator("rabbitmq_url")
    @classmethod
    def _amqp_scheme(cls, value: str) -> str:
        if not value.startswith(("amqp://", "amqps://")):
            raise ValueError("must start with amqp:// or amqps://")
        return value


class DatabaseSettings(BaseSettings):
    """MongoDB connection, for the services that read or write documents."""

    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore", frozen=True)

    mongodb_url: str = Field(description="MongoDB connection string, e.g. mongodb://user:pass@host:27017")
    mongodb_database: str = Field(default="newsflow", pattern=r"^[A-Za-z0-9_-]{1,63}$")
    # false: a setup step created the indexes (compose), so a read-only database user is enough.
    create_indexes: bool = True

    @field_validator("mongodb_url")
    @classmethod
    def _mongodb_scheme(cls, value: str) -> str:
        if not value.startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("must start with mongodb:// or mongodb+srv://")
        return value


class HttpSettings(BaseSettings):
    """What the two HTTP services share: where to listen and who may call."""

    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore", frozen=True)

    # Loopback by default: exposing a service is a decision (compose sets 0.0.0.0 inside its network).
    host: str = "127.0.0.1"
    api_keys: Annotated[tuple[ApiKey, ...], NoDecode] = Field(
        description="Comma-separated keys, each `KEY` (write scope) or `KEY:read` / `KEY:write`."
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        return parse_api_keys(value) if isinstance(value, str) else value
