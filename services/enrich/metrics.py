"""The enrichment worker's Prometheus metrics, served on a port of each worker process (`NEWSFLOW_METRICS_PORT`).

Each worker process has its own endpoint (compose scrapes every replica); a sum over them is the pipeline's.
Stage times are per article: a batch's time in a stage is shared out evenly among its articles, so each stage
histogram gets one observation per article that went through it, whatever the batch size.
"""

import logging
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from threading import Thread
from wsgiref.simple_server import WSGIServer

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

ENRICHED = Counter(
    "newsflow_worker_articles_enriched_total",
    "Articles stored enriched and acknowledged (a redelivered article may count twice)",
)
FAILED = Counter(
    "newsflow_worker_articles_failed_total",
    "Articles the worker gave up on (parked), invalid messages aside: the numerator of the failure ratio",
)
RETRIED = Counter(
    "newsflow_worker_articles_retried_total",
    "Articles handed to a delay queue after a transient failure, by the delay",
    ["delay"],
)
PARKED = Counter(
    "newsflow_worker_articles_parked_total",
    "Messages moved to the dead-letter queue, by reason: invalid_message, delivery_limit, unprocessable, "
    "unwritable, retries_exhausted, other",
    ["reason"],
)
BATCH_SIZE = Histogram(
    "newsflow_worker_batch_size", "Messages per batch taken from the queue", buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256)
)
STAGE = Histogram(
    "newsflow_worker_stage_seconds",
    "Time per article in each stage: decode (the message), model (spaCy), nlp (ours around it), store (the write)",
    ["stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
MODEL_RESTARTS = Counter("newsflow_worker_model_restarts_total", "Model processes started again after one died")
CONSUMER_CONNECTED = Gauge(
    "newsflow_worker_consumer_connected", "1 while the worker holds a consumer on the work queue"
)
IN_FLIGHT = Gauge(
    "newsflow_worker_in_flight_messages", "Messages delivered to this worker and not yet acknowledged or returned"
)
LAG = Histogram(
    "newsflow_worker_end_to_end_lag_seconds",
    "Time from ingest receiving an article to its document being stored",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)

STAGES = ("decode", "model", "nlp", "store")

# The reason a worker parks a message starts with one of these (services/enrich/worker.py); anything else is
# `other`. Labels stay a fixed set, never the free text, which may name an article.
_PARK_REASONS = (
    ("invalid message", "invalid_message"),
    ("delivered ", "delivery_limit"),
    ("enrichment failed", "unprocessable"),
    ("the database refused", "unwritable"),
)


def observe_stage(name: str, seconds: float, articles: int) -> None:
    """`articles` articles spent `seconds` in a stage together: one observation each, of its share."""
    if articles > 0:
        observed = STAGE.labels(name)
        for _ in range(articles):
            observed.observe(seconds / articles)


@contextmanager
def stage(name: str, articles: int) -> Iterator[None]:
    """Time a stage of `articles` articles (see `observe_stage`)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        observe_stage(name, time.perf_counter() - started, articles)


async def batch(processing: Awaitable[None], size: int) -> None:
    """Process a batch of `size` delivered messages: when done, none of them is in flight any more."""
    BATCH_SIZE.observe(size)
    try:
        await processing
    finally:
        IN_FLIGHT.dec(size)


def stored(received_at: datetime) -> None:
    """An article was stored enriched and its message acknowledged."""
    ENRICHED.inc()
    LAG.observe(max(0.0, (datetime.now(UTC) - received_at).total_seconds()))


def retried(delay_s: int) -> None:
    RETRIED.labels(f"{delay_s}s").inc()


def park_reason(reason: str) -> str:
    """The bounded label of a park reason."""
    if "gave up after" in reason:
        return "retries_exhausted"
    return next((label for prefix, label in _PARK_REASONS if reason.startswith(prefix)), "other")


def parked(reason: str) -> None:
    label = park_reason(reason)
    PARKED.labels(label).inc()
    if label != "invalid_message":
        FAILED.inc()


def serve(host: str, port: int) -> tuple[WSGIServer, Thread]:
    """Serve `GET /metrics` on `host:port` from a thread (a scrape never waits for the event loop)."""
    server, thread = start_http_server(port, addr=host)
    log.info("metrics on http://%s:%d/metrics", host, port)
    return server, thread
