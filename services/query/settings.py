"""Query service settings (environment variables prefixed `NEWSFLOW_`)."""

from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from shared.settings import DatabaseSettings, HttpSettings


class QuerySettings(HttpSettings, DatabaseSettings):
    port: int = Field(default=8002, ge=1, le=65535)
    public_reads: bool = Field(default=False, description="serve reads without an API key")
    # Signs pagination cursors; rotating it invalidates the cursors clients hold (they get 400).
    cursor_secret: SecretStr = Field(min_length=32, description="at least 32 characters, e.g. `openssl rand -hex 32`")
    # Server-side `maxTimeMS` on every query and aggregation; a slower one answers 503.
    query_timeout_ms: int = Field(default=5_000, ge=100, le=120_000)
    # Relevance is scored in Python over at most this many newest matching articles (among at most 4 read per
    # candidate), off the event loop.
    relevance_candidates: int = Field(default=50, ge=10, le=5_000)
    # Articles a listing reads per request at most (a page may then hold fewer than `limit`, with a cursor).
    query_read_limit: int = Field(default=1_000, ge=100, le=100_000)
    # /related counts the entities of at most this many of the entity's newest articles (an estimate beyond).
    related_articles: int = Field(default=100, ge=10, le=20_000)
    # Scoring stops after this long, and the request answers 503 with Retry-After.
    relevance_budget_ms: int = Field(default=3_000, ge=100, le=60_000)
    # One thread leaves the other cores to the event loop and the database; requests take turns by chunks.
    relevance_threads: int = Field(default=1, ge=1, le=32, description="threads that score relevance")
    # Relevance, /v1/stats and the /v1/entities reads run at most this many at once (about one per core: each
    # keeps one busy, here or in the database); one waiting longer than `expensive_read_wait_ms` for its turn
    # answers 503 with Retry-After.
    expensive_reads: int = Field(default=2, ge=1, le=256)
    expensive_read_wait_ms: int = Field(default=500, ge=0, le=60_000)
    # Expensive reads per key (per client address when reads are public); beyond it 429 with Retry-After.
    read_rate_limit: str = Field(default="600/minute", pattern=r"^\d+\s*/\s*(second|minute|hour)$")
    # Lift is computed for at most this many of the entities that co-occur most often.
    related_candidates: int = Field(default=1_000, ge=10, le=20_000)
    # Each breakdown of /v1/stats lists at most this many values (the most frequent).
    stats_values: int = Field(default=50, ge=1, le=1_000)
    # The reverse proxy's addresses (IPs or networks, comma-separated): only from these is `X-Forwarded-Proto`
    # believed, which makes the reader's key cookie `Secure` behind a TLS proxy. Empty: believed from no one.
    forwarded_allow_ips: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = ()

    @field_validator("forwarded_allow_ips", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
        return value
