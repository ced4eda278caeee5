"""How articles are read (JSON, the plain-text layout, HTML) and how their ids are derived."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from devstack.workspace import SEED_ARTICLE
from shared.articles import ArticleIn, article_id
from shared.layouts import parse_html, parse_plain_text


def test_seed_layout_splits_title_byline_and_body() -> None:
    fields = parse_plain_text(SEED_ARTICLE.read_text())
    article = ArticleIn.model_validate(fields)
    assert article.title == "Beijing calls for dialogue on Ukraine crisis"
    assert article.source == "China Daily"
    # A date-only byline means midnight UTC.
    assert article.published_at == datetime(2023, 3, 17, tzinfo=UTC)
    assert article.body.startswith("China is concerned over the escalation")
    assert "China Daily |" not in article.body
    assert article.title not in article.body
    assert article.body.endswith("via phone on Thursday.")


def test_text_without_byline_keeps_everything_after_the_title_as_body() -> None:
    article = ArticleIn.model_validate(parse_plain_text("A title\n\nFirst paragraph.\n\nSecond | not a date here."))
    assert article.source is None and article.published_at is None
    assert article.body == "First paragraph.\n\nSecond | not a date here."


def test_same_article_as_txt_and_json_gets_the_same_id() -> None:
    from_txt = ArticleIn.model_validate(parse_plain_text(SEED_ARTICLE.read_text()))
    as_json = ArticleIn.model_validate_json(from_txt.model_dump_json())
    reflowed = ArticleIn(title=from_txt.title, body=from_txt.body.replace("\n\n", "\n"), source="China Daily")
    assert article_id(from_txt, "feed") == article_id(as_json, "feed") == article_id(reflowed, "feed")
    assert len(article_id(from_txt, "feed")) == 16 and int(article_id(from_txt, "feed"), 16) >= 0


def test_url_and_external_id_identify_corrections() -> None:
    first = ArticleIn(title="T", body="Version one.", url="https://example.org/a")
    corrected = ArticleIn(title="T (updated)", body="Version two.", url="https://example.org/a")
    assert article_id(first, "feed") == article_id(corrected, "feed")
    by_ext = ArticleIn(title="X", body="Y", source="Wire", external_id="42")
    same_ext = ArticleIn(title="Z", body="W", source="Wire", external_id="42")
    assert article_id(by_ext, "feed") == article_id(same_ext, "feed")
    assert article_id(by_ext, "feed") != article_id(
        ArticleIn(title="X", body="Y", source="Other", external_id="42"), "feed"
    )


@pytest.mark.parametrize(
    "article",
    [
        ArticleIn(title="T", body="B", url="https://example.org/a"),
        ArticleIn(title="T", body="B", source="Wire", external_id="42"),
        ArticleIn(title="T", body="B"),
    ],
)
def test_the_same_article_from_another_owner_is_another_article(article: ArticleIn) -> None:
    """Ids are visible in the query API: were they the same for every key, any key could replace any article."""
    assert article_id(article, "feed") != article_id(article, "other-feed")
    assert article_id(article, "feed") != article_id(article, "feed.")  # no name is a prefix of another's identity


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title": "", "body": "b"}, "title"),
        ({"title": "t", "body": "   "}, "body"),
        ({"title": "t", "body": "..."}, "body"),
        ({"title": "t\x00", "body": "b"}, "title"),
        ({"title": "t", "body": "b", "colour": "red"}, "colour"),
        ({"title": "t", "body": "b", "language": "english"}, "language"),
        ({"title": "t", "body": "b", "url": "javascript:alert(1)"}, "url"),
        ({"title": "t", "body": "b", "published_at": "yesterday"}, "published_at"),
    ],
)
def test_invalid_articles_are_rejected_with_the_field_named(fields: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        ArticleIn.model_validate(fields)
    assert problem in str(info.value)


def test_naive_dates_mean_utc() -> None:
    article = ArticleIn(title="t", body="b", published_at=datetime(2024, 1, 2, 3, 4))
    assert article.published_at == datetime(2024, 1, 2, 3, 4, tzinfo=UTC)


def test_html_main_text_is_extracted() -> None:
    paragraph = "The city council approved the new budget for public transport on Monday evening. " * 4
    html = (
        "<html><head><title>Council approves budget</title></head><body><nav>Home | News | Sport</nav>"
        f"<article><h1>Council approves budget</h1><p>{paragraph}</p><p>{paragraph}</p></article>"
        "<footer>Copyright 2024</footer></body></html>"
    )
    fields = parse_html(html)
    assert fields["title"] == "Council approves budget"
    assert "approved the new budget" in str(fields["body"])
    assert "Copyright" not in str(fields["body"])
