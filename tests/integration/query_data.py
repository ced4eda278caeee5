"""Deterministic, varied enriched articles for the query-service tests, and the seed article built by hand.

`corpus(n, seed)` writes the same articles on every run: several sources and languages, failed articles,
missing publication dates, received times that tie (so `_id` decides), accented words, and entity sets
drawn from a fixed cast with aliases. The documents are valid `ArticleDocument`s with real offsets.
"""

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from devstack.workspace import SEED_ARTICLE
from shared.documents import (
    ArticleDocument,
    Entity,
    EntityLabel,
    Keyword,
    Mention,
    Pipeline,
    Summary,
    SummarySentence,
    TextStats,
)

RECEIVED_FROM = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
PIPELINE = Pipeline(version="1", model="en_core_web_sm", model_version="3.8.0", worker="worker-1")


@dataclass(frozen=True)
class Cast:
    id: str
    name: str
    label: EntityLabel
    aliases: tuple[str, ...] = ()


CAST = (
    Cast("person:qin-gang", "Qin Gang", "PERSON", ("Qin",)),
    Cast("person:dmytro-kuleba", "Dmytro Kuleba", "PERSON", ("Kuleba",)),
    Cast("person:antony-blinken", "Antony Blinken", "PERSON", ("Blinken",)),
    Cast("person:angela-merkel", "Angela Merkel", "PERSON", ("Merkel",)),
    Cast("person:pedro-sanchez", "Pedro Sánchez", "PERSON", ("Sánchez",)),
    Cast("person:emmanuel-macron", "Emmanuel Macron", "PERSON", ("Macron",)),
    Cast("gpe:china", "China", "GPE"),
    Cast("gpe:ukraine", "Ukraine", "GPE"),
    Cast("gpe:russia", "Russia", "GPE"),
    Cast("gpe:france", "France", "GPE"),
    Cast("gpe:spain", "Spain", "GPE"),
    Cast("gpe:united-states", "United States", "GPE", ("US", "USA")),
    Cast("gpe:zurich", "Zürich", "GPE", ("Zurich",)),
    Cast("org:united-nations", "United Nations", "ORG", ("UN",)),
    Cast("org:european-union", "European Union", "ORG", ("EU",)),
    Cast("org:nato", "NATO", "ORG"),
    Cast("org:world-health-organization", "World Health Organization", "ORG", ("WHO",)),
    Cast("loc:alps", "Alps", "LOC"),
    Cast("norp:ukrainian", "Ukrainian", "NORP"),
    Cast("event:world-cup", "World Cup", "EVENT"),
    Cast("product:iphone", "iPhone", "PRODUCT"),
    Cast("law:gdpr", "GDPR", "LAW"),
    Cast("fac:eiffel-tower", "Eiffel Tower", "FAC"),
)
# Weighted so rankings have a clear head and a long tail.
WEIGHTS = (9, 5, 3, 4, 2, 3, 12, 10, 6, 5, 4, 7, 2, 6, 5, 4, 2, 1, 2, 2, 1, 1, 1)

SOURCES = ("Reuters", "AP", "BBC News", "Le Monde", "El País", "Wikinews", "China Daily", None)
LANGUAGES = ("en", "en", "en", "fr", "es", "de")
TOPICS = (
    "trade talks",
    "climate summit",
    "peace talks",
    "energy prices",
    "football final",
    "privacy rules",
    "vaccine supply",
    "election campaign",
    "mountain rescue",
    "smartphone launch",
)
COLOUR = ("Café owners in Zürich", "A naïve proposal", "The São Paulo delegation", "Officials in Málaga", "Analysts")


def article_id(n: int, namespace: str = "corpus") -> str:
    return hashlib.sha256(f"{namespace}:{n}".encode()).hexdigest()[:16]


def mentions_of(name: str, title: str, body: str) -> list[Mention]:
    fields: tuple[tuple[Literal["title", "body"], str], ...] = (("title", title), ("body", body))
    return [
        Mention(field=field, start=match.start(), end=match.end(), text=match.group())
        for field, text in fields
        for match in re.finditer(rf"\b{re.escape(name)}\b", text)
    ]


def entity(cast: Cast, title: str, body: str, salience: float) -> Entity:
    mentions: list[Mention] = []
    for name in (cast.name, *cast.aliases):  # an alias inside a full name ("Qin" in "Qin Gang") is not another
        mentions += [
            m
            for m in mentions_of(name, title, body)
            if not any(o.field == m.field and o.start <= m.start < o.end for o in mentions)
        ]
    return Entity(
        id=cast.id,
        name=cast.name,
        label=cast.label,
        aliases=list(cast.aliases),
        count=max(1, len(mentions)),
        salience=salience,
        mentions=mentions,
    )


