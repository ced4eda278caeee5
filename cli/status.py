"""`newsflow status`: the pipeline on one screen, read from Prometheus or straight from the services.

Two sources give the same figures:
- Prometheus (`NEWSFLOW_PROMETHEUS_URL`): instant queries over every scraped process; rates over the last minute.
- the services themselves: ingest's and query's `/metrics`, each worker's (`NEWSFLOW_WORKER_METRICS_URLS`, or
  the list `newsflow run` keeps in `.newsflow/metrics-endpoints`), and a passive declare of the queues on the
  broker. Rates come from two readings `sample_s` apart (or, with `--watch`, the readings of the last minute).

Unacknowledged messages are the sum of the workers' in-flight gauges; the dead-letter queue's reasons and the
last errors are read from the parked messages themselves (they stay parked) when the broker is reachable.
"""

import asyncio
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aio_pika.exceptions import AMQPError

from cli import client
from cli.deadletters import ParkedMessage, list_parked
from cli.scrape import Scrape, scrape
from devstack.workspace import STATE_DIR_NAME
from services.enrich.metrics import park_reason
from shared import broker, topology
from shared.settings import BrokerSettings

WORKER_ENDPOINTS_FILE = "metrics-endpoints"
RATE_WINDOW_S = 60.0
PEEK_PARKED = 200  # parked messages read for the top reasons and the last errors
LAST_ERRORS = 5


@dataclass
class Reading:
    """Counters and gauges of the whole pipeline at one moment."""

    at: float
    ready: int | None = None
    unacked: int = 0
    consumers: int | None = None
    workers_connected: int = 0
    dead_letters: int | None = None
    accepted: float = 0.0
    enriched: float = 0.0
    failed: float = 0.0
    retried: float = 0.0
    documents: dict[str, int] = field(default_factory=dict)
    parked_by_reason: dict[str, int] = field(default_factory=dict)
    # Rates the source computed itself (Prometheus); otherwise they come from two readings.
    in_per_s: float | None = None
    out_per_s: float | None = None


@dataclass
class Status:
    source: str
    queue: dict[str, Any]
    rates: dict[str, Any]
    drain_s: float | None
    workers: dict[str, Any]
    dead_letters: dict[str, Any]
    documents: dict[str, int]
    totals: dict[str, float]
    last_errors: list[dict[str, str]]
    problems: list[str]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def worker_endpoints(base: Path | None = None) -> list[str]:
    """NEWSFLOW_WORKER_METRICS_URLS (comma-separated), else the list `newsflow run` wrote."""
    if given := os.environ.get("NEWSFLOW_WORKER_METRICS_URLS"):
        return [url.strip() for url in given.split(",") if url.strip()]
    listed = (base or Path.cwd()) / STATE_DIR_NAME / WORKER_ENDPOINTS_FILE
    if listed.exists():
        return [line.strip() for line in listed.read_text().splitlines() if line.strip()]
    return []


