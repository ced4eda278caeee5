"""Settings every service shares: read from `NEWSFLOW_*` environment variables, validated at start-up.

`ServiceSettings` is the base of every service's settings; `BrokerSettings`, `DatabaseSettings` and
`HttpSettings` add what the services that talk to RabbitMQ, to MongoDB or over HTTP need, and a
service's class combines the ones it uses. A service that is missing a required address or has a
malformed value refuses to start (`load_settings`), rather than failing on the first request.
"""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.broker_addresses import split_addresses
from shared.keys import ApiKey, parse_api_keys
from shared.validation import compact_errors

S = TypeVar("S")


def _with_scheme(*schemes: str) -> AfterValidator:
    """A URL field's check: a wrong scheme is refused at start-up, not on the first connection."""

    def check(value: str) -> str:
        if not value.startswith(schemes):
            raise ValueError(f"must start with {' or '.join(schemes)}")
        return value

    return AfterValidator(check)


def _broker_addresses(value: str) -> str:
    split_addresses(value)
    return value


class ServiceSettings(BaseSettings):
    """What every process reads: the `NEWSFLOW_` prefix, and how much it logs."""

    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore", frozen=True)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # JSON log lines to this file, rotated (`shared.logs`), instead of stderr; `newsflow run` sets one per process.
    log_file: Path | None = None


class BrokerSettings(ServiceSettings):
    """RabbitMQ connection and the work queue's bound, for the processes that publish or consume."""

    rabbitmq_url: Annotated[str, AfterValidator(_broker_addresses)] = Field(
        description="AMQP URL, e.g. amqp://user:pass@host:5672/vhost; for a cluster, one URL per node, "
        "comma-separated (tried in order, and the next one when a connection is lost)"
    )
    # The work queue's length bound (backpressure): beyond it RabbitMQ refuses publishes and ingest answers
    # 503. Every process declares the queue with the same arguments, so they must agree on this value.
    queue_max_length: int = Field(default=100_000, ge=100, le=10_000_000)
    # Replicas of each quorum queue when it is declared (`x-quorum-initial-group-size`): the number of nodes
    # of a cluster, so every queue lives on all of them. Unset: the broker's default (up to 3). Like the
    # length bound, every process that declares the queues must use the same value.
    quorum_group_size: int | None = Field(default=None, ge=1, le=9)
    # false: the topology was declared by a setup step (compose), so look it up passively and need no
    # configure permission on the broker.
    declare_topology: bool = True


class DatabaseSettings(ServiceSettings):
    """MongoDB connection, for the services that read or write documents."""

    mongodb_url: Annotated[str, _with_scheme("mongodb://", "mongodb+srv://")] = Field(
        description="MongoDB connection string, e.g. mongodb://user:pass@host:27017"
    )
    mongodb_database: str = Field(default="newsflow", pattern=r"^[A-Za-z0-9_-]{1,63}$")
    # false: a setup step created the indexes (compose), so a read-only database user is enough.
    create_indexes: bool = True


class HttpSettings(ServiceSettings):
    """What the two HTTP services share: where to listen and who may call."""

    # Loopback by default: exposing a service is a decision (compose sets 0.0.0.0 inside its network).
    host: str = "127.0.0.1"
    port: int = Field(ge=1, le=65535)  # each service sets its own default
    api_keys: Annotated[tuple[ApiKey, ...], NoDecode] = Field(
        description="Comma-separated keys, each `KEY` (write scope) or `KEY:read` / `KEY:write`."
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        return parse_api_keys(value) if isinstance(value, str) else value


def load_settings(factory: Callable[[], S], service: str) -> S:
    """Build the settings or exit with status 2 and a readable reason (never a traceback)."""
    try:
        return factory()
    except ValidationError as exc:
        problems = "; ".join(f"NEWSFLOW_{e['loc'].upper()}: {e['msg']}" for e in compact_errors(exc.errors()))
        print(f"{service}: invalid configuration: {problems}", file=sys.stderr)
        raise SystemExit(2) from None
