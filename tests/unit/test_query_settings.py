"""Query settings fail fast: a missing or short cursor secret stops the service before it listens."""

import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from devstack.workspace import ROOT
from services.query.settings import QuerySettings

BASE: dict[str, Any] = {"mongodb_url": "mongodb://127.0.0.1:1", "api_keys": "dash:a-key-of-sixteen-chars-or-more:read"}


def test_defaults_and_secret_handling() -> None:
    settings = QuerySettings(**BASE, cursor_secret="s" * 32)
    assert (settings.port, settings.public_reads, settings.query_timeout_ms) == (8002, False, 5_000)
    assert "s" * 32 not in repr(settings)


@pytest.mark.parametrize("secret", [None, "", "short-secret"])
def test_cursor_secret_is_required_and_long(secret: str | None) -> None:
    values = BASE | ({} if secret is None else {"cursor_secret": secret})
    with pytest.raises(ValidationError, match="cursor_secret"):
        QuerySettings(**values)


def test_public_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_PUBLIC_READS", "true")
    monkeypatch.setenv("NEWSFLOW_CURSOR_SECRET", "e" * 40)
    assert QuerySettings(**BASE).public_reads is True


def test_the_service_exits_2_with_a_reason_on_bad_settings() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSFLOW_")}
    env |= {"NEWSFLOW_MONGODB_URL": "mongodb://127.0.0.1:1", "NEWSFLOW_API_KEYS": BASE["api_keys"]}
    env["NEWSFLOW_CURSOR_SECRET"] = "too-short"
    done = subprocess.run(
        [sys.executable, "-m", "services.query"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "NEWSFLOW_CURSOR_SECRET" in done.stderr
    assert "Traceback" not in done.stderr
    assert "too-short" not in done.stderr
