"""Building the stored document from a submitted article and its enrichment (no I/O here)."""

import hashlib
from datetime import UTC, datetime

from shared.documents import ArticleDocument, Enrichment, Pipeline
from shared.messages import ArticleSubmitted


def content_hash(submission: ArticleSubmitted) -> str:
    """Hash of everything the client sent: equal hashes and pipeline versions mean nothing to redo."""
    return hashlib.sha256(submission.article.model_dump_json().encode()).hexdigest()


def _base(submission: ArticleSubmitted) -> dict[str, object]:
    article = submission.article
    return {
        "id": submission.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "url": article.url,
        "external_id": article.external_id,
        "published_at": article.published_at,
        "content_hash": content_hash(submission),
        "received_at": submission.received_at,
    }


def enriched_document(submission: ArticleSubmitted, enrichment: Enrichment, pipeline: Pipeline) -> ArticleDocument:
    return ArticleDocument.model_validate(
        {
            **_base(submission),
            **enrichment.model_dump(),
            "status": "enriched",
            "pipeline": pipeline,
            "enriched_at": datetime.now(UTC),
        }
    )


def failed_document(submission: ArticleSubmitted, reason: str, pipeline: Pipeline) -> ArticleDocument:
    return ArticleDocument.model_validate(
        {
            **_base(submission),
            "language": submission.article.language,
            "status": "failed",
            "error": reason,
            "pipeline": pipeline,
        }
    )