def summarise(body: str, sentences: int = 2) -> Summary:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", body)][:sentences]
    return Summary(
        text=" ".join(body[start:end].strip() for start, end in spans),
        sentences=[SummarySentence(start=start, end=end) for start, end in spans],
    )


def stats_of(title: str, body: str) -> TextStats:
    words = len(re.findall(r"\w+", f"{title} {body}"))
    return TextStats(words=words, sentences=body.count("."), reading_time_minutes=round(words / 230, 2))


def generated(n: int, rng: random.Random, *, namespace: str = "corpus", received_from: datetime) -> ArticleDocument:
    topic = rng.choice(TOPICS)
    cast = list(dict.fromkeys(rng.choices(CAST, weights=WEIGHTS, k=rng.randint(1, 6))))
    lead = cast[0]
    title = f"{lead.name} {rng.choice(('discusses', 'rejects', 'welcomes', 'warns on'))} {topic}"
    sentences = [f"{rng.choice(COLOUR)} followed the {topic} closely."]
    for member in cast:
        sentences.append(f"{member.name} {rng.choice(('said', 'added', 'noted'))} that the {topic} mattered.")
        if member.aliases and rng.random() < 0.5:
            sentences.append(f"{member.aliases[0]} repeated it later on Thursday.")
    body = " ".join(sentences)
    failed = rng.random() < 0.08
    # Milliseconds only (BSON dates keep no more); every fifth article shares its time with the previous one.
    tick = n - 1 if n % 5 == 4 else n
    received_at = received_from + timedelta(seconds=37 * tick, milliseconds=tick * 7919 % 1000)
    published_at = (
        None if rng.random() < 0.12 else datetime(2023, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 364))
    )
    common = {
        "id": article_id(n, namespace),
        "title": title,
        "body": body,
        "source": rng.choice(SOURCES),
        "url": f"https://news.example/{namespace}/{n}",
        "published_at": published_at,
        "content_hash": hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        "received_at": received_at,
    }
    if failed:
        return ArticleDocument(status="failed", error="enrichment failed 5 times: ValueError", **common)
    saliences = sorted((round(rng.uniform(0.05, 0.9), 3) for _ in cast), reverse=True)
    return ArticleDocument(
        status="enriched",
        language=rng.choice(LANGUAGES),
        language_source=rng.choice(("declared", "detected")),
        entities=[entity(member, title, body, salience) for member, salience in zip(cast, saliences, strict=True)],
        summary=summarise(body),
        keywords=[Keyword(text=topic, score=0.8)],
        stats=stats_of(title, body),
        pipeline=PIPELINE,
        enriched_at=received_at + timedelta(seconds=2),
        **common,
    )


def corpus(
    count: int, *, seed: int = 20261127, namespace: str = "corpus", received_from: datetime = RECEIVED_FROM
) -> list[ArticleDocument]:
    rng = random.Random(seed)
    return [generated(n, rng, namespace=namespace, received_from=received_from) for n in range(count)]


SEED_CAST = (
    (Cast("person:qin-gang", "Qin Gang", "PERSON", ("Qin",)), 0.82),
    (Cast("person:dmytro-kuleba", "Dmytro Kuleba", "PERSON", ("Kuleba",)), 0.64),
    (Cast("gpe:china", "China", "GPE"), 0.9),
    (Cast("gpe:ukraine", "Ukraine", "GPE"), 0.86),
    (Cast("gpe:beijing", "Beijing", "GPE"), 0.41),
    (Cast("gpe:russia", "Russia", "GPE"), 0.12),
    (Cast("gpe:saudi-arabia", "Saudi Arabia", "GPE"), 0.08),
    (Cast("gpe:iran", "Iran", "GPE"), 0.08),
    (Cast("person:antony-blinken", "Antony Blinken", "PERSON"), 0.1),
    (Cast("norp:ukrainian", "Ukrainian", "NORP"), 0.15),
)


def seed_article(received_at: datetime) -> ArticleDocument:
    """The seed article as the worker would store it, entities and summary written by hand."""
    lines = SEED_ARTICLE.read_text().splitlines()
    title = lines[0].strip()
    body = "\n\n".join(p.strip() for p in "\n".join(lines[3:]).split("\n\n") if p.strip())
    return ArticleDocument(
        id=article_id(0, "seed"),
        status="enriched",
        title=title,
        body=body,
        source="China Daily",
        published_at=datetime(2023, 3, 17, tzinfo=UTC),
        language="en",
        language_source="detected",
        entities=[entity(cast, title, body, salience) for cast, salience in SEED_CAST],
        summary=summarise(body),
        keywords=[Keyword(text="peace talks", score=0.9), Keyword(text="political settlement", score=0.7)],
        stats=stats_of(title, body),
        pipeline=PIPELINE,
        content_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        received_at=received_at,
        enriched_at=received_at + timedelta(seconds=1),
    )
