"""Talking to a running Newsflow over HTTP: where it is and which key to use."""

import os
import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpx

from devstack.keys import local_secret
from shared.keys import Scope, parse_api_keys

DEFAULT_INGEST_URL = "http://127.0.0.1:8001"
DEFAULT_QUERY_URL = "http://127.0.0.1:8002"


def api_key() -> str:
    """NEWSFLOW_API_KEY, else the first write key of NEWSFLOW_API_KEYS, else the local key `newsflow run` made."""
    if key := os.environ.get("NEWSFLOW_API_KEY"):
        return key
    if keys := os.environ.get("NEWSFLOW_API_KEYS"):
        parsed = parse_api_keys(keys)
        return next((key for key in parsed if key.allows(Scope.WRITE)), parsed[0]).secret
    return local_secret("api-key")


def ingest_url() -> str:
    return os.environ.get("NEWSFLOW_INGEST_URL", DEFAULT_INGEST_URL).rstrip("/")


def query_url() -> str:
    return os.environ.get("NEWSFLOW_QUERY_URL", DEFAULT_QUERY_URL).rstrip("/")


def tls_verification() -> ssl.SSLContext | bool:
    """The CA certificates NEWSFLOW_CA_BUNDLE names (e.g. compose's development CA), else the system's."""
    if bundle := os.environ.get("NEWSFLOW_CA_BUNDLE"):
        return ssl.create_default_context(cafile=bundle)
    return True


def http_client(key: str | None = None) -> httpx.Client:
    return httpx.Client(headers={"X-API-Key": key or api_key()}, timeout=60, verify=tls_verification())


def post_batch(client: httpx.Client, articles: list[dict[str, Any]], *, attempts: int = 10) -> dict[str, Any]:
    """POST /v1/articles:batch, waiting out 429 and 503 as the server's Retry-After says."""
    for _ in range(attempts):
        response = client.post(f"{ingest_url()}/v1/articles:batch", json=articles)
        if response.status_code in (429, 503):
            time.sleep(min(30, int(response.headers.get("Retry-After", "2"))))
            continue
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result
    raise httpx.HTTPError(f"ingest kept refusing the batch after {attempts} attempts")


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def wait_for_article(client: httpx.Client, article_id: str, *, timeout_s: float = 120) -> dict[str, Any]:
    """Poll the query service until the article is stored (404 until the worker wrote it)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = client.get(f"{query_url()}/v1/articles/{article_id}")
        if response.status_code == 200:
            document: dict[str, Any] = response.json()
            return document
        if response.status_code != 404:
            response.raise_for_status()
        time.sleep(0.25)
    raise TimeoutError(f"article {article_id} was not enriched within {timeout_s}s")
