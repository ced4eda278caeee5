"""Sentences as the model's pieces are put together again (a blank pipeline, sentence starts set by hand)."""

import time

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from services.enrich.nlp.annotation import annotate


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


def sentences(blank: Language, text: str, starts: list[str]) -> list[str]:
    """The sentences of `text` where the 'model' started one at each token in `starts` (and at the first)."""
    doc = blank(text)
    for token in doc:
        token.is_sent_start = token.i == 0 or token.text in starts
    return [text[start:end] for start, end in annotate(doc).sentences]


def test_a_split_inside_an_editors_brackets_is_put_back(blank: Language) -> None:
    text = 'He said "no bloom would happen [...] lava has no nitrate." She left.'
    for starts in (["...", "She"], ["[", "...", "She"]):  # the bracket ends a piece, or is a piece of its own
        assert sentences(blank, text, starts) == [
            'He said "no bloom would happen [...] lava has no nitrate."',
            "She left.",
        ]
    text = 'The minister said "[They] have had life torn away" today. She left.'
    assert sentences(blank, text, ["They", "She"]) == [
        'The minister said "[They] have had life torn away" today.',
        "She left.",
    ]


def test_a_piece_after_a_comma_or_inside_a_word_joins_its_sentence(blank: Language) -> None:
    text = '"Chess is life," said the champion. Anti-war marchers met. eBay grew.'
    assert sentences(blank, text, ["said", "Anti", "-", "eBay"]) == [
        '"Chess is life," said the champion.',
        "Anti-war marchers met.",
        "eBay grew.",
    ]


def test_an_elision_opening_a_sentence_is_left_out(blank: Language) -> None:
    text = "A bus hit a bridge. [...] 13 students were hurt."
    assert sentences(blank, text, ["[", "13"]) == ["A bus hit a bridge.", "13 students were hurt."]
    assert sentences(blank, text, ["..."]) == ["A bus hit a bridge.", "13 students were hurt."]
    text = "A bus hit a bridge. [Police] said 13 were hurt."
    assert sentences(blank, text, ["Police"]) == ["A bus hit a bridge.", "[Police] said 13 were hurt."]


def test_a_sentence_after_a_stop_or_on_another_line_stands_alone(blank: Language) -> None:
    text = "The talks ended. officials left.\nA headline without a stop\nlower case opens this line."
    assert sentences(blank, text, ["officials", "A", "lower"]) == [
        "The talks ended.",
        "officials left.",
        "A headline without a stop",
        "lower case opens this line.",
    ]


def test_a_line_cut_into_many_pieces_is_put_back_in_linear_time(blank: Language) -> None:
    # 100,000 pieces on one line, none ending a sentence: each is read against the end of the run before it, not
    # the whole run (minutes if the run were rescanned; well under a second).
    words = ["Chen", *["a"] * 100_000]
    doc = Doc(blank.vocab, words=words, spaces=[True] * (len(words) - 1) + [False], sent_starts=[True] * len(words))
    text = doc.text
    started = time.monotonic()
    spans = annotate(doc).sentences
    assert time.monotonic() - started < 10
    assert spans == ((0, len(text)),)
