"""Teams in results, fixtures and standings lines: found by the line's shape, in any case, and labelled ORG."""

import pytest

from services.enrich.nlp.annotation import FoundEntity
from services.enrich.nlp.teams import played_spans, team_spans, venue_spans, with_teams


def names(text: str) -> list[str]:
    return [text[start:end] for start, end in team_spans(text)]


@pytest.mark.parametrize(
    ("line", "teams"),
    [
        ("Port Vale 2 Oxford 0", ["Port Vale", "Oxford"]),
        ("MILWAUKEE 5 Minnesota 4 ( in 12 )", ["MILWAUKEE", "Minnesota"]),
        ("Puchon 2 Chonbuk 1 ( halftime 1-1 )", ["Puchon", "Chonbuk"]),
        ("BALTIMORE AT SEATTLE", ["BALTIMORE"]),  # the visitors; "at" Seattle is a place
        ("10. Kispest 3 1 1 1 6 7 4", ["Kispest"]),
        ("7. Mika Salo ( Finland ) Tyrrell 1:00.754", ["Tyrrell"]),
        ("5. Wim Omloop ( Belgium ) Collstrop same time", ["Collstrop"]),
        (
            "Postponed : Birmingham v Barnsley , Manchester City v Charlton",
            ["Birmingham", "Barnsley", "Manchester City", "Charlton"],
        ),
        (
            "English division one - West Bromwich v Sheffield United .",  # a heading before the fixtures
            ["West Bromwich", "Sheffield United"],
        ),
        ("ST LOUIS 69 65 .515 2 1/2", ["ST LOUIS"]),
        ("HOUSTON 73 63 .537 -", ["HOUSTON"]),
        ("Darlington 4 1 1 2 9 8 4", ["Darlington"]),
        (
            "Chesterfield : Worcestershire 238 and 133-5 , Derbyshire 471 ( J. Adams 123 , K. Barnett 87 )",
            ["Worcestershire", "Derbyshire"],
        ),
        ("Leicestershire 22 points , Somerset 4 .", ["Leicestershire", "Somerset"]),
        ("Queen of the South 2 Dumbarton 1", ["Queen of the South", "Dumbarton"]),
        ("Currie 45 Heriot 's F.P. 5", ["Currie", "Heriot 's F.P."]),
        ("Rad 1 Buducnost ( P ) 0", ["Rad", "Buducnost"]),  # a qualifier between a team and its score
        ("Volendam 1 ( Jongsma 85th ) PSV Eindhoven 3 ( Marcelo 19th ,", ["Volendam", "PSV Eindhoven"]),
        ("Bordeaux 0 Auxerre 0 .", ["Bordeaux", "Auxerre"]),
        ("In Bergen : Brann ( Norway ) 2 Shelbourne ( Ireland ) 1 ( 1-1 )", ["Brann", "Shelbourne"]),
        ("At Northampton : Sussex 368-7 ( N. Lenham 145 , V. Drakes 59 not", ["Sussex"]),
        ("At Colchester : Essex beat Gloucestershire by an innings and", ["Essex", "Gloucestershire"]),
        ("May 17 v Northampton", ["Northampton"]),  # a tour's itinerary
        ("July 16-18 v Glamorgan ( three days )", ["Glamorgan"]),
        ("67 not out ) v Hampshire .", ["Hampshire"]),  # a scorecard's other side
        ("x-Olympiakos v Ferencvaros ( Hungary )", ["Ferencvaros"]),
    ],
)
def test_the_shape_of_a_sports_line_names_its_teams(line: str, teams: list[str]) -> None:
    assert names(f"Results on Saturday.\n{line}\nMore later.") == teams


@pytest.mark.parametrize(
    "line",
    [
        "Chicago 11 people were hurt in 2 separate fires on Friday .",  # a score must end the pair
        "The talks in Chicago at noon were short .",  # "at" is a fixture only as the whole line
        "Beijing 25 18",  # two figures: a weather report, not a standings row
        "Smith said 4 of the 10 were found .",
        "Jones Medical Industries Inc said Friday it completed the acquisition .",
        "Nottinghamshire 214 ( P. Johnson 84 ; M. McCague 4-55 )",  # one innings alone is not a scoreboard
        "1. Johan Capiot ( Belgium ) 4:05:22",  # a ranked competitor with no team
        "3. Jans Koerts ( Netherlands ) said he was tired .",
        "In Washington : Clinton 52 percent , Dole 38 percent",  # after a venue, not a county's innings
        "At Worcester : Match drawn .",
        "The ruling in 1973 v. Wade , it said .",  # "v." is also a law report's
        "He said Roe v Wade , the ruling , stood .",  # after a name: a fixture only as the whole line
        "Then 2 v Smith decided it .",  # a name ends the line or a clause
        "CRICKET - ENGLAND V PAKISTAN FINAL TEST SCOREBOARD .",  # a headline's topic, not a fixture's heading
    ],
)
def test_prose_and_other_number_lines_name_no_team(line: str) -> None:
    assert names(line) == []