class ServiceMetrics:
    """Readings from the services' /metrics and a passive declare of the queues."""

    name = "metrics"

    def __init__(self, http: httpx.Client, broker_settings: BrokerSettings, workers: list[str]) -> None:
        self._http = http
        self._broker = broker_settings
        self._workers = workers
        self.problems: list[str] = []

    def read(self) -> Reading:
        self.problems = []
        reading = Reading(at=time.time())
        ingest = self._scrape(f"{client.ingest_url()}/metrics", "ingest")
        query = self._scrape(f"{client.query_url()}/metrics", "query")
        workers = Scrape.merge(self._scrape(url, "a worker") for url in self._workers)
        if not self._workers:
            self.problems.append("no worker metrics endpoint known: set NEWSFLOW_WORKER_METRICS_URLS")
        reading.accepted = ingest.value("newsflow_ingest_articles_accepted_total")
        reading.enriched = workers.value("newsflow_worker_articles_enriched_total")
        reading.failed = workers.value("newsflow_worker_articles_failed_total")
        reading.retried = workers.value("newsflow_worker_articles_retried_total")
        reading.unacked = int(workers.value("newsflow_worker_in_flight_messages"))
        reading.workers_connected = int(workers.value("newsflow_worker_consumer_connected"))
        reading.parked_by_reason = {
            reason: int(count)
            for reason, count in workers.by_label("newsflow_worker_articles_parked_total", "reason").items()
        }
        reading.documents = {status: int(n) for status, n in query.by_label("newsflow_documents", "status").items()}
        counts = self._declare()
        if counts is None:  # the broker is out of reach: ingest's own gauges, a few seconds old at most
            counts = {
                queue: (int(ingest.value("newsflow_queue_messages_ready", queue=queue)), 0)
                for queue in (topology.WORK_QUEUE, topology.DEAD_QUEUE)
                if ingest.has("newsflow_queue_messages_ready", queue=queue)
            }
            if ingest.has("newsflow_queue_consumers", queue=topology.WORK_QUEUE):
                consumers = int(ingest.value("newsflow_queue_consumers", queue=topology.WORK_QUEUE))
                counts[topology.WORK_QUEUE] = (counts.get(topology.WORK_QUEUE, (0, 0))[0], consumers)
        if topology.WORK_QUEUE in counts:
            reading.ready, reading.consumers = counts[topology.WORK_QUEUE]
        if topology.DEAD_QUEUE in counts:
            reading.dead_letters = counts[topology.DEAD_QUEUE][0]
        return reading

    def _scrape(self, url: str, what: str) -> Scrape:
        try:
            return scrape(self._http, url)
        except httpx.HTTPError as exc:
            self.problems.append(f"{what} metrics unavailable at {url}: {type(exc).__name__}")
            return Scrape(())

    def _declare(self) -> dict[str, tuple[int, int]] | None:
        try:
            return asyncio.run(_queue_counts(self._broker))
        except (AMQPError, OSError, RuntimeError, TimeoutError) as exc:
            self.problems.append(f"broker unavailable for a passive declare: {type(exc).__name__}")
            return None


async def _queue_counts(settings: BrokerSettings) -> dict[str, tuple[int, int]]:
    """(ready, consumers) of the work and dead-letter queues, by a passive declare (nothing is created)."""
    connection = await broker.connect(settings.rabbitmq_url, name="cli", robust=False)
    counts: dict[str, tuple[int, int]] = {}
    async with connection:
        channel = await connection.channel()
        for queue in (topology.WORK_QUEUE, topology.DEAD_QUEUE):
            declared = (await channel.declare_queue(queue, passive=True)).declaration_result
            counts[queue] = (declared.message_count or 0, declared.consumer_count or 0)
    return counts


