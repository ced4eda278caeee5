"""Hostile input against both services: keys, limits, injection, rate limit, error bodies, secrets in logs.

Each rule of docs/security.md has a test here that fails if the rule breaks. The apps run in-process with
their lifespans, against a RabbitMQ vhost of this module's own and the session's SecantusDB.
"""

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from devstack.keys import CURSOR_SECRET, READ_KEY, WRITE_KEY
from devstack.rabbitmq import rabbitmq_vhost
from services.ingest.app import create_app as create_ingest
from services.ingest.settings import IngestSettings
from services.query.app import create_app as create_query
from shared.articles import MAX_BODY_CHARS, MAX_SHORT_FIELD_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS
from shared.http import server
from shared.search_terms import terms
from shared.settings import load_settings
from shared.validation import MAX_REPORTED_ERRORS
from tests.integration import query_app, query_data
from tests.integration.conftest import serving

pytestmark = pytest.mark.integration

OTHER_WRITE_KEY = "test-second-write-key-0123456789"
KEYS = f"writer:{WRITE_KEY},second-writer:{OTHER_WRITE_KEY},reader:{READ_KEY}:read"
WRONG_KEY = "test-wrong-key-0123456789"
MIB = 1_048_576
ARTICLE = {"title": "Talks resume", "body": "Delegates met in Geneva on Tuesday."}

# What an error body must never contain: stack traces, broker or database addresses, source paths.
LEAKS = ("Traceback", 'File "', "amqp://", "mongodb://", "/work/", ".py", "site-packages", "guest:")


def write(key: str = WRITE_KEY, content_type: str = "application/json") -> dict[str, str]:
    return {"X-API-Key": key, "Content-Type": content_type}


def assert_safe_error(response: httpx.Response, status: int | None = None, *, max_bytes: int = 4_096) -> None:
    """A 4xx/5xx is short JSON with a reason, and gives nothing of the server away."""
    if status is not None:
        assert response.status_code == status, response.text[:500]
    assert 400 <= response.status_code < 600, response.status_code
    assert response.headers["content-type"] == "application/json"
    assert len(response.content) <= max_bytes, f"{len(response.content)} bytes of error"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    for leak in LEAKS:
        assert leak not in response.text, leak
    for secret in (WRITE_KEY, OTHER_WRITE_KEY, READ_KEY, WRONG_KEY, CURSOR_SECRET):
        assert secret not in response.text


# --- the two services ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broker_url() -> Iterator[str]:
    """A vhost of this module's own: what these tests publish never reaches another test's queue."""
    with rabbitmq_vhost() as (url, _):
        yield url


def ingest_settings(broker_url: str, **overrides: Any) -> IngestSettings:
    # These tests never delete, so ingest never reads its database (PyMongo connects on first use).
    return IngestSettings(rabbitmq_url=broker_url, mongodb_url="mongodb://unused", api_keys=KEYS, **overrides)


@pytest.fixture
async def ingest(broker_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_ingest(ingest_settings(broker_url))) as client:
        yield client


@pytest.fixture(scope="module")
async def query_database(mongodb_url: str) -> AsyncIterator[str]:
    name = f"newsflow_security_{uuid.uuid4().hex[:10]}"
    await query_app.store(mongodb_url, name, query_data.corpus(30))
    yield name
    await query_app.drop(mongodb_url, name)


def create_query_app(mongodb_url: str, database: str, **overrides: Any) -> FastAPI:
    settings = query_app.query_settings(mongodb_url, database, api_keys=KEYS, **overrides)
    return create_query(settings)


@pytest.fixture
async def query(mongodb_url: str, query_database: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_query_app(mongodb_url, query_database)) as client:
        yield client


READ = {"X-API-Key": READ_KEY}
ARTICLE_ID = query_data.corpus(1)[0].id
ENTITY_ID = "gpe:china"
QUERY_READS = [
    "/v1/articles",
    "/v1/articles?q=talks&sort=relevance",
    f"/v1/articles/{ARTICLE_ID}",
    "/v1/entities",
    f"/v1/entities/{ENTITY_ID}",
    f"/v1/entities/{ENTITY_ID}/related",
    "/v1/stats",
]
INGEST_WRITES = [
    ("/v1/articles", json.dumps(ARTICLE)),
    ("/v1/articles:batch", json.dumps([ARTICLE])),
]


# --- keys: missing, wrong, right, out of scope -------------------------------------------------------------


