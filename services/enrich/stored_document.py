"""Building the stored document from a submitted article and its enrichment (no I/O here)."""

import hashlib
from datetime import UTC, datetime
from typing import Any

from shared.documents import ArticleDocument, Enrichment, Pipeline
from shared.messages import ArticleSubmitted


def content_hash(submission: ArticleSubmitted) -> str:
    """Hash of everything the client sent: equal hashes and pipeline versions mean nothing to redo."""
    return hashlib.sha256(submission.article.model_dump_json().encode()).hexdigest()


def _submitted(submission: ArticleSubmitted) -> dict[str, Any]:
    """The document's fields that come from the message as they are."""
    article = submission.article
    return {
        "id": submission.id,
        "owner": submission.owner,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "url": article.url,
        "external_id": article.external_id,
        "published_at": article.published_at,
        "received_at": submission.received_at,
    }


def enriched_document(
    submission: ArticleSubmitted, enrichment: Enrichment, pipeline: Pipeline, *, content_hash: str
) -> ArticleDocument:
    """`content_hash` is `content_hash(submission)`: the worker has it already, from comparing with the store."""
    return ArticleDocument(
        **_submitted(submission),
        # The enrichment's own field values, not a dump: its validated parts are not validated again.
        **dict(enrichment),
        status="enriched",
        pipeline=pipeline,
        content_hash=content_hash,
        enriched_at=datetime.now(UTC),
    )


def failed_document(
    submission: ArticleSubmitted, reason: str, pipeline: Pipeline, *, content_hash: str
) -> ArticleDocument:
    """No enrichment: the declared language, if any, and the reason; the other enrichment fields stay empty."""
    return ArticleDocument(
        **_submitted(submission),
        language=submission.article.language,
        status="failed",
        error=reason,
        pipeline=pipeline,
        content_hash=content_hash,
    )
