"""The oracle extract that serves as an extractive summary reference: greedy ROUGE-1 + ROUGE-2 against highlights."""

from scripts.cnndm_summaries import long_size, oracle

SENTENCES = [
    "The mayor opened the new bridge on Monday.",
    "Thousands of residents crossed it in the first hour.",
    "The weather was mild.",
    "The bridge cost 40 million dollars and took three years to build.",
]


def test_the_oracle_picks_the_sentences_that_best_cover_the_highlights_in_article_order() -> None:
    highlights = "New bridge cost 40 million dollars . Mayor opened the bridge on Monday ."
    assert oracle(SENTENCES, highlights) == [0, 3]  # a third sentence would lower the F1: the oracle stops


def test_the_oracle_takes_at_most_three_sentences() -> None:
    everything = " ".join(SENTENCES)
    assert len(oracle(SENTENCES, everything)) == 3


def test_nothing_in_common_gives_an_empty_extract() -> None:
    assert oracle(SENTENCES, "Completely unrelated words here") == []


def test_a_long_reference_keeps_adding_sentences_that_cover_more_of_the_highlights() -> None:
    highlights = "The mayor opened the new bridge on Monday . The bridge cost 40 million dollars . Residents came ."
    # F1 stops when a sentence's extra words outweigh the one word it adds; recall takes every sentence that adds.
    assert oracle(SENTENCES, highlights, 4) == [0, 3]
    assert oracle(SENTENCES, highlights, 4, recall=True) == [0, 1, 3]


def test_a_long_reference_is_two_fifths_of_the_article_but_never_fewer_than_three_sentences() -> None:
    assert long_size(5) == 3
    assert long_size(20) == 8
    assert long_size(21) == 9
