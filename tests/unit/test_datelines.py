"""Datelines: the places a wire story was filed from, found by the shape of the line and labelled GPE."""

import pytest

from services.enrich.nlp.annotation import FoundEntity
from services.enrich.nlp.datelines import byline_spans, dateline_places, with_places


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


def reporters(text: str) -> list[str]:
    return [text[start:end] for start, end in byline_spans(text)]


@pytest.mark.parametrize(
    ("story", "names"),
    [
        (
            "Tajik troops now control devastated town .\nYuri Kushko\nTAVILDARA , Tajikistan 1996-08-30\nIt fell .",
            ["Yuri Kushko"],
        ),
        (
            "Chechens cautious on peace deal .\nLiutauras Stremaitis\nURUS-MARTAN , Russia 1996-08-31\nCrowds .",
            ["Liutauras Stremaitis"],
        ),
        ("Crash .\nRolf Soderlind\nLONGYEAR , Norway , Aug 30\nThe windblown island .", ["Rolf Soderlind"]),
        ("Wheat prices fall .\n-- Luli Popescu , Bucharest Newsroom 40-1 3120264", ["Luli Popescu"]),
        ("Toll rises .\n-- Amra Kevic , Belgrade newsroom +381 11 2224305", ["Amra Kevic"]),
    ],
)
def test_a_reporter_is_named_above_the_dateline_or_signing_off(story: str, names: list[str]) -> None:
    assert reporters(story) == names


@pytest.mark.parametrize(
    "story",
    [
        "Shares rise .\nMarket Report\nLONDON 1996-08-30\nThe market report said prices rose .",  # a headline
        "In Japan\nTOKYO 1996-08-30\nPrices rose .",  # a stop word opens it
        "SOCCER - RESULTS .\nHEARTS BEAT RANGERS\nEDINBURGH 1996-08-30\nHearts won .",  # capitals: a headline
        "Yuri Kushko\nThe story begins here .",  # no dateline below
        "The town fell , said Yuri Kushko .\nTAVILDARA , Tajikistan 1996-08-30",  # prose above the dateline
        "Toll rises .\n-- Amra Kevic , Belgrade 2224305",  # a sign-off names its newsroom or desk
    ],
)
def test_other_lines_name_no_reporter(story: str) -> None:
    assert reporters(story) == []
