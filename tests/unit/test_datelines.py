"""Datelines: the places a wire story was filed from, found by the shape of the line and labelled GPE."""

import pytest

from services.enrich.nlp.annotation import FoundEntity
from services.enrich.nlp.datelines import dateline_places, with_places


def names(text: str) -> list[str]:
    return [text[start:end] for start, end in dateline_places(text)]


@pytest.mark.parametrize(
    ("line", "places"),
    [
        ("GENEVA 1996-08-22", ["GENEVA"]),
        ("NEW YORK 1996-08-22", ["NEW YORK"]),
        ("YORK , England 1996-08-22", ["YORK", "England"]),
        ("SPA-FRANCORCHAMPS , Belgium 1996-08-23", ["SPA-FRANCORCHAMPS", "Belgium"]),
        ("LONDON , Aug 22", ["LONDON"]),
        ("WASHINGTON Aug. 22 , 1996", ["WASHINGTON"]),
    ],
)
def test_a_dateline_names_its_places(line: str, places: list[str]) -> None:
    assert names(f"SOCCER - A HEADLINE .\n{line}\nThe story begins here .") == places


@pytest.mark.parametrize(
    "line",
    [
        "Pay Sept 30",  # a dividend table's row: a month-day date needs the place in capitals
        "Record Sept 16",
        "The talks in Geneva ended on 1996-08-22",  # prose, not a dateline
        "1996-08-22",
        "Amount 0.21 1996-08-22",
    ],
)
def test_other_lines_with_dates_name_no_place(line: str) -> None:
    assert names(line) == []


def test_a_dateline_place_replaces_the_model_span_over_it() -> None:
    text = "Geneva 1996-08-22\nGeneva talks"
    spans, places = with_places(text, [FoundEntity(0, 17, "DATE"), FoundEntity(18, 24, "GPE")], dateline_places(text))
    assert [(text[f.start : f.end], f.label) for f in spans] == [("Geneva", "GPE"), ("Geneva", "GPE")]
    assert places == {(0, 6)}