def test_a_fixture_wrapped_across_two_lines_names_both_teams() -> None:
    text = "Saturday :\nReading v Stoke , Southend v\nSwindon , Luton v Rotherham .\n"
    assert names(text) == ["Reading", "Stoke", "Southend", "Swindon", "Luton", "Rotherham"]


def test_a_team_replaces_the_model_span_over_it_but_not_a_full_name() -> None:
    text = "Chicago 11 TORONTO 2\nGreg Norman 70 68 72 70\nKispest 3 1 1 1 6 7 4"
    found = [FoundEntity(0, 18, "GPE"), FoundEntity(21, 32, "PERSON"), FoundEntity(45, 52, "PERSON")]
    spans, teams = with_teams(text, found)
    assert [(text[f.start : f.end], f.label) for f in spans] == [
        ("Chicago", "ORG"),
        ("TORONTO", "ORG"),
        ("Greg Norman", "PERSON"),  # a golfer's rounds: the shape of a standings row, but a person's full name
        ("Kispest", "ORG"),  # one word the model took for a surname
    ]
    assert teams == {(0, 7), (11, 18), (45, 52)}


def test_the_place_after_at_in_a_fixture_line_is_a_venue() -> None:
    text = "BALTIMORE AT SEATTLE\nThe talks in Chicago at noon were short .\nST LOUIS AT KANSAS CITY"
    assert [text[start:end] for start, end in venue_spans(text)] == ["SEATTLE", "KANSAS CITY"]


def test_the_place_opening_a_results_line_is_a_venue() -> None:
    text = "At Worcester : Match drawn .\nIn Bergen : Brann ( Norway ) 2 Shelbourne ( Ireland ) 1\nIssuer : Acme ."
    assert [text[start:end] for start, end in venue_spans(text)] == ["Worcester", "Bergen"]
    assert [text[start:end] for start, end in venue_spans("In a statement : prices rose .")] == []


def test_a_full_name_in_a_club_s_results_line_is_the_club() -> None:
    text = "Fortuna Duesseldorf 3 1 0 2 1 7 3\nM. Dowman 107 , W. Noon 57 , D. Cox 95\nBilly Mayfair 66 71 70 70"
    found = [FoundEntity(0, 19, "PERSON"), FoundEntity(34, 43, "PERSON"), FoundEntity(73, 86, "PERSON")]
    spans, _ = with_teams(text, found)
    labelled = {text[f.start : f.end]: f.label for f in spans}
    assert labelled["Fortuna Duesseldorf"] == "ORG"
    # a scorecard's initial or a golfer's rounds: the model's person stands
    assert (labelled["M. Dowman"], labelled["Billy Mayfair"]) == ("PERSON", "PERSON")


def test_a_full_name_in_a_row_of_averages_is_a_player() -> None:
    text = "Graham Thorpe 3 5 0 159 77 31.80\nSimon Brown 1 2 1 11 10no -\nNEW YORK 74 58 .561 -\nPartick 3 1 1 1 6 7 4"
    found = [FoundEntity(0, 13, "PERSON"), FoundEntity(33, 44, "PERSON"), FoundEntity(61, 69, "GPE")]
    spans, _ = with_teams(text, found)
    labelled = {text[f.start : f.end]: f.label for f in spans}
    # an average or a not-out score ends a cricketer's row; a standings row ends in points or a fraction
    assert (labelled["Graham Thorpe"], labelled["Simon Brown"]) == ("PERSON", "PERSON")
    assert labelled["NEW YORK"] == "ORG"


def test_a_name_with_a_row_of_averages_is_a_player_in_every_row_whatever_the_model_saw() -> None:
    text = (
        "Batting :\nAamir Sohail 2 3 1 77 46 38.50\nCork 131 23 434 12 36.16\nBowling :\nAamir Sohail 11 3 24 0 -\n"
        "6. Thomas Radstrom ( Sweden ) Toyota Celica 4.09\nEarnings Per Share 0.31 0.34 0.19 0.20\n"
        "Darlington 4 1 1 2 9 8 4"
    )
    spans, teams = with_teams(text, [FoundEntity(text.index("Aamir"), text.index("Aamir") + 12, "ORG")])
    labelled = {(f.start, text[f.start : f.end]): f.label for f in spans}
    assert sorted((name, label) for (_, name), label in labelled.items()) == [
        ("Aamir Sohail", "PERSON"),  # his bowling row has no average: the batting row says who he is
        ("Aamir Sohail", "PERSON"),
        ("Cork", "PERSON"),
        ("Darlington", "ORG"),  # a standings row ends in points
        ("Earnings Per Share", "ORG"),  # a company's figures, each with two decimals
        ("Toyota Celica", "ORG"),  # a rally's time behind, one figure
    ]
    assert sorted(text[s:e] for s, e in teams) == ["Darlington", "Earnings Per Share", "Toyota Celica"]


