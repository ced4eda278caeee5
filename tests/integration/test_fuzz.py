"""Schema-driven fuzzing of both services (schemathesis): zero 5xx, and every answer is the one documented.

Each operation of each OpenAPI document gets a bounded number of generated requests, valid and invalid,
sent over ASGI to the real application with its lifespan running against the test session's RabbitMQ (a
vhost of its own, so fuzzed articles never reach another test's queue) and SecantusDB. Requests carry a
write key, so every protected operation is reached past its key check.
"""

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devstack.keys import API_KEYS, WRITE_KEY
from devstack.rabbitmq import rabbitmq_vhost
from services.ingest.app import create_app as create_ingest
from services.ingest.settings import IngestSettings
from services.query.app import create_app as create_query
from tests.integration import (
    openapi_media,  # noqa: F401  # registers the NDJSON serializer
    query_app,
    query_data,
)

pytestmark = pytest.mark.integration

# Examples per operation, valid and invalid (schemathesis' positive and negative modes): the 4 operations
# of ingest and 8 of query take under a minute on two cores.
EXAMPLES = 80
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run, so a failure reproduces
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
# What no answer may contain: a stack trace, a broker or database address, a source path, a key.
LEAKS = ("Traceback", 'File "', "amqp://", "mongodb://", ".py", "site-packages", WRITE_KEY)


def answers_safely(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> None:
    """Every answer carries `nosniff`; no error gives anything of the server away."""
    headers = {name.lower(): values for name, values in response.headers.items()}
    assert headers.get("x-content-type-options") == ["nosniff"], "X-Content-Type-Options: nosniff is missing"
    assert "server" not in headers, "a Server header is sent"
    if response.status_code >= 400:
        text = response.content.decode("utf-8", "replace")
        leaked = [leak for leak in LEAKS if leak in text]
        assert not leaked, f"the error body contains {leaked}"


CHECKS = [
    answers_safely,
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# The HTML page is documented as a string, sent as it is; NDJSON as the array of articles it carries.
schemathesis.serializer.alias(["text/html"], "text/plain")


# The documents are static: an application that is never started serves them (no broker or database needed).
ingest = schemathesis.openapi.from_dict(
    create_ingest(
        IngestSettings(rabbitmq_url="amqp://unused", mongodb_url="mongodb://unused", api_keys=API_KEYS)
    ).openapi()
)
query = schemathesis.openapi.from_dict(
    create_query(query_app.query_settings("mongodb://unused", "unused", api_keys=API_KEYS)).openapi()
)


@pytest.fixture(scope="module")
def ingest_app(mongodb_url: str) -> Iterator[FastAPI]:
    # A database of its own, empty: a fuzzed delete finds no article (404) and deletes nothing.
    database = f"newsflow_fuzz_{uuid.uuid4().hex[:8]}"
    with rabbitmq_vhost() as (url, _):
        yield create_ingest(
            IngestSettings(rabbitmq_url=url, mongodb_url=mongodb_url, mongodb_database=database, api_keys=API_KEYS)
        )


@pytest.fixture(scope="module")
def query_app_with_data(mongodb_url: str) -> Iterator[FastAPI]:
    database = f"newsflow_fuzz_{uuid.uuid4().hex[:8]}"
    asyncio.run(query_app.store(mongodb_url, database, query_data.corpus(40)))
    yield create_query(query_app.query_settings(mongodb_url, database, api_keys=API_KEYS))
    asyncio.run(query_app.drop(mongodb_url, database))


@ingest.parametrize()
@FUZZ_SETTINGS
def test_ingest_answers_as_documented(case: schemathesis.Case[Any], ingest_app: FastAPI) -> None:
    case.call_and_validate(app=ingest_app, headers={"X-API-Key": WRITE_KEY}, checks=CHECKS)


@query.parametrize()
@FUZZ_SETTINGS
def test_query_answers_as_documented(case: schemathesis.Case[Any], query_app_with_data: FastAPI) -> None:
    case.call_and_validate(app=query_app_with_data, headers={"X-API-Key": WRITE_KEY}, checks=CHECKS)
