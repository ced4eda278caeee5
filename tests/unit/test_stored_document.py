"""The stored document built from a message and its enrichment: its exact shape, which the query API serves.

The expected JSON below is what the worker stored before `ArticleDocument` inherited its fields from
`Enrichment`; a change to either model that moves, renames or drops a key fails here first.
"""

from datetime import UTC, datetime

from services.enrich.stored_document import content_hash, enriched_document, failed_document
from shared.database import to_mongo
from shared.documents import (
    ArticleDocument,
    Enrichment,
    Entity,
    Keyword,
    Mention,
    Pipeline,
    Summary,
    SummarySentence,
    TextStats,
)
from shared.messages import ArticleSubmitted

SUBMITTED = ArticleSubmitted.model_validate(
    {
        "id": "0123456789abcdef",
        "owner": "feed",
        "received_at": "2026-01-02T03:04:05Z",
        "article": {
            "title": "A title",
            "body": "Body text here. Second.",
            "source": "S",
            "url": "https://x.y/z",
            "published_at": "2025-01-01T00:00:00Z",
            "external_id": "e1",
        },
    }
)
ENRICHMENT = Enrichment(
    language="en",
    language_source="detected",
    entities=[
        Entity(
            id="person:a",
            name="A",
            label="PERSON",
            count=1,
            salience=0.5,
            mentions=[Mention(field="title", start=0, end=1, text="A")],
        )
    ],
    summary=Summary(text="Body text here.", sentences=[SummarySentence(start=0, end=15)]),
    keywords=[Keyword(text="body", score=0.5)],
    stats=TextStats(words=4, sentences=2, reading_time_minutes=0.02),
)
PIPELINE = Pipeline(version="1", model="m", model_version="v", worker="w")
HASH = "3bfadd664b7d5869ec4d5ba2fbd765e7f59da8d463fe1644ae05a4c4c179e08f"

ENRICHED_JSON = (
    '{"id":"0123456789abcdef","owner":"feed","status":"enriched","title":"A title","body":"Body text here. Second.",'
    '"source":"S","url":"https://x.y/z","external_id":"e1","published_at":"2025-01-01T00:00:00Z","language":"en",'
    '"language_source":"detected","entities":[{"id":"person:a","name":"A","label":"PERSON","aliases":[],"count":1,'
    '"salience":0.5,"mentions":[{"field":"title","start":0,"end":1,"text":"A"}],"corpus_id":null,"link":null}],"entities_note":null,'
    '"summary":{"text":"Body text here.","sentences":[{"start":0,"end":15}]},"keywords":[{"text":"body","score":0.5}],'
    '"stats":{"words":4,"sentences":2,"reading_time_minutes":0.02},'
    '"pipeline":{"version":"1","model":"m","model_version":"v","worker":"w"},"linker_version":null,'
    f'"corpus_entities":[],"content_hash":"{HASH}","received_at":"2026-01-02T03:04:05Z","enriched_at":"2026-01-02T03:04:06Z","error":null}}'
)
FAILED_JSON = (
    '{"id":"0123456789abcdef","owner":"feed","status":"failed","title":"A title","body":"Body text here. Second.",'
    '"source":"S","url":"https://x.y/z","external_id":"e1","published_at":"2025-01-01T00:00:00Z","language":null,'
    '"language_source":null,"entities":[],"entities_note":null,"summary":null,"keywords":[],"stats":null,'
    '"pipeline":{"version":"1","model":"m","model_version":"v","worker":"w"},"linker_version":null,'
    f'"corpus_entities":[],"content_hash":"{HASH}","received_at":"2026-01-02T03:04:05Z","enriched_at":null,"error":"boom"}}'
)
STORED_KEYS = [
    *("owner", "status", "title", "body", "source", "url", "external_id", "published_at"),
    *("language", "language_source", "entities", "entities_note", "summary", "keywords", "stats"),
    *(
        "pipeline",
        "linker_version",
        "corpus_entities",
        "content_hash",
        "received_at",
        "enriched_at",
        "error",
        "_id",
        "search_terms",
    ),
]


def test_the_enriched_document_has_the_stored_shape_to_the_byte() -> None:
    before = datetime.now(UTC)
    document = enriched_document(SUBMITTED, ENRICHMENT, PIPELINE, content_hash=HASH)
    assert document.enriched_at is not None and before <= document.enriched_at <= datetime.now(UTC)
    fixed = document.model_copy(update={"enriched_at": datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC)})
    assert fixed.model_dump_json() == ENRICHED_JSON
    assert list(to_mongo(fixed)) == STORED_KEYS


def test_the_failed_document_has_the_stored_shape_to_the_byte() -> None:
    document = failed_document(SUBMITTED, "boom", PIPELINE, content_hash=HASH)
    assert document.model_dump_json() == FAILED_JSON
    assert list(to_mongo(document)) == STORED_KEYS


def test_a_failed_document_keeps_the_language_the_client_declared() -> None:
    declared = SUBMITTED.model_copy(update={"article": SUBMITTED.article.model_copy(update={"language": "de"})})
    document = failed_document(declared, "boom", PIPELINE, content_hash=HASH)
    assert (document.language, document.language_source) == ("de", None)


def test_the_enrichment_is_taken_as_it_is_not_dumped_and_validated_again() -> None:
    document = enriched_document(SUBMITTED, ENRICHMENT, PIPELINE, content_hash=HASH)
    assert document.summary is ENRICHMENT.summary
    assert document.entities[0] is ENRICHMENT.entities[0]


def test_the_document_stores_the_hash_it_is_given() -> None:
    """The worker computes the hash once, to compare with the stored one, and hands it over."""
    assert enriched_document(SUBMITTED, ENRICHMENT, PIPELINE, content_hash="given").content_hash == "given"
    assert failed_document(SUBMITTED, "boom", PIPELINE, content_hash="given").content_hash == "given"


def test_the_content_hash_covers_what_the_client_sent_and_nothing_else() -> None:
    assert content_hash(SUBMITTED) == HASH
    redelivered = SUBMITTED.model_copy(update={"received_at": datetime(2027, 1, 1, tzinfo=UTC)})
    assert content_hash(redelivered) == HASH
    corrected = SUBMITTED.model_copy(update={"article": SUBMITTED.article.model_copy(update={"title": "B title"})})
    assert content_hash(corrected) != HASH


def test_every_enrichment_field_is_a_document_field_declared_once() -> None:
    assert list(ArticleDocument.model_fields) == [
        *("id", "owner", "status", "title", "body", "source", "url", "external_id", "published_at"),
        *Enrichment.model_fields,
        *("pipeline", "linker_version", "corpus_entities", "content_hash", "received_at", "enriched_at", "error"),
    ]
    assert issubclass(ArticleDocument, Enrichment)