def places_played(text: str, places: list[str]) -> tuple[list[str], list[str]]:
    """Teams and venues `played_spans` finds where the 'model' read each of `places` (first occurrence) a place."""
    found = [FoundEntity(text.index(p), text.index(p) + len(p), "GPE") for p in places]
    teams, venues = played_spans(text, found, lambda name: name in ("Romania", "Lithuania"))
    return [text[s:e] for s, e in teams], [text[s:e] for s, e in venues]


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        (
            "Leicestershire beat Somerset by an innings .",
            ["Leicestershire", "Somerset"],
            ["Leicestershire", "Somerset"],
        ),
        ("He added a 9-5 victory over Seattle .", ["Seattle"], ["Seattle"]),
        ("after Nice 's home defeat to Guingamp 2-1 in the league .", ["Guingamp"], ["Guingamp"]),
        ("Brian Giles homered for Cleveland .", ["Cleveland"], ["Cleveland"]),
        ("Norwich striker Keith O'Neill , Texas manager Johnny Oates", ["Norwich", "Texas"], ["Norwich", "Texas"]),
        ("The 26-year-old , who joined Newcastle for 15 million", ["Newcastle"], ["Newcastle"]),
        ("struggling French first division side Nice , the club said", ["Nice"], ["Nice"]),
        # a country stays a place; a sport's words are no sport's elsewhere
        ("Romania beat Lithuania 2-1 on Friday .", ["Romania", "Lithuania"], []),
        ("Zhirinovsky told Saddam before he left Baghdad on Wednesday .", ["Baghdad"], []),
        ("Russia has joined the West in its support of Kostunica .", ["West"], []),
        ("Nagin defeated New Orleans police chief Richard Pennington .", ["New Orleans"], []),
        ("Kurds hoped for protection against Baghdad .", ["Baghdad"], []),
    ],
)
def test_a_place_a_match_report_has_play_is_a_team(text: str, places: list[str], expected: list[str]) -> None:
    assert places_played(text, places)[0] == expected


def test_a_place_before_a_plural_nickname_in_a_game_is_the_team_s_whole_name() -> None:
    text = (
        "Dean Palmer homered as the Texas Rangers beat the Cleveland Indians Wednesday 10-8 .\n"
        "The Toronto Stars education reporter wrote .\nKansas Republicans hold caucuses .\n"
        "Fishing in the Florida Keys after the game ."
    )
    teams, _ = places_played(text, ["Texas", "Cleveland", "Toronto", "Kansas", "Florida"])
    # no game on the Stars' or the Republicans' line; the Keys are the land's
    assert teams == ["Texas Rangers", "Cleveland Indians"]


def test_where_a_team_s_city_hosts_a_game_it_stays_a_place() -> None:
    text = "Chris Hoiles homered for Baltimore .\nIn Baltimore , Cal Ripken had four hits .\nIn Chicago , rain fell ."
    starts = [text.index("Baltimore"), text.index("Baltimore", 30), text.index("Chicago")]
    found = [FoundEntity(start, start + length, "GPE") for start, length in zip(starts, (9, 9, 7), strict=True)]
    teams, venues = played_spans(text, found, lambda name: False)
    # the first Baltimore plays, the second hosts; Chicago plays nowhere, so it is no team's venue
    assert (teams, venues) == ([(starts[0], starts[0] + 9)], [(starts[1], starts[1] + 9)])


def test_a_mention_the_model_missed_plays_too_but_only_a_town_the_model_saw_hosts() -> None:
    text = (
        "Two behind Baltimore .\nThe Seattle Mariners routed Baltimore 10-3 .\n"
        "PSV won 3-1 at Volendam .\nVolendam coach Co Adriaanse left ."
    )
    found = [
        FoundEntity(text.index("Baltimore"), text.index("Baltimore") + 9, "GPE"),
        FoundEntity(text.index("Volendam"), text.index("Volendam") + 8, "FAC"),
    ]
    teams, venues = played_spans(text, found, lambda name: False)
    second = text.index("Baltimore", 20)
    coach = text.index("Volendam", text.index("Volendam") + 1)
    # the model read neither of these mentions; "at Volendam" was a building to it, so no town hosts there
    assert (teams, venues) == ([(second, second + 9), (coach, coach + 8)], [])
