"""`newsflow status` from readings: rates over the window, the trend, time to drain, reasons by kind."""

from cli.deadletters import ParkedMessage
from cli.status import Reading, build_status, render

SOURCE = "metrics"
GAVE_UP = "database error: AutoReconnect; gave up after 6 retries"


def test_rates_trend_and_drain_come_from_two_readings() -> None:
    first = Reading(at=100.0, ready=1_000, unacked=32, accepted=5_000, enriched=4_000, failed=0)
    now = Reading(at=160.0, ready=400, unacked=32, accepted=5_600, enriched=5_150, failed=50)
    status = build_status(SOURCE, [first, now], [], [])
    assert status.rates == {"in_per_s": 10.0, "out_per_s": 20.0, "window_s": 60.0}
    assert status.queue["trend_per_s"] == -10.0
    assert status.drain_s == 43.2  # (400 + 32) waiting, shrinking by 10 a second


def test_a_queue_that_grows_never_drains_and_readings_older_than_a_minute_are_left_out() -> None:
    old = Reading(at=0.0, ready=0, accepted=0)
    first = Reading(at=100.0, ready=100, accepted=1_000, enriched=900)
    now = Reading(at=130.0, ready=400, accepted=1_600, enriched=1_200)
    status = build_status(SOURCE, [old, first, now], [], [])
    assert status.rates["window_s"] == 30.0
    assert status.rates["in_per_s"] == 20.0
    assert status.drain_s is None


def test_dead_letter_reasons_are_grouped_by_kind_with_an_example() -> None:
    parked = [
        ParkedMessage("a" * 16, "enrichment failed: the article has no words", "", 10),
        ParkedMessage("b" * 16, "enrichment failed: the article has no words", "", 10),
        ParkedMessage("c" * 16, GAVE_UP, "", 10),
    ]
    status = build_status(SOURCE, [Reading(at=1.0, ready=0, dead_letters=3)], parked, [])
    assert status.dead_letters["top_reasons"] == [
        {"reason": "unprocessable", "count": 2, "example": "enrichment failed: the article has no words"},
        {
            "reason": "retries_exhausted",
            "count": 1,
            "example": "database error: AutoReconnect; gave up after 6 retries",
        },
    ]
    assert [error["id"] for error in status.last_errors] == ["a" * 16, "b" * 16, "c" * 16]
    lines: list[str] = []
    render(status, lines.append)
    assert any(line.startswith("dead letters  3") for line in lines)
    assert any("2 x unprocessable" in line for line in lines)
