"""What the worker's metrics count, driven through the worker's own decisions with the stand-ins of
`test_worker` (counters are process-wide, so each test reads how much they moved)."""

import pytest
from prometheus_client import REGISTRY

from services.enrich import metrics
from shared import topology
from tests.unit.test_worker import Harness, send, settled, submission
from tests.unit.test_worker import harness as harness  # the fixture, shared
from tests.worker_doubles import REJECTED


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Moved:
    """How far a sample moved since the test began."""

    def __init__(self) -> None:
        self._start: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def track(self, name: str, **labels: str) -> None:
        self._start[(name, tuple(sorted(labels.items())))] = _value(name, **labels)

    def __call__(self, name: str, **labels: str) -> float:
        return _value(name, **labels) - self._start[(name, tuple(sorted(labels.items())))]


SAMPLES = [
    ("newsflow_worker_articles_enriched_total", {}),
    ("newsflow_worker_articles_failed_total", {}),
    ("newsflow_worker_articles_parked_total", {"reason": "unprocessable"}),
    ("newsflow_worker_articles_parked_total", {"reason": "invalid_message"}),
    ("newsflow_worker_articles_parked_total", {"reason": "retries_exhausted"}),
    ("newsflow_worker_articles_retried_total", {"delay": f"{topology.RETRY_DELAYS_S[0]}s"}),
    ("newsflow_worker_stage_seconds_count", {"stage": "decode"}),
    ("newsflow_worker_stage_seconds_count", {"stage": "store"}),
    ("newsflow_worker_end_to_end_lag_seconds_count", {}),
    ("newsflow_worker_batch_size_sum", {}),
]


@pytest.fixture
def moved() -> Moved:
    tracker = Moved()
    for name, labels in SAMPLES:
        tracker.track(name, **labels)
    return tracker


async def _nothing_in_flight(h: Harness) -> None:
    await h.broker.timeline.until(lambda: _value("newsflow_worker_in_flight_messages") == 0)


async def test_stored_articles_are_counted_with_their_stages_and_lag(harness: Harness, moved: Moved) -> None:
    await send(harness, *[submission(f"Counted {n}") for n in range(3)])
    await _nothing_in_flight(harness)
    assert moved("newsflow_worker_articles_enriched_total") == 3
    assert moved("newsflow_worker_stage_seconds_count", stage="decode") == 3
    assert moved("newsflow_worker_stage_seconds_count", stage="store") == 3
    assert moved("newsflow_worker_end_to_end_lag_seconds_count") == 3
    assert moved("newsflow_worker_batch_size_sum") == 3
    assert moved("newsflow_worker_articles_failed_total") == 0


async def test_a_rejected_article_is_parked_and_failed_and_an_invalid_message_only_parked(
    harness: Harness, moved: Moved
) -> None:
    await send(harness, submission(REJECTED), submission("Its fine neighbour"))
    invalid = await harness.broker.deliver(b'{"id": "0123456789abcdef"}')
    await settled(harness, invalid)
    await _nothing_in_flight(harness)
    assert moved("newsflow_worker_articles_parked_total", reason="unprocessable") == 1
    assert moved("newsflow_worker_articles_parked_total", reason="invalid_message") == 1
    assert moved("newsflow_worker_articles_failed_total") == 1  # the ratio counts articles, not garbage
    assert moved("newsflow_worker_articles_enriched_total") == 1


async def test_retries_are_counted_by_delay_and_spent_ones_as_parked(harness: Harness, moved: Moved) -> None:
    harness.store.outage = 2
    await send(harness, submission("Delayed once"))
    await send(harness, submission("Out of retries"), headers={topology.ATTEMPT_HEADER: len(topology.RETRY_DELAYS_S)})
    await _nothing_in_flight(harness)
    assert moved("newsflow_worker_articles_retried_total", delay=f"{topology.RETRY_DELAYS_S[0]}s") == 1
    assert moved("newsflow_worker_articles_parked_total", reason="retries_exhausted") == 1


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        ("invalid message: article: Field required", "invalid_message"),
        ("delivered 10 times without being acknowledged (workers crashed or stopped on it)", "delivery_limit"),
        ("enrichment failed: the article has no words to analyse", "unprocessable"),
        ("the database refused the document: DocumentTooLarge: too big", "unwritable"),
        ("database error: AutoReconnect; gave up after 6 retries", "retries_exhausted"),
        ("something new", "other"),
    ],
)
def test_park_reasons_become_a_bounded_label(reason: str, label: str) -> None:
    assert metrics.park_reason(reason) == label
