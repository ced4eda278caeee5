"""The query API's entity and stats endpoints against a real MongoDB-protocol server, checked against Python."""

import math
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.query.repository import entities
from shared.documents import ArticleDocument
from tests.integration.query_app import all_pages, drop, query_settings, serving, store, stored
from tests.integration.query_data import RECEIVED_FROM, Cast, article_id, corpus, entity, seed_article

pytestmark = pytest.mark.integration

DOCS = corpus(240)
SEED = seed_article(RECEIVED_FROM - timedelta(days=1))
ALL = [*DOCS, SEED]


@pytest.fixture(scope="module")
async def client(mongodb_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        stored(mongodb_url, "newsflow_query", ALL) as name,
        serving(query_settings(mongodb_url, name)) as (_, served),
    ):
        yield served


def seen(doc: ArticleDocument) -> datetime:
    return doc.published_at or doc.received_at


def ranked_entities(
    docs: list[ArticleDocument],
    *,
    label: str | None = None,
    prefix: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> list[tuple[str, int]]:
    """Entities by articles; with `first`/`last`, only articles of those days (published, else received)."""

    def named(names: list[str]) -> bool:
        return prefix is None or any(name.casefold().startswith(prefix.casefold()) for name in names)

    counts = Counter(
        found.id
        for doc in docs
        if (first is None or seen(doc).date() >= first) and (last is None or seen(doc).date() <= last)
        for found in doc.entities
        if (label is None or found.label == label) and named([found.name, *found.aliases])
    )
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def with_entity(entity_id: str, docs: list[ArticleDocument] = ALL) -> list[ArticleDocument]:
    return [doc for doc in docs if any(found.id == entity_id for found in doc.entities)]


# --- /v1/entities --------------------------------------------------------------------------------------------


async def test_entities_are_ranked_by_article_count_across_pages(client: httpx.AsyncClient) -> None:
    items = await all_pages(client, "/v1/entities", {"limit": 7})
    assert [(item["id"], item["articles"]) for item in items] == ranked_entities(ALL)
    by_id = {item["id"]: item for item in items}
    assert by_id["person:qin-gang"] == {
        "id": "person:qin-gang",
        "name": "Qin Gang",
        "label": "PERSON",
        "aliases": ["Qin"],
        "articles": len(with_entity("person:qin-gang")),
    }
    assert by_id["gpe:united-states"]["aliases"] == ["US", "USA"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"label": "PERSON"}, {"label": "PERSON"}),
        ({"label": "NORP"}, {"label": "NORP"}),
        ({"q": "merk"}, {"prefix": "merk"}),  # only the alias "Merkel" starts so
        ({"q": "QIN"}, {"prefix": "qin"}),
        ({"q": "qin g"}, {"prefix": "qin g"}),
        ({"q": "zur"}, {"prefix": "zur"}),  # the alias "Zurich"
        ({"q": "ZÜR"}, {"prefix": "zür"}),  # the name "Zürich"
        ({"q": "united"}, {"prefix": "united"}),
        ({"q": "u", "label": "ORG"}, {"prefix": "u", "label": "ORG"}),
        (
            {"published_from": "2023-06-01", "published_to": "2023-07-01"},
            # A date alone as the end includes that day: 31 days, the most a ranking covers.
            {"first": date(2023, 6, 1), "last": date(2023, 7, 1)},
        ),
        (
            {"published_from": "2023-06-01T18:00:00Z", "published_to": "2023-06-03T06:00:00Z"},
            {"first": date(2023, 6, 1), "last": date(2023, 6, 3)},
        ),
        # A start alone covers the 31 days from it on; an end alone the 31 days before it.
        (
            {"q": "ch", "published_from": "2023-03-17"},
            {"prefix": "ch", "first": date(2023, 3, 17), "last": date(2023, 4, 16)},
        ),
        (
            {"label": "GPE", "published_to": "2023-05-01"},
            {"label": "GPE", "first": date(2023, 3, 31), "last": date(2023, 4, 30)},
        ),
    ],
)
async def test_entity_filters(client: httpx.AsyncClient, params: dict[str, Any], expected: dict[str, Any]) -> None:
    items = await all_pages(client, "/v1/entities", params | {"limit": 5})
    wanted = ranked_entities(ALL, **expected)
    assert wanted
    assert [(item["id"], item["articles"]) for item in items] == wanted