class PrometheusMetrics:
    """Readings from Prometheus' HTTP API: every replica it scrapes, summed."""

    name = "prometheus"

    def __init__(self, http: httpx.Client, url: str) -> None:
        self._http = http
        self._url = url.rstrip("/")
        self.problems: list[str] = []

    def read(self) -> Reading:
        self.problems = []
        work, dead = f'queue="{topology.WORK_QUEUE}"', f'queue="{topology.DEAD_QUEUE}"'
        reading = Reading(at=time.time())
        ready = self._scalar(f"max(newsflow_queue_messages_ready{{{work}}})")
        reading.ready = None if ready is None else int(ready)
        consumers = self._scalar(f"max(newsflow_queue_consumers{{{work}}})")
        reading.consumers = None if consumers is None else int(consumers)
        dead_letters = self._scalar(f"max(newsflow_queue_messages_ready{{{dead}}})")
        reading.dead_letters = None if dead_letters is None else int(dead_letters)
        reading.unacked = int(self._scalar("sum(newsflow_worker_in_flight_messages)") or 0)
        reading.workers_connected = int(self._scalar("sum(newsflow_worker_consumer_connected)") or 0)
        reading.accepted = self._scalar("sum(newsflow_ingest_articles_accepted_total)") or 0.0
        reading.enriched = self._scalar("sum(newsflow_worker_articles_enriched_total)") or 0.0
        reading.failed = self._scalar("sum(newsflow_worker_articles_failed_total)") or 0.0
        reading.retried = self._scalar("sum(newsflow_worker_articles_retried_total)") or 0.0
        reading.parked_by_reason = {
            key: int(value)
            for key, value in self._by("sum by (reason) (newsflow_worker_articles_parked_total)", "reason")
        }
        reading.documents = {
            key: int(value) for key, value in self._by("max by (status) (newsflow_documents)", "status")
        }
        reading.in_per_s = self._scalar("sum(rate(newsflow_ingest_articles_accepted_total[1m]))") or 0.0
        # `or vector(0)`: a sum of a counter with no series yet is empty, and would empty the whole addition.
        enriched, failed = "newsflow_worker_articles_enriched_total", "newsflow_worker_articles_failed_total"
        out = f"(sum(rate({enriched}[1m])) or vector(0)) + (sum(rate({failed}[1m])) or vector(0))"
        reading.out_per_s = self._scalar(out) or 0.0
        return reading

    def _query(self, promql: str) -> list[dict[str, Any]]:
        try:
            response = self._http.get(f"{self._url}/api/v1/query", params={"query": promql})
            response.raise_for_status()
            result: list[dict[str, Any]] = response.json()["data"]["result"]
            return result
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            self.problems.append(f"Prometheus query failed ({type(exc).__name__}): {promql}")
            return []

    def _scalar(self, promql: str) -> float | None:
        result = self._query(promql)
        return float(result[0]["value"][1]) if result else None

    def _by(self, promql: str, label: str) -> list[tuple[str, float]]:
        return [(series["metric"].get(label, ""), float(series["value"][1])) for series in self._query(promql)]


def _parked_summary(broker_settings: BrokerSettings) -> tuple[list[ParkedMessage], str | None]:
    try:
        return asyncio.run(list_parked(broker_settings, limit=PEEK_PARKED)), None
    except (AMQPError, OSError, RuntimeError, TimeoutError) as exc:
        return [], f"dead-letter reasons unavailable: {type(exc).__name__}"


def build_status(
    source: str,
    readings: list[Reading],
    parked: list[ParkedMessage],
    problems: list[str],
) -> Status:
    """The status from the readings (oldest first) of the last minute and the parked messages looked at."""
    now = readings[-1]
    first = next((reading for reading in readings if now.at - reading.at <= RATE_WINDOW_S), now)
    window = now.at - first.at
    if now.in_per_s is not None and now.out_per_s is not None:
        in_per_s, out_per_s, window = now.in_per_s, now.out_per_s, RATE_WINDOW_S
    elif window > 0:
        in_per_s = max(0.0, now.accepted - first.accepted) / window
        out_per_s = max(0.0, (now.enriched + now.failed) - (first.enriched + first.failed)) / window
    else:
        in_per_s = out_per_s = 0.0
    trend = None
    if window > 0 and first.ready is not None and now.ready is not None and now.in_per_s is None:
        trend = (now.ready - first.ready) / window
    elif now.in_per_s is not None:
        trend = in_per_s - out_per_s
    waiting = (now.ready or 0) + now.unacked
    drain_s: float | None = 0.0 if waiting == 0 else None
    if waiting and out_per_s > in_per_s:
        drain_s = waiting / (out_per_s - in_per_s)
    reasons = Counter(park_reason(message.reason) for message in parked)
    examples = {park_reason(message.reason): message.reason for message in parked}
    top = [{"reason": reason, "count": count, "example": examples[reason]} for reason, count in reasons.most_common(5)]
    if not parked and now.parked_by_reason:  # no broker access: what the workers counted since they started
        top = [
            {"reason": reason, "count": count, "example": ""}
            for reason, count in sorted(now.parked_by_reason.items(), key=lambda item: -item[1])
            if count
        ][:5]
    return Status(
        source=source,
        queue={"ready": now.ready, "unacked": now.unacked, "consumers": now.consumers, "trend_per_s": trend},
        rates={"in_per_s": round(in_per_s, 3), "out_per_s": round(out_per_s, 3), "window_s": round(window, 1)},
        drain_s=None if drain_s is None else round(drain_s, 1),
        workers={"connected": now.workers_connected},
        dead_letters={"size": now.dead_letters, "top_reasons": top},
        documents=now.documents,
        totals={"accepted": now.accepted, "enriched": now.enriched, "failed": now.failed, "retried": now.retried},
        last_errors=[{"id": message.message_id, "reason": message.reason} for message in parked[-LAST_ERRORS:]],
        problems=problems,
    )


