"""Ingest settings: the database it reads owners from is required, and the retention period is optional."""

from typing import Any

import pytest
from pydantic import ValidationError

from services.ingest.settings import IngestSettings

BASE: dict[str, Any] = {
    "rabbitmq_url": "amqp://127.0.0.1:1/",
    "mongodb_url": "mongodb://127.0.0.1:1",
    "api_keys": "feeder:a-key-of-sixteen-chars-or-more",
}


def test_a_retention_period_is_optional_and_compose_empty_value_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    assert IngestSettings(**BASE).retention_days is None
    monkeypatch.setenv("NEWSFLOW_RETENTION_DAYS", "")  # what `${NEWSFLOW_RETENTION_DAYS:-}` passes when unset
    assert IngestSettings(**BASE).retention_days is None
    monkeypatch.setenv("NEWSFLOW_RETENTION_DAYS", "90")
    assert IngestSettings(**BASE).retention_days == 90


@pytest.mark.parametrize("days", ["0", "-1", "ninety"])
def test_a_retention_period_must_be_whole_days(days: str) -> None:
    with pytest.raises(ValidationError, match="retention_days"):
        IngestSettings(**BASE, retention_days=days)


def test_the_database_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSFLOW_MONGODB_URL", raising=False)
    values = {name: value for name, value in BASE.items() if name != "mongodb_url"}
    with pytest.raises(ValidationError, match="mongodb_url"):
        IngestSettings(**values)