@pytest.mark.parametrize("prefix", [".*", "(", "[a-z]", "\\", "^Q", "$where", "qin|china"])
async def test_entity_prefix_is_literal_text(client: httpx.AsyncClient, prefix: str) -> None:
    response = await client.get("/v1/entities", params={"q": prefix})
    assert (response.status_code, response.json()["items"]) == (200, [])


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "label=person",
        "q=" + "x" * 101,
        "q=",
        "published_to=soon",
        "label[$ne]=x&label=$ne",
        "published_from=2023-06-01&published_to=2023-07-02",  # 32 days
        "published_from=2023-06-01&published_to=2023-08-01",
    ],
)
async def test_invalid_entity_parameters_are_422(client: httpx.AsyncClient, query: str) -> None:
    assert (await client.get(f"/v1/entities?{query}")).status_code == 422


async def test_entity_cursors_are_checked(client: httpx.AsyncClient) -> None:
    cursor = (await client.get("/v1/entities", params={"limit": 3})).json()["next_cursor"]
    articles_cursor = (await client.get("/v1/articles", params={"limit": 3})).json()["next_cursor"]
    for bad in (articles_cursor, "Z" + cursor[1:] if cursor[0] != "Z" else "Y" + cursor[1:], "garbage"):
        response = await client.get("/v1/entities", params={"limit": 3, "cursor": bad})
        assert response.status_code == 400
    other = await client.get("/v1/entities", params={"limit": 3, "label": "GPE", "cursor": cursor})
    assert other.status_code == 400


# --- /v1/entities/{id} ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity_id", ["gpe:china", "person:qin-gang", "gpe:beijing", "law:gdpr"])
async def test_entity_detail(client: httpx.AsyncClient, entity_id: str) -> None:
    response = await client.get(f"/v1/entities/{entity_id}")
    assert response.status_code == 200
    detail = response.json()
    docs = with_entity(entity_id)
    mentioned = next(found for found in docs[0].entities if found.id == entity_id)
    assert detail["id"] == entity_id
    assert (detail["name"], detail["label"], detail["aliases"]) == (mentioned.name, mentioned.label, mentioned.aliases)
    assert detail["articles"] == len(docs)
    assert date.fromisoformat(detail["first_seen"]) == min(seen(doc).date() for doc in docs)
    assert date.fromisoformat(detail["last_seen"]) == max(seen(doc).date() for doc in docs)
    assert detail["mentions"] == sum(found.count for doc in docs for found in doc.entities if found.id == entity_id)
    assert {row["name"]: row["articles"] for row in detail["names"]} == dict(
        Counter(
            name
            for doc in docs
            for found in doc.entities
            if found.id == entity_id
            for name in {found.name, *found.aliases}
        )
    )
    days = Counter(seen(doc).date().isoformat() for doc in docs)
    assert [row["day"] for row in detail["recent_days"]][-1] == detail["last_seen"]
    assert all(row["articles"] == days[row["day"]] for row in detail["recent_days"])
    newest = sorted(docs, key=lambda doc: (doc.received_at, doc.id), reverse=True)[:5]
    assert [item["id"] for item in detail["recent_articles"]] == [doc.id for doc in newest]


async def test_seed_entity_detail(client: httpx.AsyncClient) -> None:
    detail = (await client.get("/v1/entities/gpe:beijing")).json()
    assert detail["articles"] == 1
    assert detail["first_seen"] == detail["last_seen"] == "2023-03-17"
    assert [item["id"] for item in detail["recent_articles"]] == [SEED.id]


