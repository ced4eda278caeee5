"""The overlap test that decides which model spans give way to a team or a place."""

import random

from services.enrich.nlp.annotation import FoundEntity, overlap_test, replaced


def test_overlap_matches_a_pairwise_check_on_random_spans() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = [(s, s + rng.randint(1, 30)) for s in (rng.randint(0, 200) for _ in range(rng.randint(0, 12)))]
        overlaps = overlap_test(spans)
        for start in range(0, 230, 3):
            end = start + rng.randint(1, 20)
            assert overlaps(start, end) == any(s < end and start < e for s, e in spans)


def test_touching_spans_do_not_overlap_and_a_long_earlier_span_is_seen() -> None:
    overlaps = overlap_test([(0, 100), (10, 12)])
    assert overlaps(50, 60)  # inside the first span, after the short second one ends
    assert not overlaps(100, 105)
    assert not overlap_test([])(0, 10)


def test_replaced_spans_take_the_place_of_the_model_s_in_text_order() -> None:
    found = [FoundEntity(0, 5, "PERSON"), FoundEntity(10, 20, "GPE"), FoundEntity(30, 35, "DATE")]
    assert replaced(found, [(12, 18)], "ORG") == [
        FoundEntity(0, 5, "PERSON"),
        FoundEntity(12, 18, "ORG"),
        FoundEntity(30, 35, "DATE"),
    ]
