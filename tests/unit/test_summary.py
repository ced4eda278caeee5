"""Sentence choice of the extractive summary, on hand-split text (no model)."""

import math
import re

import numpy as np
import pytest

from services.enrich.nlp.stopwords import listed_stop_words
from services.enrich.nlp.summary import IDEAL_WORDS, SUMMARY_WORDS, length_discount, summarise

STOP_WORDS = listed_stop_words("en")


def spans(body: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?\s][^.!?]*[.!?]", body)]


BODY = (
    "The regional council approved a port expansion on Monday after a two-year dispute over dredging. "
    "It was sunny. "
    "The port expansion adds two deep-water berths and a rail link to the port. "
    "The port expansion adds two deep-water berths and a rail link to the port. "
    "Environmental groups warned the dredging would damage seagrass beds in the bay. "
    "Council leader Maria Osei said the economic case for the port expansion was clear. "
    "A local bakery opened a second shop in the old town. "
    "The council will review the dredging conditions every year."
)


def test_keeps_the_lead_and_article_order() -> None:
    summary = summarise(BODY, spans(BODY), title="Port expansion approved", stop_words=STOP_WORDS)
    starts = [sentence.start for sentence in summary.sentences]
    assert len(starts) == 3
    assert starts[0] == 0
    assert starts == sorted(starts)


def test_offsets_point_into_the_body_and_text_joins_them() -> None:
    summary = summarise(BODY, spans(BODY), title="Port expansion approved", stop_words=STOP_WORDS)
    pieces = [BODY[s.start : s.end] for s in summary.sentences]
    assert summary.text == " ".join(pieces)
    assert all(piece.endswith(".") and piece[0].isupper() for piece in pieces)


def test_does_not_repeat_itself_nor_pick_fragments_or_digressions() -> None:
    summary = summarise(BODY, spans(BODY), title="Port expansion approved", stop_words=STOP_WORDS)
    pieces = [BODY[s.start : s.end] for s in summary.sentences]
    assert len(set(pieces)) == len(pieces)
    assert "It was sunny." not in pieces
    assert not any("bakery" in piece for piece in pieces)


def test_sentence_count_is_configurable() -> None:
    assert len(summarise(BODY, spans(BODY), stop_words=STOP_WORDS, count=1).sentences) == 1
    assert len(summarise(BODY, spans(BODY), stop_words=STOP_WORDS, count=5).sentences) == 5


def test_short_bodies_and_empty_bodies() -> None:
    body = "Only one sentence here."
    summary = summarise(body, spans(body), stop_words=STOP_WORDS)
    assert (summary.text, len(summary.sentences)) == (body, 1)
    assert summarise("", [], stop_words=STOP_WORDS).sentences == []


def test_a_dateline_is_not_taken_as_the_lead() -> None:
    body = "PARIS. " + BODY
    summary = summarise(body, spans(body), title="Port expansion approved", stop_words=STOP_WORDS)
    assert body[summary.sentences[0].start :].startswith("The regional council approved")


def test_list_items_before_the_story_are_not_summary_sentences() -> None:
    items = "\n".join(f"Party number {n} of the list - {n} seats" for n in range(8))
    body = f"{items}\n{BODY}"
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", items)] + [
        (start + len(items) + 1, end + len(items) + 1) for start, end in spans(BODY)
    ]
    summary = summarise(body, sentences, title="Port expansion approved", stop_words=STOP_WORDS)
    pieces = [body[s.start : s.end] for s in summary.sentences]
    assert pieces[0].startswith("The regional council approved")
    assert not any("seats" in piece for piece in pieces)


def test_the_length_discount_allows_what_the_budget_has_left_and_never_less_than_the_ideal() -> None:
    words = np.array([20.0, 45.0, 120.0, 45.0])
    prose = np.array([True, True, True, False])
    fresh = length_discount(words, prose, float(SUMMARY_WORDS))
    assert fresh[0] == fresh[1] == 1.0  # a 45-word sentence fits an unused budget
    assert fresh[2] < 1.0 and fresh[3] == 0.2  # too long for any budget; not prose
    spent = length_discount(words, prose, 0.0)
    assert spent[0] == 1.0 and spent[1] == pytest.approx(math.sqrt(IDEAL_WORDS / 45))


def test_the_last_pick_prefers_a_sentence_that_fills_what_the_budget_has_left() -> None:
    words = np.array([10.0, 45.0, 60.0, 10.0])
    prose = np.array([True, True, True, False])
    earlier = length_discount(words, prose, 45.0)
    last = length_discount(words, prose, 45.0, last=True)
    assert earlier[0] == earlier[1] == 1.0  # before the last pick, length below the allowance costs nothing
    assert last[0] < last[1] == 1.0  # the last pick: a 10-word sentence leaves 35 words of the budget unused
    assert last[2] == earlier[2]  # a sentence longer than what is left is only discounted as before
    assert last[3] < earlier[3] == 0.2  # non-prose keeps its discount below a prose sentence of its length
    assert (length_discount(words, prose, 0.0, last=True) == length_discount(words, prose, 0.0)).all()


def test_the_last_sentence_of_a_summary_uses_the_budget_a_short_one_would_leave_empty() -> None:
    body = (
        "The regional council approved the harbour expansion plan on Tuesday after a long debate. "
        "Shipping firms welcomed the decision. "
        "Work on the new berths, a rail link to the quays and the dredging of the channel is due to begin in the "
        "spring and to last for several years, officials said. "
        "Critics said the cost was too high for the town."
    )
    summary = summarise(body, spans(body), stop_words=STOP_WORDS, count=2)
    # Without the fill term the short second sentence wins on position; it would leave 45 of 75 words unused.
    assert body[summary.sentences[-1].start :].startswith("Work on the new berths")
