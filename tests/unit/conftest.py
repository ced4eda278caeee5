"""NLP fixtures: the real Enricher is loaded once per session (the model takes seconds and ~150 MB)."""

from pathlib import Path

import pytest

from services.enrich.nlp.enrichment import ArticleText, Enricher
from shared.layouts import parse_plain_text
from tests.servers import CORPUS, SEED_ARTICLE


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return Enricher.load()


@pytest.fixture(scope="session")
def seed_article() -> ArticleText:
    """Title is the first line; the byline ("China Daily | March 17, 2023") is metadata, not body."""
    fields = parse_plain_text(SEED_ARTICLE.read_text())
    return ArticleText(title=str(fields["title"]), body=str(fields["body"]))


def read_corpus_article(path: Path) -> ArticleText:
    title, _, body = path.read_text().partition("\n\n")
    return ArticleText(title=title.strip(), body=body.strip())


@pytest.fixture(scope="session")
def corpus_articles() -> list[ArticleText]:
    """A dozen real Wikinews articles (title, blank line, body)."""
    return [read_corpus_article(path) for path in sorted((CORPUS / "wikinews").glob("*.txt"))[:12]]