@pytest.mark.parametrize(("path", "body"), INGEST_WRITES)
async def test_ingest_writes_need_a_write_key(ingest: httpx.AsyncClient, path: str, body: str) -> None:
    missing = await ingest.post(path, content=body, headers={"Content-Type": "application/json"})
    assert_safe_error(missing, 401)
    assert missing.headers["WWW-Authenticate"] == "X-API-Key"
    for wrong in (WRONG_KEY, WRITE_KEY[:-1], WRITE_KEY + "x", f"{WRITE_KEY}:write", WRITE_KEY.upper(), " "):
        assert_safe_error(await ingest.post(path, content=body, headers=write(wrong)), 401)
    assert_safe_error(await ingest.post(path, content=body, headers=write(READ_KEY)), 403)
    for key in (WRITE_KEY, OTHER_WRITE_KEY):
        assert (await ingest.post(path, content=body, headers=write(key))).status_code == 202


@pytest.mark.parametrize("path", QUERY_READS)
async def test_query_reads_need_a_read_or_write_key(query: httpx.AsyncClient, path: str) -> None:
    missing = await query.get(path)
    assert_safe_error(missing, 401)
    assert missing.headers["WWW-Authenticate"] == "X-API-Key"
    for wrong in (WRONG_KEY, READ_KEY[:-1], f"{READ_KEY}:read"):
        assert_safe_error(await query.get(path, headers={"X-API-Key": wrong}), 401)
    for key in (READ_KEY, WRITE_KEY):  # write implies read
        response = await query.get(path, headers={"X-API-Key": key})
        assert response.status_code == 200, response.text


async def test_public_reads_open_the_query_service_only(
    mongodb_url: str, query_database: str, ingest: httpx.AsyncClient
) -> None:
    async with serving(create_query_app(mongodb_url, query_database, public_reads=True)) as public:
        for path in QUERY_READS:
            assert (await public.get(path)).status_code == 200, path
    assert_safe_error(await ingest.post("/v1/articles", json=ARTICLE), 401)


async def test_probes_and_documents_need_no_key(ingest: httpx.AsyncClient, query: httpx.AsyncClient) -> None:
    for client in (ingest, query):
        for path in ("/healthz", "/readyz", "/openapi.json"):
            assert (await client.get(path)).status_code == 200, path


async def test_openapi_documents_each_operations_key_scope_and_errors(
    ingest: httpx.AsyncClient, query: httpx.AsyncClient
) -> None:
    for client in (ingest, query):
        document = (await client.get("/openapi.json")).json()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                schemes = {name for requirement in operation.get("security", []) for name in requirement}
                responses = operation["responses"]
                if path.startswith("/v1/"):
                    writes = method in ("post", "delete")
                    assert schemes == ({"WriteKey"} if writes else {"ReadKey"}), (method, path)
                    assert "401" in responses, (method, path)
                    assert ("403" in responses) == writes, (method, path)
                for code, response in responses.items():
                    if code[0] in "45":
                        schema = response["content"]["application/json"]["schema"]
                        assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)


# --- request body limits -------------------------------------------------------------------------------------


