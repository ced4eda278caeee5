"""Relevance scoring: pure, normalised like the stored search terms, title words weighted."""

import math

from services.query.relevance import TITLE_WEIGHT, score, words
from shared.search_terms import terms


def test_words_normalise_like_search_terms_but_keep_repeats() -> None:
    text = "Café CAFE café, Zürich's naïve_plan " + "x" * 41
    assert words(text) == ["cafe", "cafe", "cafe", "zurich", "s", "naiveplan"]
    assert list(dict.fromkeys(words(text))) == terms(text)


def test_score_is_weighted_term_frequency_over_the_square_root_of_length() -> None:
    # title: 2 words, one hit; body: 6 words, two hits -> (3 * 1 + 2) / sqrt(8)
    assert score(("peace",), title="Peace talks", body="peace now and PEACE later too") == round(
        (TITLE_WEIGHT * 1 + 2) / math.sqrt(8), 6
    )
    assert score(("zurich", "cafe"), title="Café", body="in Zürich") == round((3 + 1) / math.sqrt(3), 6)
    assert score(("absent",), title="a", body="b") == 0.0
    assert score(("a",), title="", body="") == 0.0


def test_a_title_hit_outranks_a_body_hit_and_a_shorter_text_a_longer_one() -> None:
    assert score(("talks",), title="talks", body="x y") > score(("talks",), title="x", body="talks y")
    assert score(("talks",), title="x", body="talks") > score(("talks",), title="x", body="talks and more words")