class StatusWatch:
    """Readings kept for a minute, so rates cover the last minute however often the status is shown."""

    def __init__(self, source: ServiceMetrics | PrometheusMetrics, broker_settings: BrokerSettings | None) -> None:
        self._source = source
        self._broker = broker_settings
        self._readings: list[Reading] = []

    def sample(self) -> None:
        self._readings.append(self._source.read())
        self._readings = [reading for reading in self._readings if self._readings[-1].at - reading.at <= RATE_WINDOW_S]

    def status(self) -> Status:
        problems = list(self._source.problems)
        parked: list[ParkedMessage] = []
        if self._broker is not None and (self._readings[-1].dead_letters or 0) > 0:
            parked, problem = _parked_summary(self._broker)
            problems += [problem] if problem else []
        return build_status(self._source.name, self._readings, parked, problems)


def open_source(
    http: httpx.Client, broker_settings: BrokerSettings
) -> tuple[ServiceMetrics | PrometheusMetrics, BrokerSettings | None]:
    """Prometheus when NEWSFLOW_PROMETHEUS_URL is set, else the services; and the broker to peek at, if any."""
    if url := os.environ.get("NEWSFLOW_PROMETHEUS_URL"):
        # The broker is read only when its URL is given: with Prometheus the CLI may have no AMQP access.
        peek = broker_settings if os.environ.get("NEWSFLOW_RABBITMQ_URL") else None
        return PrometheusMetrics(http, url), peek
    return ServiceMetrics(http, broker_settings, worker_endpoints()), broker_settings


def render(status: Status, say: Callable[[str], None]) -> None:
    """One screen of plain lines."""
    queue, rates = status.queue, status.rates
    trend = queue["trend_per_s"]
    trend_text = "unknown" if trend is None else ("growing" if trend > 0 else "shrinking" if trend < 0 else "steady")
    ready = "unknown" if queue["ready"] is None else queue["ready"]
    drain = "never at this rate" if status.drain_s is None else f"{status.drain_s:g} s"
    say(f"source        {status.source}")
    say(f"work queue    {ready} ready, {queue['unacked']} unacked ({trend_text}); consumers {queue['consumers']}")
    say(f"rates         in {rates['in_per_s']:g}/s, out {rates['out_per_s']:g}/s over the last {rates['window_s']:g} s")
    say(f"drain         {drain}")
    say(f"workers       {status.workers['connected']} connected")
    dead = status.dead_letters
    say(f"dead letters  {'unknown' if dead['size'] is None else dead['size']}")
    for reason in dead["top_reasons"]:
        say(
            f"              {reason['count']} x {reason['reason']}"
            + (f": {reason['example'][:80]}" if reason["example"] else "")
        )
    documents = ", ".join(f"{count} {name}" for name, count in sorted(status.documents.items())) or "unknown"
    say(f"documents     {documents}")
    totals = status.totals
    say(
        f"since start   {totals['accepted']:g} accepted, {totals['enriched']:g} enriched, {totals['failed']:g} failed, "
        f"{totals['retried']:g} retried"
    )
    for error in status.last_errors:
        say(f"last error    {error['id']}: {error['reason'][:100]}")
    for problem in status.problems:
        say(f"problem       {problem}")