async def test_a_body_of_one_mebibyte_and_one_byte_is_413(ingest: httpx.AsyncClient) -> None:
    at_limit = "Title\n\n" + "x" * (MIB - len("Title\n\n"))
    response = await ingest.post("/v1/articles", content=at_limit, headers=write(content_type="text/plain"))
    assert response.status_code == 202, response.text
    over = at_limit + "x"
    assert_safe_error(await ingest.post("/v1/articles", content=over, headers=write(content_type="text/plain")), 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(16):
            yield b"y" * (MIB // 16)
        yield b"y"

    streamed = await ingest.post("/v1/articles", content=chunks(), headers=write(content_type="text/plain"))
    assert_safe_error(streamed, 413)
    assert "1048576" in streamed.json()["detail"]


async def test_a_lying_content_length_does_not_get_past_the_limit(ingest: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"z" * (MIB + 1)

    headers = write(content_type="text/plain") | {"Content-Length": "10"}
    assert_safe_error(await ingest.post("/v1/articles", content=chunks(), headers=headers), 413)


async def test_a_body_that_trickles_in_is_408(broker_url: str) -> None:
    async with serving(create_ingest(ingest_settings(broker_url, body_timeout_s=0.5))) as ingest:

        async def trickle() -> AsyncIterator[bytes]:
            for byte in b'{"title": "Slow", "body": "Slow."}':
                await asyncio.sleep(0.1)
                yield bytes([byte])

        response = await ingest.post("/v1/articles", content=trickle(), headers=write())
    assert_safe_error(response, 408)
    assert response.headers["Connection"] == "close"


async def test_a_batch_over_its_byte_limit_is_413(ingest: httpx.AsyncClient) -> None:
    items = [ARTICLE | {"body": "x" * 1_000_000}] * 17  # 17 MB > 16 MiB
    body = json.dumps(items).encode()
    assert len(body) > 16 * MIB
    assert_safe_error(await ingest.post("/v1/articles:batch", content=body, headers=write()), 413)


async def test_a_batch_of_more_than_1000_articles_is_422(ingest: httpx.AsyncClient) -> None:
    items = [ARTICLE] * 1_001
    response = await ingest.post("/v1/articles:batch", json=items, headers=write())
    assert_safe_error(response, 422)
    assert "1000" in response.json()["detail"]
    ndjson = "\n".join(json.dumps(item) for item in items)
    response = await ingest.post(
        "/v1/articles:batch", content=ndjson, headers=write(content_type="application/x-ndjson")
    )
    assert_safe_error(response, 422)


@pytest.mark.parametrize(
    ("field", "too_long"),
    [
        ("title", "t" * (MAX_TITLE_CHARS + 1)),
        ("source", "s" * (MAX_SHORT_FIELD_CHARS + 1)),
        ("external_id", "e" * (MAX_SHORT_FIELD_CHARS + 1)),
        ("url", "https://example.org/" + "u" * MAX_URL_CHARS),
        ("language", "english"),
    ],
)
async def test_each_field_has_a_length_limit(ingest: httpx.AsyncClient, field: str, too_long: str) -> None:
    response = await ingest.post("/v1/articles", json=ARTICLE | {field: too_long}, headers=write())
    assert_safe_error(response, 422)
    assert field in response.json()["detail"]


async def test_the_body_field_limit_holds_inside_a_batch(ingest: httpx.AsyncClient) -> None:
    # A single article cannot reach it (its request is 1 MiB), a batch can.
    items = [ARTICLE | {"body": "b" * (MAX_BODY_CHARS + 1)}, ARTICLE]
    response = await ingest.post("/v1/articles:batch", json=items, headers=write())
    assert_safe_error(response, 422)  # an invalid article refuses its batch
    assert [error["loc"] for error in response.json()["errors"]] == ["[0].body"]
    assert len(response.content) < 1_000


async def test_ten_thousand_fields_are_refused_fast_and_briefly(ingest: httpx.AsyncClient) -> None:
    many = ARTICLE | {f"field_{i}": "v" * 50 for i in range(10_000)}  # 650 kB
    started = time.monotonic()
    response = await ingest.post("/v1/articles", json=many, headers=write())
    assert time.monotonic() - started < 5
    assert_safe_error(response, 422)
    assert "10002 fields" in response.json()["detail"]
    assert len(response.json()["errors"]) == 1
    assert "v" * 50 not in response.text

    # A few unknown fields are each named (up to MAX_REPORTED_ERRORS of them).
    some = await ingest.post("/v1/articles", json=ARTICLE | {f"field_{i}": 1 for i in range(20)}, headers=write())
    assert_safe_error(some, 422)
    assert [error["loc"] for error in some.json()["errors"]] == [f"field_{i}" for i in range(MAX_REPORTED_ERRORS)]

    started = time.monotonic()
    batch = await ingest.post("/v1/articles:batch", json=[many] * 10, headers=write())
    assert time.monotonic() - started < 5
    assert_safe_error(batch, 422)
    assert [error["loc"] for error in batch.json()["errors"]] == [f"[{i}]" for i in range(10)]
    assert len(batch.content) < 10_000


async def test_a_batch_of_bad_articles_gets_a_bounded_answer(ingest: httpx.AsyncClient) -> None:
    # 1,000 articles, each with unknown fields whose names are long: the names are not echoed in full.
    item = {f"{'k' * 1_000}{i}": 1 for i in range(15)}
    response = await ingest.post("/v1/articles:batch", json=[item] * 1_000, headers=write())
    assert_safe_error(response, 422, max_bytes=MIB // 2)
    assert len({error["loc"].split(".")[0] for error in response.json()["errors"]}) > 100  # many articles named
    assert "k" * 200 not in response.text


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/v1/articles", b'{"title": "T", "body": "' + b"[" * 100_000 + b'"', "application/json"),
        ("/v1/articles", b'{"title": ' + b"[" * 100_000, "application/json"),
        ("/v1/articles:batch", b"[" * 100_000, "application/json"),
        ("/v1/articles:batch", b'{"title": ' + b"[" * 100_000, "application/x-ndjson"),
    ],
)
async def test_deeply_nested_json_is_422(ingest: httpx.AsyncClient, path: str, body: bytes, content_type: str) -> None:
    assert_safe_error(await ingest.post(path, content=body, headers=write(content_type=content_type)), 422)


INVALID_UTF8 = b"\xff\xfe\xc3\x28"
PAGE = b"<html><body><article><h1>Title</h1><p>Delegates met in Geneva TEXT on Tuesday.</p></article></body></html>"


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/v1/articles", b'{"title": "T\xff", "body": "Body"}', "application/json"),
        ("/v1/articles", b"Title\n\nBody " + INVALID_UTF8, "text/plain"),
        ("/v1/articles", PAGE.replace(b"TEXT", INVALID_UTF8), "text/html"),
        ("/v1/articles:batch", b'[{"title": "T", "body": "B\xc3\x28"}]', "application/json"),
        ("/v1/articles:batch", b'{"title": "T", "body": "B\xc3\x28"}', "application/x-ndjson"),
        ("/v1/articles", b'{"title": "T", "body": "nul \\u0000 here"}', "application/json"),
        ("/v1/articles", b'{"title": "T", "body": "raw nul \x00 here"}', "application/json"),
        ("/v1/articles", b'{"title": "T", "body": "B", "source": "S\\u0000"}', "application/json"),
        ("/v1/articles", b"Title\n\nBody with \x00 nul", "text/plain"),
        ("/v1/articles", b"Ti\x00tle\n\nBody", "text/plain"),
        ("/v1/articles", PAGE.replace(b"TEXT", b"\x00"), "text/html"),
    ],
)
async def test_invalid_utf8_and_nul_bytes_are_4xx(
    ingest: httpx.AsyncClient, path: str, body: bytes, content_type: str
) -> None:
    response = await ingest.post(path, content=body, headers=write(content_type=content_type))
    assert_safe_error(response, 422)


