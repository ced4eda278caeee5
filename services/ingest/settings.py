"""Ingest settings (environment variables prefixed `NEWSFLOW_`)."""

from pydantic import Field, field_validator

from shared.settings import BrokerSettings, DatabaseSettings, HttpSettings


class IngestSettings(BrokerSettings, DatabaseSettings, HttpSettings):
    """Ingest reads the database only to find an article's owner before a delete, and for the retention sweep:
    a read-only database user is enough (it never creates indexes)."""

    port: int = Field(default=8001, ge=1, le=65535)
    max_article_bytes: int = Field(default=1_048_576, ge=1_024, description="POST /v1/articles body limit")
    max_batch_bytes: int = Field(default=16 * 1_048_576, ge=1_024, description="POST /v1/articles:batch limit")
    max_batch_articles: int = Field(default=1_000, ge=1, le=10_000)
    # A body still arriving after this is refused (408): 16 MiB at 1 MB/s fits, a trickle does not.
    body_timeout_s: float = Field(default=30, gt=0, le=600)
    # Confirms are awaited concurrently; more in flight than this only queues up in the client.
    publish_concurrency: int = Field(default=64, ge=1, le=1_000)
    # Articles per API key (a batch costs one per article), a moving window (`limits` notation:
    # "N/second|minute|hour"). Above what one ingest process publishes in a minute on 2 cores, so a client
    # posting batches one after another (`newsflow post`, the benchmark) is not throttled.
    rate_limit: str = Field(default="200000/minute", pattern=r"^\d+\s*/\s*(second|minute|hour)$")
    # Articles one API key may have waiting in the work queue, counted by each ingest process (see
    # services/ingest/backlog.py); beyond it 429, so one client's flood leaves room for the others.
    key_max_waiting: int = Field(default=10_000, ge=1, le=10_000_000)
    # Where clients find the enriched article; links in the 202 answer point there.
    query_base_url: str = Field(default="http://127.0.0.1:8002", pattern=r"^https?://\S+$")
    # Articles received longer ago than this many days are deleted by a sweep in this process (unset: kept for
    # ever). The sweep publishes deletes through the queue, as `DELETE /v1/articles/{id}` does.
    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    # Seconds between two sweeps; each deletes at most `retention_batch` articles, the oldest first.
    retention_interval_s: float = Field(default=3_600, ge=1, le=86_400)
    retention_batch: int = Field(default=10_000, ge=1, le=1_000_000)

    @field_validator("retention_days", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        # Compose passes `${NEWSFLOW_RETENTION_DAYS:-}`: an empty value means no retention period.
        return None if value == "" else value
