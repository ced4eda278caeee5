"""Cricket batting lines: every name on one is a person, found by the line's shape."""

import pytest

from services.enrich.nlp.scorecards import batsmen_spans, bowlers_spans


def names(text: str) -> list[str]:
    return [text[start:end] for start, end in batsmen_spans(text)]


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("Aamir Sohail c Cork b Croft 46", ["Aamir Sohail", "Cork", "Croft"]),
        ("M. Atherton lbw b Mushtaq Ahmed 1", ["M. Atherton", "Mushtaq Ahmed"]),
        ("Wasim Akram st Stewart b Croft 40", ["Wasim Akram", "Stewart", "Croft"]),
        ("S. Ganguly c de Silva b Dharmasena 16", ["S. Ganguly", "de Silva", "Dharmasena"]),
        ("Inzamam-ul-Haq c Thorpe b Croft 6", ["Inzamam-ul-Haq", "Thorpe", "Croft"]),
        ("I. Salisbury c & b Mushtaq 5", ["I. Salisbury", "Mushtaq"]),
        ("Moin Khan b Salisbury 23", ["Moin Khan", "Salisbury"]),
        ("D. Gough run out 0", ["D. Gough"]),
        ("G. Thorpe run out ( Ijaz Ahmed ) 21", ["G. Thorpe", "Ijaz Ahmed"]),
        ("Waqar Younis not out 0", ["Waqar Younis"]),
        ("A.de Silva not out 83 112 9 1", ["A.de Silva"]),  # runs, balls, fours, sixes
    ],
)
def test_a_batting_line_names_batsman_fielder_and_bowler(line: str, people: list[str]) -> None:
    assert names(f"Scoreboard .\n{line}\nTotal ( for 9 wickets ) 288") == people


@pytest.mark.parametrize(
    "line",
    [
        "Extras ( b-1 lb-8 w-3 nb-3 ) 15",
        "Clinton was not out of the race 5 weeks ago",  # words follow the dismissal, not only figures
        "Smith b 1990",  # a bowler has a name
        "Wasim Akram c Stewart 40",  # a catch names its bowler
        "Bowling : Wasim Akram 10-0-50-0 , Waqar Younis 9-0-54-1",
    ],
)
def test_other_lines_name_no_batsman(line: str) -> None:
    assert names(line) == []


def test_a_bowler_is_named_before_his_figures_even_where_they_wrap() -> None:
    text = (
        "Bowling : Wasim Akram 15.4-1-67-3 , Waqar Younis\n18-3-55-1 , de Silva 3-0-10-0 ,\n"
        "Mushtaq Ahmed 37-10-78-6\nThe score on 1996-08-22 was 6-2 6-1 .\nSmith scored 10-1 , Jones 4-1-1"
    )
    found = [text[start:end] for start, end in bowlers_spans(text)]
    # dates, set scores and odds are no bowling figures
    assert found == ["Wasim Akram", "Waqar Younis", "de Silva", "Mushtaq Ahmed"]