async def test_unknown_or_malformed_entity(client: httpx.AsyncClient) -> None:
    for path in ("/v1/entities/person:nobody", "/v1/entities/person:nobody/related"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": "entity person:nobody not found"})
    for bad in ("Person:qin-gang", "qin-gang", "person:qin gang", "person:" + "x" * 101, "$ne:1"):
        assert (await client.get(f"/v1/entities/{bad}")).status_code == 422, bad
        assert (await client.get(f"/v1/entities/{bad}/related")).status_code == 422, bad


# --- /v1/entities/{id}/related -------------------------------------------------------------------------------

ALICE = Cast("person:alice", "Alice", "PERSON", ("Ally",))
BUREAU = Cast("org:bureau", "Bureau", "ORG")
CARTHAGE = Cast("gpe:carthage", "Carthage", "GPE")
DELPHI = Cast("gpe:delphi", "Delphi", "GPE")
ELBA = Cast("loc:elba", "Elba", "LOC")
FERMAT = Cast("person:fermat", "Fermat", "PERSON")


def small(n: int, cast: tuple[Cast, ...], *, status: str = "enriched") -> ArticleDocument:
    title = " and ".join(member.name for member in cast) or "Nothing to see"
    body = f"{title} met on Thursday."
    common = {
        "id": article_id(n, "related"),
        "title": title,
        "body": body,
        "content_hash": f"{n:064x}",
        "received_at": RECEIVED_FROM + timedelta(minutes=n),
    }
    if status == "failed":
        return ArticleDocument(status="failed", error="dead-lettered", **common)
    return ArticleDocument(
        status="enriched", entities=[entity(member, title, body, 0.5) for member in cast], language="en", **common
    )


async def test_co_occurrence_ranking_on_a_hand_checked_case(mongodb_url: str, database_name: str) -> None:
    """Six enriched articles (N = 6) and one failed, which counts for nothing:

        a1: Alice Bureau Carthage   a2: Alice Bureau   a3: Alice Delphi Fermat
        a4: Bureau Carthage         a5: Delphi         a6: Elba              a7: failed

    articles(Alice) = 3; Bureau 3, Carthage 2, Delphi 2, Fermat 1.
    shared with Alice: Bureau 2 (a1, a2), Carthage 1 (a1), Delphi 1 (a3), Fermat 1 (a3); Elba none.
    lift = shared * N / (articles(Alice) * articles(other)):
        Bureau 2*6/(3*3) = 1.3333, Carthage 1*6/(3*2) = 1.0, Delphi 1*6/(3*2) = 1.0, Fermat 1*6/(3*1) = 2.0
    """
    articles = [
        small(1, (ALICE, BUREAU, CARTHAGE)),
        small(2, (ALICE, BUREAU)),
        small(3, (ALICE, DELPHI, FERMAT)),
        small(4, (BUREAU, CARTHAGE)),
        small(5, (DELPHI,)),
        small(6, (ELBA,)),
        small(7, (), status="failed"),
    ]
    await store(mongodb_url, database_name, articles)
    try:
        async with serving(query_settings(mongodb_url, database_name)) as (_, client):
            by_count = (await client.get("/v1/entities/person:alice/related")).json()
            by_lift = (await client.get("/v1/entities/person:alice/related", params={"sort": "lift"})).json()
            frequent = (await client.get("/v1/entities/person:alice/related", params={"min_shared": 2})).json()
            top = (await client.get("/v1/entities/person:alice/related", params={"sort": "lift", "limit": 1})).json()
            fermat = (await client.get("/v1/entities/person:fermat/related", params={"sort": "lift"})).json()
            alice = (await client.get("/v1/entities/person:alice")).json()
            stats = (await client.get("/v1/stats")).json()
    finally:
        await drop(mongodb_url, database_name)

    assert (by_count["entity"], by_count["articles"], by_count["total_articles"]) == ("person:alice", 3, 6)
    rows = [(item["id"], item["shared_articles"], item["articles"], item["lift"]) for item in by_count["items"]]
    assert rows == [
        ("org:bureau", 2, 3, 1.3333),
        ("gpe:carthage", 1, 2, 1.0),
        ("gpe:delphi", 1, 2, 1.0),
        ("person:fermat", 1, 1, 2.0),
    ]
    assert [item["id"] for item in by_lift["items"]] == ["person:fermat", "org:bureau", "gpe:carthage", "gpe:delphi"]
    assert [item["id"] for item in frequent["items"]] == ["org:bureau"]
    assert [item["id"] for item in top["items"]] == ["person:fermat"]
    assert by_count["items"][0] | {"name": "Bureau", "label": "ORG"} == by_count["items"][0]
    # Fermat appears once, with Alice and Delphi: 1*6/(1*3) = 2.0 and 1*6/(1*2) = 3.0.
    assert [(item["id"], item["lift"]) for item in fermat["items"]] == [("gpe:delphi", 3.0), ("person:alice", 2.0)]
    assert (alice["articles"], alice["aliases"]) == (3, ["Ally"])
    assert stats["total"] == 7
    assert {row["value"]: row["count"] for row in stats["by_label"]} == {"PERSON": 3, "ORG": 3, "GPE": 4, "LOC": 1}


async def test_related_on_the_corpus_matches_the_formula(client: httpx.AsyncClient) -> None:
    response = (await client.get("/v1/entities/gpe:china/related", params={"limit": 100})).json()
    china = with_entity("gpe:china")
    total = sum(doc.status == "enriched" for doc in ALL)
    shared = Counter(found.id for doc in china for found in doc.entities if found.id != "gpe:china")
    expected = sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))
    assert [(item["id"], item["shared_articles"]) for item in response["items"]] == expected
    for item in response["items"]:
        articles = len(with_entity(item["id"]))
        assert item["articles"] == articles
        assert math.isclose(item["lift"], item["shared_articles"] * total / (len(china) * articles), abs_tol=1e-4)
    lifts = [
        item["lift"]
        for item in (await client.get("/v1/entities/gpe:china/related", params={"sort": "lift"})).json()["items"]
    ]
    assert lifts == sorted(lifts, reverse=True)
    assert (await client.get("/v1/entities/gpe:china/related", params={"sort": "pmi"})).status_code == 422
    assert (await client.get("/v1/entities/gpe:china/related", params={"min_shared": 0})).status_code == 422