async def test_a_pathological_byline_is_parsed_fast(ingest: httpx.AsyncClient) -> None:
    # Without its length bound the byline pattern backtracks over every split of a long whitespace run between
    # two bars: more than ten seconds for this 200 kB line, so a bound of seconds still catches it when loaded.
    line = "a" + " \t" * 200 + "|" + " \t" * 100_000 + "||"
    started = time.monotonic()
    response = await ingest.post(
        "/v1/articles", content=f"Title\n\n{line}\n\nBody.", headers=write(content_type="text/plain")
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 202


async def test_html_is_parsed_off_the_event_loop(ingest: httpx.AsyncClient) -> None:
    page = "<html><body>" + "<p>word word word</p>" * 20_000 + "</body></html>"  # trafilatura takes seconds
    started = time.monotonic()
    parsing = asyncio.create_task(ingest.post("/v1/articles", content=page, headers=write(content_type="text/html")))
    rounds_s: list[float] = []  # each round of a health check and a short pause, while the page is parsed
    while not parsing.done():
        asked = time.monotonic()
        assert (await ingest.get("/healthz")).status_code == 200
        await asyncio.sleep(0.05)  # back-to-back checks would keep the parsing thread from the GIL
        rounds_s.append(time.monotonic() - asked)
    assert (await parsing).status_code in (202, 422)
    parsed_s = time.monotonic() - started
    # Parsed on the loop, one round waits for the whole parse; off it, each round is a small part of it.
    assert max(rounds_s) < parsed_s / 4, f"a health check round took {max(rounds_s):.2f} s of a {parsed_s:.2f} s parse"
    assert len(rounds_s) >= 3, "the page parsed too fast to show anything; make it bigger"


@pytest.mark.parametrize("content_type", ["text/csv", "application/xml", "multipart/form-data", ""])
async def test_unsupported_content_types_are_415(ingest: httpx.AsyncClient, content_type: str) -> None:
    headers = {"X-API-Key": WRITE_KEY, "Content-Type": content_type}
    assert_safe_error(await ingest.post("/v1/articles", content=b"a,b", headers=headers), 415)


# --- query parameters never become operators or patterns --------------------------------------------------


async def _ids(client: httpx.AsyncClient, url: str, **params: Any) -> tuple[int, list[str]]:
    response = await client.get(url, params=params, headers=READ)
    if response.status_code != 200:
        assert_safe_error(response)
        return response.status_code, []
    return 200, [item["id"] for item in response.json()["items"]]


UNKNOWN_PARAMETERS = [
    "entity[$ne]=x",
    "source[$regex]=.*",
    "label[$regex]=.*",
    "status[$ne]=failed",
    "language[$exists]=true",
    "q[$gt]=",
    "published_from[$gt]=",
    "$where=sleep(1000)",
    'filter={"$where": "sleep(1000)"}',
]


@pytest.mark.parametrize("parameter", UNKNOWN_PARAMETERS)
@pytest.mark.parametrize("listing", ["/v1/articles", "/v1/entities"])
async def test_operator_shaped_parameter_names_are_422_naming_them(
    query: httpx.AsyncClient, listing: str, parameter: str
) -> None:
    response = await query.get(f"{listing}?limit=50&{parameter}", headers=READ)
    assert_safe_error(response, 422)
    assert parameter.split("=", 1)[0] in response.json()["detail"]


OPERATOR_VALUES = ['{"$gt": ""}', '{"$ne": null}', ".*", "^", "(a+)+$", '{"$where": "sleep(1000)"}', "$where", "\\"]
ARTICLE_PARAMETERS = [
    "q",
    "entity",
    "label",
    "source",
    "language",
    "status",
    "published_from",
    "published_to",
    "sort",
    "cursor",
    "limit",
]


@pytest.mark.parametrize("value", OPERATOR_VALUES)
@pytest.mark.parametrize("parameter", ARTICLE_PARAMETERS)
async def test_operator_and_pattern_values_in_article_parameters_are_literal_or_422(
    query: httpx.AsyncClient, parameter: str, value: str
) -> None:
    started = time.monotonic()
    status, ids = await _ids(query, "/v1/articles", **{parameter: value})
    assert time.monotonic() - started < 5
    assert status in (200, 400, 422)
    if status == 200 and parameter == "q":
        # The words of the value, searched as words: the same answer as for those words alone.
        assert (status, ids) == await _ids(query, "/v1/articles", q=" ".join(terms(value)))
    elif status == 200:
        assert ids == [], f"{parameter}={value} matched articles"


@pytest.mark.parametrize("value", OPERATOR_VALUES)
@pytest.mark.parametrize("parameter", ["q", "label", "published_from", "published_to", "cursor", "limit"])
async def test_operator_and_pattern_values_in_entity_parameters_are_literal_or_422(
    query: httpx.AsyncClient, parameter: str, value: str
) -> None:
    status, ids = await _ids(query, "/v1/entities", **{parameter: value})
    assert status in (200, 400, 422)
    if status == 200:
        assert ids == [], f"{parameter}={value} matched entities"


@pytest.mark.parametrize("value", OPERATOR_VALUES)
async def test_operator_and_pattern_values_in_paths_are_422(query: httpx.AsyncClient, value: str) -> None:
    for template in ("/v1/articles/{}", "/v1/entities/{}", "/v1/entities/{}/related", "/v1/entities/person:{}"):
        response = await query.get(template.format(httpx.URL(value).raw_path.decode()), headers=READ)
        assert response.status_code in (404, 422), (template, value)
        assert_safe_error(response)
    for fields in (value, f"title,{value}", "_id", "search_terms"):
        response = await query.get(f"/v1/articles/{ARTICLE_ID}", params={"fields": fields}, headers=READ)
        assert_safe_error(response, 422)


@pytest.mark.parametrize(
    "params",
    [
        {"source": "\x00"},
        {"source": "Reuters\x00"},
        {"q": "\x00"},
        {"q": "talks\x00"},
        {"published_from": "9999-12-31T23:59:59-14:00"},
        {"published_to": "0001-01-01T00:00:00+14:00"},
        {"published_from": "0001-01-01T00:00:00+14:00"},
        {"published_from": "99999-01-01"},
    ],
)
async def test_nul_bytes_broken_text_and_extreme_dates_never_reach_the_database_as_errors(
    query: httpx.AsyncClient, params: dict[str, str]
) -> None:
    for listing in ("/v1/articles", "/v1/entities"):
        status, ids = await _ids(query, listing, **params)
        assert status in (200, 422), (listing, params, status)
        if "source" in params and listing == "/v1/articles":  # no source has a NUL in it
            assert ids == []


async def test_invalid_utf8_in_the_query_string_is_not_a_server_error(query: httpx.AsyncClient) -> None:
    for raw in ("source=%ff%fe", "q=%c3%28", "entity=gpe:%ff", "cursor=%ff"):
        response = await query.get(f"/v1/articles?{raw}", headers=READ)
        assert response.status_code in (200, 400, 422), raw
        if response.status_code == 200:
            assert response.json()["items"] == [], raw
        else:
            assert_safe_error(response)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/v1/articles", {"limit": "101"}),
        ("/v1/articles", {"limit": "0"}),
        ("/v1/articles", {"limit": "-1"}),
        ("/v1/articles", {"limit": "1e9"}),
        ("/v1/articles", {"q": "word " * 41}),
        ("/v1/articles", {"q": "w" * 201}),
        ("/v1/articles", {"q": " ".join(f"w{i}" for i in range(21))}),
        ("/v1/articles", {"cursor": "c" * 513}),
        ("/v1/articles", {"entity": [f"gpe:e{i}" for i in range(11)]}),
        ("/v1/articles", {"source": "s" * 301}),
        ("/v1/entities", {"limit": "101"}),
        ("/v1/entities", {"q": "q" * 101}),
        ("/v1/entities", {"cursor": "c" * 513}),
        (f"/v1/entities/{ENTITY_ID}/related", {"limit": "101"}),
        (f"/v1/entities/{ENTITY_ID}/related", {"min_shared": "1001"}),
        (f"/v1/articles/{ARTICLE_ID}", {"fields": "title," * 100}),
    ],
)
async def test_query_parameters_have_limits(query: httpx.AsyncClient, url: str, params: dict[str, Any]) -> None:
    assert_safe_error(await query.get(url, params=params, headers=READ), 422)


