"""NLP fixtures: the real Enricher is loaded once per session (the model takes seconds and ~150 MB)."""

import pytest

from devstack.corpus import by_file_name, read_folder
from devstack.workspace import SEED_ARTICLE
from services.enrich.linking import Linker
from services.enrich.nlp.enrichment import ArticleText, Enricher
from shared.layouts import parse_plain_text


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return Enricher.load()


@pytest.fixture(scope="session")
def seed_article() -> ArticleText:
    """Title is the first line; the byline ("China Daily | March 17, 2023") is metadata, not body."""
    fields = parse_plain_text(SEED_ARTICLE.read_text())
    return ArticleText(title=str(fields["title"]), body=str(fields["body"]))


@pytest.fixture(scope="session")
def corpus_articles() -> list[ArticleText]:
    """A dozen real Wikinews articles (title, blank line, body)."""
    return [ArticleText(title=a.title, body=a.body) for a in by_file_name(read_folder("wikinews"))[:12]]


@pytest.fixture(scope="session")
def linker() -> Linker:
    """The entity linker with its real gazetteer (loaded once: a second or two)."""

    return Linker()
