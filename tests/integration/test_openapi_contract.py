"""Each OpenAPI document says exactly what its running service accepts and answers (schemathesis, every check).

Ingest and query run as real processes (`serve`, started through devstack); schemathesis reads the document
each serves and runs its examples, coverage and fuzzing phases with all of its checks, so a schema-valid
request the server refuses (`positive_data_acceptance`), a schema-violating one it accepts
(`negative_data_rejection`), and a status or header the document does not list all fail the test. The run
is bounded (examples per operation) and seeded, so it sends the same requests every time.
"""

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.keys import API_KEYS, CURSOR_SECRET, WRITE_KEY
from devstack.rabbitmq import rabbitmq_vhost
from devstack.stack import services_on_free_ports
from tests.integration import query_app, query_data

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SERVICES = ("ingest", "query")
REPOSITORY = Path(__file__).parents[2]
SEED = 15
# Fuzzed requests per operation on top of the examples and the coverage phase's cases: about a minute for
# both services on two shared cores.
MAX_EXAMPLES = 40
RUN_TIMEOUT_S = 600
# Generous enough that the run itself is never throttled (a 429 is documented, but would hide what the
# request was refused for); the limits are tested elsewhere.
UNTHROTTLED = {"NEWSFLOW_RATE_LIMIT": "1000000/minute", "NEWSFLOW_READ_RATE_LIMIT": "1000000/minute"}


@pytest.fixture(scope="module")
def ports(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """Ingest and query processes on free ports, by service name; query reads a database with a small corpus."""
    database = f"newsflow_contract_{secrets.token_hex(4)}"
    asyncio.run(query_app.store(mongodb_url, database, query_data.corpus(30)))
    with rabbitmq_vhost() as (rabbitmq_url, _):
        env = {
            "NEWSFLOW_RABBITMQ_URL": rabbitmq_url,
            "NEWSFLOW_MONGODB_URL": mongodb_url,
            "NEWSFLOW_MONGODB_DATABASE": database,
            "NEWSFLOW_API_KEYS": API_KEYS,
            "NEWSFLOW_CURSOR_SECRET": CURSOR_SECRET,
            "NEWSFLOW_LOG_LEVEL": "WARNING",
            **UNTHROTTLED,
        }
        try:
            with services_on_free_ports(SERVICES, env, log_dir=tmp_path_factory.mktemp("contract-logs")) as ports:
                yield ports
        finally:
            asyncio.run(query_app.drop(mongodb_url, database))


@pytest.mark.parametrize("service", SERVICES)
def test_service_answers_as_its_openapi_document_says(service: str, ports: dict[str, int], tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{ports[service]}"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base}/openapi.json",
        "--phases=examples,coverage,fuzzing",
        "--checks=all",
        "--mode=all",
        f"--max-examples={MAX_EXAMPLES}",
        f"--seed={SEED}",
        "--workers=1",
        "--suppress-health-check=all",
        "--request-timeout=30",
        f"--header=X-API-Key: {WRITE_KEY}",
        "--output-truncate=false",
    ]
    # Run in `tmp_path`, where schemathesis keeps its cache, with the repository importable for the hooks.
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.integration.openapi_media", "PYTHONPATH": str(REPOSITORY)}
    run = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    # Examples run where the document has some (the query service's has none); the others always run.
    for phase in ("Coverage", "Fuzzing"):
        assert f"✅ {phase}" in run.stdout, run.stdout[-5_000:]
