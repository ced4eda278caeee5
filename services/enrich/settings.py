"""Enrichment worker settings (environment variables prefixed `NEWSFLOW_`)."""

import socket
from pathlib import Path

from pydantic import Field

from shared.settings import BrokerSettings, DatabaseSettings


class WorkerSettings(BrokerSettings, DatabaseSettings):
    # Articles per nlp.pipe call and per bulk write. Tens, not spaCy's default 1000, which takes a worker's
    # memory into gigabytes on news articles; past a dozen or so CPU per article stops falling while memory
    # keeps growing (docs/performance.md, `python -m benchmarks.batch_size`).
    batch_size: int = Field(default=16, ge=1, le=256)
    # How long to wait for a batch to fill once the first message arrived. A busy queue fills batches at once
    # whatever this is, so it only adds to a lone article's time from POST to stored (docs/performance.md).
    batch_wait_ms: int = Field(default=50, ge=0, le=10_000)
    # Unacked messages the broker may hand us; two batches, so the next batch is already local while the
    # current one is written (the worker keeps two in progress), and not more, so a crash returns few messages
    # and two workers draining a queue finish together.
    prefetch: int | None = Field(default=None, ge=1, le=2_000)
    summary_sentences: int = Field(default=3, ge=1, le=10)
    worker_name: str = Field(default_factory=socket.gethostname, max_length=200)
    # false: articles and tombstones only, no entity registry and no counters (the query API's entity and stats
    # answers then go stale): for measuring what the registry costs (`make bench`).
    entity_registry: bool = True
    # Touched every few seconds while consuming, for a container healthcheck (compose sets it).
    heartbeat_file: Path | None = None
    # Prometheus metrics on http://<metrics_host>:<metrics_port>/metrics, one port per worker process (unset:
    # none). Loopback by default, as the HTTP services are; compose sets 0.0.0.0 inside its network.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"

    @property
    def prefetch_count(self) -> int:
        """`NEWSFLOW_PREFETCH`, or two batches when it is not set."""
        return self.prefetch or 2 * self.batch_size
