"""People in individual sports' results, team sheets, leaderboards and match reports, by the row's shape."""

from collections.abc import Iterable

import pytest

from services.enrich.nlp.competitors import competitor_spans, player_spans, roster_spans

COUNTRIES = {"Spain", "Japan", "Argentina", "Germany", "U.S.", "Malaysia", "Austria", "Czech Republic"}


def is_country(name: str) -> bool:
    return name in COUNTRIES


def spans(found: Iterable[tuple[int, int]], text: str) -> list[str]:
    return [text[start:end] for start, end in found]


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("7. Abel Anton ( Spain ) 28:18.44", ["Abel Anton"]),
        (
            "4 - Kimiko Date ( Japan ) beat 5 - Gabriela Sabatini ( Argentina ) 6-2 7-5",
            ["Kimiko Date", "Gabriela Sabatini"],
        ),
        ("Monica Seles ( U.S. ) beat Jana Novotna ( Czech Republic ) 6-0 6-1", ["Monica Seles", "Jana Novotna"]),
        ("3. Andreas Kappes - Carsten Wolf ( Germany ) 23", ["Andreas Kappes", "Carsten Wolf"]),
        ("1 - Yap Kim Hock / Cheah Soon Kit ( Malaysia ) beat", ["Yap Kim Hock", "Cheah Soon Kit"]),
        ("4. Maarten den Bakker ( Germany ) TVM all same time", ["Maarten den Bakker"]),
        # the wire's line ends before the country: the row goes on
        ("Monica Seles ( U.S. ) beat 8 - Steffi Graf\n( Germany ) 6-3 6-4", ["Monica Seles", "Steffi Graf"]),
        ("Bohdan Ulihrach ( Czech Republic ) vs. 14 - Alberto Costa\n( Spain )", ["Bohdan Ulihrach", "Alberto Costa"]),
    ],
)
def test_a_ranked_or_seeded_competitor_with_a_country_is_a_person(line: str, people: list[str]) -> None:
    text = f"Results .\n{line}\n"
    assert spans(competitor_spans(text, is_country), text) == people


@pytest.mark.parametrize(
    ("line", "winners"),
    [
        ("Women 's singles : 1 - Steffi Graf ( Germany ) beat Yayuk Basuki 6-2 6-3", ["Steffi Graf"]),
        ("( prefix number denotes seeding ) : 1 - Jansher Khan ( Pakistan ) beat Mark Cairns", ["Jansher Khan"]),
        ("Men 's singles , second round 12 - Todd Martin ( U.S. ) beat Andrea Gaudenzi", ["Todd Martin"]),
        ("beat Natasha Zvereva ( Belarus ) 6-4 6-2 16 - Martina Hingis ( Switzerland ) beat", ["Martina Hingis"]),
        ("beat Roberto Carretero ( Spain ) 6-2 6-1 Alex Corretja ( Spain ) beat Filippo Veglio", ["Alex Corretja"]),
    ],
)
def test_a_draw_run_together_on_one_line_names_each_row_s_winner(line: str, winners: list[str]) -> None:
    text = f"Results .\n{line}\n"
    found = spans(competitor_spans(text, {*COUNTRIES, "Pakistan", "Switzerland", "Belarus"}.__contains__), text)
    assert all(winner in found for winner in winners)


def test_a_company_after_a_figure_is_no_winner() -> None:
    text = "Profit rose 12 percent at Toyota Motor Corp ( Japan ) .\nIn 1996 Sony Corp ( Japan ) beat forecasts .\n"
    assert spans(competitor_spans(text, is_country), text) == []


@pytest.mark.parametrize(
    "line",
    [
        "3 - Anto Drobnjak ( Bastia ) , Xavier Gravelaine ( Marseille ) .",  # a club in the bracket: scorers
        "Toyota Motor Corp ( Japan ) said on Friday it would raise prices .",  # no rank, no draw: a company
        "The Bundesbank ( Germany ) left rates unchanged .",
    ],
)
def test_a_name_and_a_bracket_alone_is_no_competitor(line: str) -> None:
    assert spans(competitor_spans(line, is_country), line) == []


def test_a_team_sheet_names_its_players_by_shirt_number() -> None:
    text = (
        "France - 1 - Bernard Lama ; 2 - Lilian Thuram ( 14 - Sabri Lamouchi 87th ) , 5 - Laurent Blanc , "
        "8 - Marcel Desailly .\n"
        "South Africa - 15 - Joost van der Westhuizen , 14 - Justin Swart\n"  # two: not yet a team sheet
        "The score was 1 - 0 at half-time , 2 - 1 at the end .\n"
    )
    assert spans(player_spans(text), text) == [
        "Bernard Lama",
        "Lilian Thuram",
        "Sabri Lamouchi",
        "Laurent Blanc",
        "Marcel Desailly",
    ]


def test_a_leaderboard_names_its_golfers_by_their_rounds() -> None:
    text = "284 D.A. Weibring 73 69 74 68 , Tim Herron ( U.S. ) 70 67 75 72 , Mark\nThe 73 members voted 69 to 4 ."
    assert spans(player_spans(text), text) == ["D.A. Weibring", "Tim Herron"]


def test_a_leaderboard_during_a_round_names_its_golfers_by_the_holes_played() -> None:
    text = "+3 Anders Forsbrand ( Sweden ) through 5\n- 1 Hal Sutton through 11\n10 Downing Street through May"
    assert spans(player_spans(text), text) == ["Anders Forsbrand", "Hal Sutton"]


def test_scorers_and_squads_are_people() -> None:
    text = (
        "Scorers : Petr Gunda ( 1st and 26th ) , Lumir Mistr ( 19th ) .\n"
        "South Africa - Tries : Hannes Strydom , Ruben Kruger .\n"
        "Austria : Michael Konsel , Markus Schopp , Peter Schoettel .\n"
        "Japan : exports rose 4 percent , imports fell .\n"  # a country heading prose, not a squad
        "Spain : Madrid , Barcelona .\n"  # two names under a country: too few for a squad
        "Issuer : Colorado Health Fac .\n"  # not a label of people
    )
    assert spans(roster_spans(text, lambda name: name in {"Austria", "Japan", "Spain"}), text) == [
        "Petr Gunda",
        "Lumir Mistr",
        "Hannes Strydom",
        "Ruben Kruger",
        "Michael Konsel",
        "Markus Schopp",
        "Peter Schoettel",
    ]


def test_a_goal_s_scorer_is_named_by_the_minute() -> None:
    text = (
        "Volendam 1 ( Jongsma 85th ) PSV Eindhoven 3 ( Marcelo 19th , 47th , Nilis 60th )\n"
        "Fiorentina - Gabriel Batistuta ( 11th , 83rd )\n"
        "The talks resumed ( April 21st ) and ended , On March 3rd , without a deal .\n"  # dates
    )
    assert spans(player_spans(text), text) == ["Jongsma", "Marcelo", "Nilis", "Gabriel Batistuta"]