async def test_a_tampered_cursor_is_400(query: httpx.AsyncClient) -> None:
    for listing in ("/v1/articles", "/v1/entities"):
        cursor = (await query.get(listing, params={"limit": 2}, headers=READ)).json()["next_cursor"]
        assert cursor
        payload, _, signature = cursor.rpartition(".")
        flipped = ("A" if payload[0] != "A" else "B") + payload[1:]
        for bad in (f"{flipped}.{signature}", f"{payload}.{signature[::-1]}", f"{payload}.", "x" * 512, "."):
            response = await query.get(listing, params={"limit": 2, "cursor": bad}, headers=READ)
            assert_safe_error(response, 400)


# --- rate limit ----------------------------------------------------------------------------------------------


async def test_rate_limit_answers_429_with_retry_after_then_recovers(broker_url: str) -> None:
    async with serving(create_ingest(ingest_settings(broker_url, rate_limit="5/second"))) as limited:
        invalid = json.dumps({"title": "", "body": "x"})  # counted like any request, and queues nothing
        for _ in range(5):
            assert (await limited.post("/v1/articles", content=invalid, headers=write())).status_code == 422
        refused = await limited.post("/v1/articles", json=ARTICLE, headers=write())
        assert_safe_error(refused, 429)
        retry_after = int(refused.headers["Retry-After"])
        assert retry_after == 1  # the window is one second
        batch = await limited.post("/v1/articles:batch", json=[ARTICLE], headers=write())
        assert_safe_error(batch, 429)
        # Each key has its own window.
        assert (await limited.post("/v1/articles", json=ARTICLE, headers=write(OTHER_WRITE_KEY))).status_code == 202

        await asyncio.sleep(retry_after + 0.1)
        assert (await limited.post("/v1/articles", json=ARTICLE, headers=write())).status_code == 202


