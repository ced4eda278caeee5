"""Relevance scoring: pure, normalised like the stored search terms, title words weighted."""

import math

import pytest

from services.query.relevance import MAX_SCORED_CHARS, TITLE_WEIGHT, normal_start, score, words
from services.query.scorer import RelevanceScorer, ScoringTimeout
from shared.search_terms import normalise, terms


def test_words_normalise_like_search_terms_but_keep_repeats() -> None:
    text = "Café CAFE café, Zürich's naïve_plan " + "x" * 41
    assert words(text) == ["cafe", "cafe", "cafe", "zurich", "s", "naiveplan"]
    assert list(dict.fromkeys(words(text))) == terms(text)


def test_score_is_weighted_term_frequency_over_the_square_root_of_length() -> None:
    # title: 2 words, one hit; summary: 6 words, two hits -> (3 * 1 + 2) / sqrt(8)
    assert score(("peace",), title="Peace talks", summary="peace now and PEACE later too") == round(
        (TITLE_WEIGHT * 1 + 2) / math.sqrt(8), 6
    )
    assert score(("zurich", "cafe"), title="Café", summary="in Zürich") == round((3 + 1) / math.sqrt(3), 6)
    assert score(("absent",), title="a", summary="b") == 0.0
    assert score(("a",), title="", summary="") == 0.0


def test_a_title_hit_outranks_a_summary_hit_and_a_shorter_text_a_longer_one() -> None:
    assert score(("talks",), title="talks", summary="x y") > score(("talks",), title="x", summary="talks y")
    assert score(("talks",), title="x", summary="talks") > score(("talks",), title="x", summary="talks and more words")


def test_only_the_normalised_start_of_a_text_is_scored() -> None:
    text = "Ünïcode café " * 2_000
    assert normal_start(text) == normalise(text)[:MAX_SCORED_CHARS]
    assert words(text) == words(text[:MAX_SCORED_CHARS]) != words(text[: MAX_SCORED_CHARS - 100])
    # One U+FDFA is 18 characters once decomposed: the bound holds after that expansion.
    expanding = "\ufdfa" * 20_000
    assert len(normal_start(expanding)) == MAX_SCORED_CHARS
    assert normal_start(expanding) == normalise(expanding[:1_000])[:MAX_SCORED_CHARS]


async def test_the_scorer_scores_in_order_and_stops_at_its_budget() -> None:
    texts = [("Peace talks", "peace now"), ("x", "y"), ("Café", "in Zürich")] * 40
    scorer = RelevanceScorer(threads=1, budget_s=5)
    try:
        assert await scorer.scores(("peace", "cafe"), texts) == [
            score(("peace", "cafe"), title=title, summary=body) for title, body in texts
        ]
    finally:
        scorer.close()
    starved = RelevanceScorer(threads=1, budget_s=0.000_001)
    try:
        with pytest.raises(ScoringTimeout):
            await starved.scores(("peace",), [("\ufdfa" * 10_000, "\ufdfa" * 10_000)] * 500)
    finally:
        starved.close()
