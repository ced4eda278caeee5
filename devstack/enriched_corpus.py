"""The shared corpus enriched by the real pipeline, once: cached as JSON lines stamped with the pipeline version.

The linking report and the read-scaling benchmark start from it; enriching all 2,408 articles takes minutes.
"""

import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devstack.corpus import FOLDERS, CorpusArticle, read_folder
from shared.articles import ArticleIn, article_id
from shared.documents import ArticleDocument

OWNER = "linking-report"
_EPOCH = datetime(2004, 1, 1, tzinfo=UTC)


def arrival_order() -> list[CorpusArticle]:
    """The bulk folder (2004-2018, undated) by Wikinews page id, which grows with time, then the dated folder."""
    bulk, dated = (read_folder(name) for name in reversed(FOLDERS))
    bulk.sort(key=lambda article: int(article.path.stem.removeprefix("wn-")))
    dated.sort(key=lambda article: (article.published, article.path.name))
    return bulk + dated


def enriched_corpus(cache: Path) -> list[ArticleDocument]:
    """Every corpus article enriched, in arrival order; read from `cache` when its pipeline version matches."""
    from services.enrich.nlp.enrichment import PIPELINE_VERSION

    stamp = f"# pipeline {PIPELINE_VERSION}\n"
    if cache.exists():
        with cache.open(encoding="utf-8") as lines:
            if lines.readline() == stamp:
                return [ArticleDocument.model_validate_json(line) for line in lines]
    documents = list(_enrich(arrival_order()))
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("w", encoding="utf-8") as out:
        out.write(stamp)
        out.writelines(document.model_dump_json() + "\n" for document in documents)
    return documents


def _enrich(articles: Sequence[CorpusArticle]) -> Iterator[ArticleDocument]:
    from services.enrich.nlp.enrichment import ArticleText, Enricher, UnprocessableArticle
    from services.enrich.stored_document import enriched_document
    from shared.messages import ArticleSubmitted

    enricher = Enricher.load()
    pipeline = enricher.pipeline(worker=OWNER)
    for first in range(0, len(articles), 64):
        chunk = articles[first : first + 64]
        texts = [ArticleText(article.title, article.body) for article in chunk]
        for offset, (article, result) in enumerate(zip(chunk, enricher.enrich_batch(texts), strict=True)):
            if isinstance(result, UnprocessableArticle):
                continue
            submitted = ArticleIn.model_validate(article.payload)
            submission = ArticleSubmitted(
                id=article_id(submitted, OWNER),
                owner=OWNER,
                article=submitted,
                received_at=_EPOCH + timedelta(minutes=first + offset),
            )
            yield enriched_document(submission, result, pipeline, content_hash=submission.id)
        print(f"enriched {min(first + 64, len(articles))}/{len(articles)}", file=sys.stderr, flush=True)