# --- errors: JSON, short, nothing internal ------------------------------------------------------------------


async def test_unknown_routes_and_methods_answer_json(ingest: httpx.AsyncClient, query: httpx.AsyncClient) -> None:
    for client in (ingest, query):
        assert_safe_error(await client.get("/nowhere", headers=READ), 404)
        assert_safe_error(await client.get("/v1/../../etc/passwd", headers=READ), 404)
        assert_safe_error(await client.delete("/healthz"), 405)
        assert_safe_error(await client.request("TRACE", "/healthz"), 405)
    assert_safe_error(await ingest.get("/v1/articles", headers=READ), 405)
    assert_safe_error(await query.post("/v1/articles", headers=READ, json=ARTICLE), 405)


async def test_safe_headers_on_every_answer(ingest: httpx.AsyncClient, query: httpx.AsyncClient) -> None:
    for client in (ingest, query):
        for response in (await client.get("/healthz"), await client.get("/nowhere"), await client.get("/docs")):
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "server" not in response.headers


async def test_an_unexpected_error_is_a_bare_500(broker_url: str, caplog: pytest.LogCaptureFixture) -> None:
    app = create_ingest(ingest_settings(broker_url))
    async with app.router.lifespan_context(app):

        async def explode(*_: object) -> None:
            raise RuntimeError(f"cannot reach {broker_url} from /work/main/services/ingest/publisher.py")

        app.state.publisher.publish = explode
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
            response = await client.post("/v1/articles", json=ARTICLE, headers=write())
    assert_safe_error(response, 500)
    assert response.json() == {"detail": "internal error"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "RuntimeError" in caplog.text  # the operator sees it in the log, the client does not


def test_the_servers_limits_on_request_lines_and_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    """What protects against huge or slow headers is uvicorn's configuration; pin it."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.setattr(server, "configure_logging", lambda *_: None)
    server.serve(FastAPI(), service="test", host="127.0.0.1", port=1, log_level="INFO")
    assert seen["server_header"] is False
    assert seen["h11_max_incomplete_event_size"] == server.MAX_HEADER_BYTES
    assert seen["timeout_keep_alive"] == server.KEEP_ALIVE_S


# --- keys never reach logs -----------------------------------------------------------------------------------


async def test_api_keys_never_reach_the_logs(
    broker_url: str, mongodb_url: str, query_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ingest_app = create_ingest(ingest_settings(broker_url, rate_limit="3/second"))
    query_service = create_query_app(mongodb_url, query_database)
    async with serving(ingest_app) as ingest, serving(query_service) as query:
        for key in (WRITE_KEY, READ_KEY, WRONG_KEY, OTHER_WRITE_KEY):
            for _ in range(4):  # the last ones are rate limited
                await ingest.post("/v1/articles", json=ARTICLE, headers=write(key))
            await ingest.post("/v1/articles", content=b"{bad", headers=write(key))
            await ingest.post("/v1/articles:batch", json=[ARTICLE, {"title": ""}], headers=write(key))
            for path in QUERY_READS:
                await query.get(path, headers={"X-API-Key": key})
            await query.get("/v1/articles", params={"cursor": "forged"}, headers={"X-API-Key": key})
        logged = caplog.text + "".join(repr(record.__dict__) for record in caplog.records)
    assert "article queued" in logged  # the capture did see the services' logs
    for secret in (WRITE_KEY, READ_KEY, WRONG_KEY, OTHER_WRITE_KEY, CURSOR_SECRET):
        assert secret not in logged
        assert secret not in repr(ingest_app.state.settings) + str(query_service.state.settings)


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        (f"writer:{WRITE_KEY},short:short-secret", "at least 16 characters"),
        (f"reader:{WRITE_KEY}:read,writer:{WRITE_KEY}:write", "appears twice"),
        ("spaces:secret with spaces inside", "visible ASCII"),
        ("accents:sécret-non-ascii-0123456789", "visible ASCII"),
        # The format before keys had names is refused, naming the new one.
        (WRITE_KEY, "NAME:SECRET"),
        (f"{WRITE_KEY}:write", "NAME:SECRET"),
        (f"bad name:{WRITE_KEY}", "key name"),
    ],
)
def test_a_rejected_configuration_says_why_without_printing_the_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], keys: str, reason: str
) -> None:
    monkeypatch.setenv("NEWSFLOW_RABBITMQ_URL", "amqp://user:broker-secret@localhost/")
    monkeypatch.setenv("NEWSFLOW_API_KEYS", keys)
    with pytest.raises(SystemExit):
        load_settings(IngestSettings, "ingest")
    printed = capsys.readouterr()
    assert "NEWSFLOW_API_KEYS" in printed.err and reason in printed.err
    given = [part for part in re.split("[,:]", keys) if len(part) >= len("short-secret")]  # the secrets, not names
    for secret in (*given, WRITE_KEY, "broker-secret"):
        assert secret not in printed.out + printed.err
