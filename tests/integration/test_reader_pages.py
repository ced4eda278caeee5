"""The web reader's pages over ASGI against a real MongoDB-protocol server: access, headers, the marked text,
facets and paging. The browser tests (tests/browser) drive the same pages in Chromium on the real stack."""

import re
from collections import Counter
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from devstack.keys import READ_KEY
from services.query.deps import get_repository
from tests.integration.query_app import linked, query_settings, serving, stored, unreachable_repository
from tests.integration.query_data import RECEIVED_FROM, corpus, seed_article

pytestmark = pytest.mark.integration

DOCS = corpus(60, seed=19, namespace="reader")
SEED = linked(seed_article(RECEIVED_FROM))
ALL = [*DOCS, SEED]
PAGES = ("/", "/overview", f"/articles/{SEED.id}", "/entities/gpe:china")


@pytest.fixture(scope="module")
async def database(mongodb_url: str) -> AsyncIterator[str]:
    async with stored(mongodb_url, "newsflow_reader", ALL) as name:
        yield name


@pytest.fixture(scope="module")
async def anonymous(mongodb_url: str, database: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser without the key cookie yet (the ASGI client's address, 127.0.0.1, is the trusted proxy)."""
    async with serving(query_settings(mongodb_url, database, forwarded_allow_ips="127.0.0.1")) as (_, client):
        del client.headers["X-API-Key"]
        yield client


@pytest.fixture
async def reader(anonymous: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in through the key page; signed out afterwards."""
    answer = await anonymous.post("/key", data={"key": READ_KEY, "next": "/"})
    assert answer.status_code == 303
    yield anonymous
    anonymous.cookies.clear()


class Marks(HTMLParser):
    """The `<mark>` elements of a page: their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mark":
            self._open, self._text = dict(attrs), ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._open is not None:
            self.found.append((self._open, self._text))
            self._open = None


def marks_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = Marks()
    parser.feed(html)
    return parser.found


async def test_pages_without_a_key_redirect_to_the_key_page(anonymous: httpx.AsyncClient) -> None:
    for path in PAGES:
        answer = await anonymous.get(path, params={"q": "talks"} if path == "/" else None)
        assert answer.status_code == 303, path
        location = urlsplit(answer.headers["location"])
        assert location.path == "/key"
        expected = path + ("?q=talks" if path == "/" else "")
        assert parse_qs(location.query).get("next", ["/"]) == [expected]


async def test_a_wrong_key_is_refused_with_a_message_and_no_cookie(anonymous: httpx.AsyncClient) -> None:
    answer = await anonymous.post("/key", data={"key": "nope", "next": "/overview"})
    assert answer.status_code == 401
    assert "That key is not valid for reading" in answer.text
    assert 'value="/overview"' in answer.text  # asked again, for the same page
    assert "set-cookie" not in answer.headers


async def test_signing_in_keeps_the_key_in_a_strict_http_only_cookie(anonymous: httpx.AsyncClient) -> None:
    answer = await anonymous.post("/key", data={"key": READ_KEY, "next": "/overview"})
    assert answer.status_code == 303 and answer.headers["location"] == "/overview"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # served over plain HTTP
    assert (await anonymous.get("/overview")).status_code == 200
    out = await anonymous.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/key"
    assert (await anonymous.get("/overview")).status_code == 303


async def test_the_cookie_is_secure_behind_the_trusted_tls_proxy_only(
    anonymous: httpx.AsyncClient, mongodb_url: str, database: str
) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    answer = await anonymous.post("/key", data={"key": READ_KEY}, headers=forwarded)
    assert "secure" in answer.headers["set-cookie"].lower()
    anonymous.cookies.clear()
    async with serving(query_settings(mongodb_url, database)) as (_, untrusting):
        answer = await untrusting.post("/key", data={"key": READ_KEY}, headers=forwarded)
        assert "secure" not in answer.headers["set-cookie"].lower()


async def test_sign_in_goes_only_to_this_site_and_only_from_its_own_pages(anonymous: httpx.AsyncClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        answer = await anonymous.post("/key", data={"key": READ_KEY, "next": target})
        assert answer.headers["location"] == "/", target
    anonymous.cookies.clear()
    foreign = await anonymous.post("/key", data={"key": READ_KEY}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "set-cookie" not in foreign.headers


async def test_the_api_takes_the_key_from_the_cookie_on_get(reader: httpx.AsyncClient) -> None:
    answer = await reader.get(f"/v1/articles/{SEED.id}")
    assert answer.status_code == 200 and answer.json()["id"] == SEED.id
    reader.cookies.clear()
    assert (await reader.get(f"/v1/articles/{SEED.id}")).status_code == 401


async def test_pages_carry_a_strict_policy_and_no_inline_script_or_style(reader: httpx.AsyncClient) -> None:
    for path in PAGES:
        answer = await reader.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"].startswith("text/html")
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)", answer.text), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", answer.text), path
        assert '"includeIndicatorStyles": false' in answer.text


async def test_pages_stay_out_of_the_openapi_document_and_take_any_parameter(reader: httpx.AsyncClient) -> None:
    paths = (await reader.get("/openapi.json")).json()["paths"]
    assert not {"/", "/key", "/logout", "/overview"} & set(paths)
    assert not any(path.startswith(("/articles", "/entities")) for path in paths)
    assert (await reader.get("/", params={"utm_source": "mail"})).status_code == 200
    assert (await reader.get("/v1/articles", params={"utm_source": "mail"})).status_code == 422


async def test_the_article_marks_every_mention_at_its_offsets(reader: httpx.AsyncClient) -> None:
    html = (await reader.get(f"/articles/{SEED.id}")).text
    marks = {
        (attrs["data-field"], int(attrs["data-start"] or 0)): (attrs["data-entity"], text)
        for attrs, text in marks_of(html)
        if attrs.get("data-field")
    }
    expected = {
        (mention.field, mention.start): (entity.corpus_id or entity.id, mention.text)
        for entity in SEED.entities
        for mention in entity.mentions
    }
    assert marks == expected
    for (field, start), (_, text) in marks.items():
        assert getattr(SEED, field or "")[start : start + len(text)] == text
    assert SEED.summary is not None
    first = SEED.summary.sentences[0]
    assert '<span class="in-summary">' in html
    assert SEED.body[first.start : first.start + 30] in re.sub(r"<[^>]+>", "", html)
    for keyword in SEED.keywords:
        assert keyword.text in html
    assert f'href="/v1/articles/{SEED.id}"' in html


async def test_search_facets_are_counted_over_the_newest_matches_and_narrow_the_search(
    reader: httpx.AsyncClient,
) -> None:
    html = (await reader.get("/", params={"source": "Reuters"})).text
    reuters = [doc for doc in ALL if doc.source == "Reuters"]
    assert f"Counted over all {len(reuters)} matches." in html
    assert 'aria-label="Remove source: Reuters"' in html and 'href="/"' in html
    labels = {label for doc in reuters for label in {entity.label for entity in doc.entities}}
    for label in labels:
        assert f'href="/?source=Reuters&amp;label={label}"' in html
    top = Counter(entity for doc in reuters for entity in linked(doc).corpus_entities).most_common(1)[0][0]
    assert f'href="/?source=Reuters&amp;entity={top.replace(":", "%3A")}"' in html
    years = {doc.published_at.year for doc in reuters if doc.published_at is not None}
    for year in years:
        assert f"published_from={year}-01-01&amp;published_to={year}-12-31" in html
    narrowed = await reader.get("/", params={"source": "Reuters", "entity": "gpe:china"})
    china = [doc for doc in reuters if "gpe:china" in linked(doc).corpus_entities]
    assert narrowed.text.count('class="result"') == min(len(china), 20)


async def test_more_results_page_through_every_match_with_and_without_htmx(reader: httpx.AsyncClient) -> None:
    seen: list[str] = []
    url: str | None = "/"
    while url is not None:
        html = (await reader.get(url)).text
        seen += re.findall(r'<h2><a href="/articles/([0-9a-f]{16})">', html)
        found = re.search(r'<a href="([^"]+)" hx-get=', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [doc.id for doc in sorted(ALL, key=lambda doc: (doc.received_at, doc.id), reverse=True)]
    first = (await reader.get("/")).text
    cursor_url = re.search(r'<a href="([^"]+)" hx-get=', first)
    assert cursor_url is not None
    partial = await reader.get(cursor_url.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert "<html" not in partial.text and 'hx-swap-oob="true"' in partial.text
    assert partial.text.count('class="result"') == 20
    assert partial.headers["vary"] == "HX-Request"


async def test_bad_searches_and_unknown_ids_answer_pages_with_a_reason(reader: httpx.AsyncClient) -> None:
    bad = await reader.get("/", params={"published_from": "yesterday"})
    assert bad.status_code == 422 and "The search could not run" in bad.text
    assert (await reader.get("/", params={"cursor": "forged"})).status_code == 400
    missing = await reader.get("/articles/0123456789abcdef")
    assert missing.status_code == 404 and "No article has the id" in missing.text
    assert (await reader.get("/entities/person:nobody-at-all")).status_code == 404


async def test_the_entity_page_draws_its_weeks_with_a_text_alternative(reader: httpx.AsyncClient) -> None:
    html = (await reader.get("/entities/gpe:china")).text
    china = [doc for doc in ALL if "gpe:china" in linked(doc).corpus_entities]
    assert f">{len(china)}</a></dd>" in html
    assert 'role="img"' in html and '<desc id="svg-desc">' in html
    bars = re.findall(r'<rect class="bar"', html)
    rows = re.findall(r"<tr><td>\d{4}-\d{2}-\d{2}</td>", html)
    assert len(bars) == len(rows) == 26
    assert "Related by shared articles" in html and "Related by lift" in html


async def test_public_reads_need_no_key_page(mongodb_url: str, database: str) -> None:
    async with serving(query_settings(mongodb_url, database, public_reads=True)) as (_, client):
        del client.headers["X-API-Key"]
        for path in PAGES:
            assert (await client.get(path)).status_code == 200, path
        assert (await client.get("/key")).status_code == 303
        assert "Sign out" not in (await client.get("/")).text


async def test_a_reader_over_the_read_rate_gets_an_error_page_saying_when_to_retry(
    mongodb_url: str, database: str
) -> None:
    async with serving(query_settings(mongodb_url, database, public_reads=True, read_rate_limit="2/minute")) as (
        _,
        client,
    ):
        answers = [await client.get("/overview") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"].startswith("text/html")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "<h1>Error 429</h1>" in refused.text and "rate limit" in refused.text


async def test_pages_answer_an_error_page_when_the_database_does_not(mongodb_url: str, database: str) -> None:
    async with (
        unreachable_repository() as repository,
        serving(query_settings(mongodb_url, database, public_reads=True)) as (app, client),
    ):
        app.dependency_overrides[get_repository] = lambda: repository
        answers = {path: await client.get(path) for path in PAGES}
    for path, answer in answers.items():
        assert answer.status_code == 503, (path, answer.status_code)
        assert answer.headers["content-type"].startswith("text/html"), path
        assert answer.headers["retry-after"] == "5", path
        assert "not answering" in answer.text, path