# --- /v1/stats -----------------------------------------------------------------------------------------------


async def test_stats_count_by_status_language_source_and_label(client: httpx.AsyncClient) -> None:
    stats = (await client.get("/v1/stats")).json()
    assert stats["total"] == len(ALL)
    for key, values in (
        ("by_status", Counter(doc.status for doc in ALL)),
        ("by_language", Counter(doc.language for doc in ALL)),
        ("by_source", Counter(doc.source for doc in ALL)),
        ("by_label", Counter(label for doc in ALL for label in {found.label for found in doc.entities})),
    ):
        assert {row["value"]: row["count"] for row in stats[key]} == dict(values), key
        counts = [row["count"] for row in stats[key]]
        assert counts == sorted(counts, reverse=True)


async def test_entities_whose_ids_keep_non_ascii_letters_can_be_filtered_and_looked_up(mongodb_url: str) -> None:
    """Slugs drop accents but keep letters with no ASCII form ("Łukasz" -> "łukasz"); those ids must work too."""
    names = {
        "person:łukasz-kowalski": "Łukasz Kowalski",
        "gpe:nuku\u02bbalofa": "Nuku\u02bbalofa",  # a modifier letter, not an apostrophe
        "gpe:tromsø": "Tromsø",
    }
    body = "Łukasz Kowalski flew from Tromsø to Nuku\u02bbalofa on Monday."
    base = seed_article(RECEIVED_FROM)
    doc = base.model_copy(
        update={
            "id": article_id(1, "unicode-ids"),
            "body": body,
            "entities": [
                entity(Cast(identifier, name, "PERSON" if identifier.startswith("person") else "GPE"), "", body, 1.0)
                for identifier, name in names.items()
            ],
        }
    )
    async with (
        stored(mongodb_url, "newsflow_query", [doc]) as name,
        serving(query_settings(mongodb_url, name)) as (_, served),
    ):
        for identifier, display in names.items():
            listed = await served.get("/v1/articles", params={"entity": identifier})
            assert listed.status_code == 200, listed.text
            assert [item["id"] for item in listed.json()["items"]] == [doc.id]
            detail = await served.get(f"/v1/entities/{identifier}")
            assert detail.status_code == 200, detail.text
            assert detail.json()["name"] == display


@pytest.mark.parametrize(
    ("walk", "judged"),
    [(entities.PREFIX_WALK, entities.PREFIX_JUDGED), (2, entities.PREFIX_JUDGED), (entities.PREFIX_WALK, 1)],
    ids=["walk", "walk-ends", "judged-rare"],
)
@pytest.mark.parametrize("prefix", ["c", "Q", "un", "z", "u"])
async def test_a_short_prefix_ranks_the_same_however_it_is_read(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, walk: int, judged: int, prefix: str
) -> None:
    """A one- or two-character prefix is looked for among the most frequent entities first; when the walk ends
    before a page is full, or its share of matches says it would, every entity the prefix matches is read
    instead: the ranking is the same."""
    monkeypatch.setattr(entities, "PREFIX_WALK", walk)
    monkeypatch.setattr(entities, "PREFIX_JUDGED", judged)
    items = await all_pages(client, "/v1/entities", {"q": prefix, "limit": 3})
    assert [(item["id"], item["articles"]) for item in items] == ranked_entities(ALL, prefix=prefix)
