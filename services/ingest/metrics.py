"""Ingest's own Prometheus metrics (requests and their latency are `shared.http.metrics`').

Refusals are counted by reason, one per refused request (a refused batch counts one), and one per article the
broker did not take out of an accepted batch (`broker_refused`).
"""

from prometheus_client import Counter, Histogram

ARTICLES_ACCEPTED = Counter(
    "newsflow_ingest_articles_accepted_total", "Articles the broker confirmed, each answered 202 or listed accepted"
)
ARTICLES_REJECTED = Counter(
    "newsflow_ingest_articles_rejected_total",
    "Refused submissions by reason: invalid_article, invalid_batch, unsupported_media_type, rate_limited, "
    "queue_share_exceeded, broker_unavailable (one per request), broker_refused (one per article of a batch)",
    ["reason"],
)
PUBLISH_CONFIRM = Histogram(
    "newsflow_ingest_publish_confirm_seconds",
    "Time from publishing an article to the broker's confirm (confirmed ones only)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
