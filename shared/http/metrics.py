"""Prometheus metrics of an HTTP service: requests by route template, method and status, their latency, and the
`GET /metrics` endpoint.

`/metrics` takes no key: it tells counts and timings, never an article, a key or a client address (every label
is bounded: a route template, never a path). It is kept off the public entry instead: the compose proxy answers
404 for it (docker/nginx/locations.conf), so only a scraper inside the compose network reaches it, and a
service listens on loopback by default. Gauges read from the broker or the database are refreshed by
`ScrapeHooks` when a scrape comes, each cached for a few seconds, so a scrape costs them nothing most times.
"""

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.metrics import Info

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"

REQUESTS = Counter(
    "newsflow_http_requests_total",
    "HTTP requests answered, by route template (`none` for a path no route matches), method and status",
    ["handler", "method", "status"],
)
LATENCY = Histogram(
    "newsflow_http_request_duration_seconds",
    "Time from a request's arrival to its answer, by route template and method",
    ["handler", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RATE_LIMIT_REFUSALS = Counter(
    "newsflow_rate_limit_refusals_total",
    "Requests refused with 429 by a limit: key_rate and queue_share (ingest), read_rate (query)",
    ["limit"],
)

Refresh = Callable[[], Awaitable[None]]


class ScrapeHooks:
    """Refreshes run before each scrape; one that fails is logged and leaves its gauges as they were."""

    def __init__(self) -> None:
        self._hooks: list[Refresh] = []

    def add(self, hook: Refresh) -> None:
        self._hooks.append(hook)

    async def run(self) -> None:
        for hook in self._hooks:
            try:
                await hook()
            except Exception as exc:  # a scrape answers with what it has; the gauge says it is stale by age
                log.warning("metrics refresh failed: %s: %s", type(exc).__name__, exc)


def _record(info: Info) -> None:
    REQUESTS.labels(info.modified_handler, info.method, info.modified_status).inc()
    LATENCY.labels(info.modified_handler, info.method).observe(info.modified_duration)


def install_metrics(app: FastAPI) -> ScrapeHooks:
    """Count and time every request but the scrapes, and serve `GET /metrics` (not in the OpenAPI document)."""
    hooks = ScrapeHooks()
    Instrumentator(
        should_group_status_codes=False,  # 429 and 503 tell different stories than 400 and 500
        excluded_handlers=[f"^{METRICS_PATH}$"],
    ).add(_record).instrument(app)

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics() -> Response:
        await hooks.run()
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return hooks
