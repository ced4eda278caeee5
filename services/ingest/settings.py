"""Ingest settings (environment variables prefixed `NEWSFLOW_`)."""

from pydantic import Field

from shared.settings import BrokerSettings, HttpSettings


class IngestSettings(BrokerSettings, HttpSettings):
    port: int = Field(default=8001, ge=1, le=65535)
    max_article_bytes: int = Field(default=1_048_576, ge=1_024, description="POST /v1/articles body limit")
    max_batch_bytes: int = Field(default=16 * 1_048_576, ge=1_024, description="POST /v1/articles:batch limit")
    max_batch_articles: int = Field(default=1_000, ge=1, le=10_000)
    # A body still arriving after this is refused (408): 16 MiB at 1 MB/s fits, a trickle does not.
    body_timeout_s: float = Field(default=30, gt=0, le=600)
    # Confirms are awaited concurrently; more in flight than this only queues up in the client.
    publish_concurrency: int = Field(default=64, ge=1, le=1_000)
    # Per API key, a moving window (`limits` notation: "N/second|minute|hour").
    rate_limit: str = Field(default="6000/minute", pattern=r"^\d+\s*/\s*(second|minute|hour)$")
    # Where clients find the enriched article; links in the 202 answer point there.
    query_base_url: str = Field(default="http://127.0.0.1:8002", pattern=r"^https?://\S+$")
