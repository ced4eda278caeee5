"""Query service settings (environment variables prefixed `NEWSFLOW_`)."""

from pydantic import Field, SecretStr

from shared.settings import DatabaseSettings, HttpSettings


class QuerySettings(HttpSettings, DatabaseSettings):
    port: int = Field(default=8002, ge=1, le=65535)
    public_reads: bool = Field(default=False, description="serve reads without an API key")
    # Signs pagination cursors; rotating it invalidates the cursors clients hold (they get 400).
    cursor_secret: SecretStr = Field(min_length=32, description="at least 32 characters, e.g. `openssl rand -hex 32`")
    # Server-side `maxTimeMS` on every query and aggregation; a slower one answers 503.
    query_timeout_ms: int = Field(default=5_000, ge=100, le=120_000)
    # Relevance is scored in Python over at most this many newest matching articles.
    relevance_candidates: int = Field(default=1_000, ge=10, le=20_000)
    # Lift is computed for at most this many of the entities that co-occur most often.
    related_candidates: int = Field(default=1_000, ge=10, le=20_000)
    # Each breakdown of /v1/stats lists at most this many values (the most frequent).
    stats_values: int = Field(default=50, ge=1, le=1_000)
