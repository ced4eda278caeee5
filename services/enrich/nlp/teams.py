"""Sports teams in results and standings lines: "Port Vale 2 Oxford 0", "BALTIMORE AT SEATTLE", "HOUSTON 73 63 .537 -".

Wire copy reports sport as bare lines of names and numbers, and there a place name is a team (Chicago's baseball
club, Somerset's cricket club), an organisation. The model reads such a line as a list of places, or misses its
names when they are set in capitals. The shape of the line settles it whatever the case: two names each followed
by a score; two names joined by "v" (or one after it, in an itinerary), or a visiting team "at" a place; a name
followed by a row of figures (played, won, lost, points); totals after names in a scoreboard; the make or team
after a ranked competitor's nationality.
A country stays a place (the entity rules label countries so): national sides are written as their country.
In a match report's prose a place is a team where the words around it have it play ("Leicestershire beat
Somerset", "homered for Cleveland", "the Cleveland Indians"): `played_spans`.
"""

import itertools
import re
from collections.abc import Callable, Iterable, Sequence

from services.enrich.nlp.annotation import FoundEntity, overlap_test, replaced
from services.enrich.nlp.places import PLACE_LABELS

_LINE = re.compile(r"[^\n]+")
_TOKEN = re.compile(r"\S+")
_SCORE = re.compile(r"\d{1,3}")
_INNINGS = re.compile(r"\d{1,3}(?:-\d{1,2})?")  # a cricket total, "133-5" with wickets
_FIGURE = re.compile(r"(?:\d+(?:[./-]\d+)*|\.\d+|-)")  # 73, .537, 5-2, 1/2, and "-" for none
_FIXTURE_WORDS = frozenset({"v", "v.", "vs", "vs."})  # "Birmingham v Barnsley": only a fixture writes these
_AT = "at"  # "CHICAGO AT TORONTO": a fixture when it is the whole line
_AT_LINE = re.compile(r"^[^\n]*?[ \t](?:at|AT|At)[ \t][^\n]*", re.MULTILINE)  # the lines worth reading for a venue
MAX_NAME_WORDS = 4
_NAME_JOINERS = frozenset({"of", "the", "'s", "de"})
MIN_FIGURES = 4  # a standings row; a line of two or three numbers may be a weather report or an address
_VENUE_OPENERS = frozenset({"At", "In"})
_AFTER_INNINGS = frozenset({"(", "and", "declared", "all", "in", "v", ",", "."})  # not "52 percent"
_VENUE_LINE = re.compile(r"^(?:At|In)[ \t][^\n]*?[ \t]:[^\n]*", re.MULTILINE)
_RANK = re.compile(r"\d{1,3}\.")  # "7." opening a row of a ranked list
_SEPARATORS = re.compile(r"\s[,:;]\s|[,:;]\s")

Token = tuple[int, int, str]


def _is_name_word(word: str) -> bool:
    """A capitalised word of letters ("Vale", "ST", "O'Neill"), not a figure, not a lone bracket."""
    return word[0].isupper() and not any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)


def _name(tokens: Sequence[Token], first: int) -> int:
    """Index after the capitalised words starting at `first` (at most MAX_NAME_WORDS); `first` if none.
    A fixture's joining word ends the name: "BALTIMORE AT SEATTLE". Small words join capitalised ones inside a
    name ("Queen of the South", "Heriot 's F.P.")."""
    last = first
    while last < len(tokens) and last - first < MAX_NAME_WORDS:
        if not _is_name_word(tokens[last][2]):
            inner = last
            while inner < len(tokens) and tokens[inner][2] in _NAME_JOINERS:
                inner += 1
            if last == first or inner == last or inner - first >= MAX_NAME_WORDS:
                break  # a name does not open or end on a small word ("Aa Bb Cc of" is no name)
            if inner >= len(tokens) or not _is_name_word(tokens[inner][2]):
                break
            last = inner
            continue
        if last > first and tokens[last][2].casefold() in _FIXTURE_WORDS | {_AT}:
            break
        last += 1
    return last


def _after_qualifier(tokens: Sequence[Token], index: int) -> int:
    """Index after a short bracketed qualifier at `index` ("Buducnost ( P ) 0", "Mladost ( BJ ) 2"), if any."""
    if index + 2 < len(tokens) and tokens[index][2] == "(" and tokens[index + 2][2] == ")":
        return index + 3
    return index


def _after_brackets(tokens: Sequence[Token], index: int) -> int:
    """Index after a bracketed group at `index` (its scorers, say), if one opens there and closes on the line."""
    if index >= len(tokens) or tokens[index][2] != "(":
        return index
    for end in range(index + 1, len(tokens)):
        if tokens[end][2] == ")":
            return end + 1
        if tokens[end][2] == "(":
            break
    return index


def _span(tokens: Sequence[Token], first: int, last: int) -> tuple[int, int]:
    return tokens[first][0], tokens[last - 1][1]


def _result(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """ "Port Vale 2 Oxford 0", "MILWAUKEE 5 Minnesota 4 ( in 12 )": name, score, name, score, then only brackets."""
    if tokens and tokens[-1][2] == ".":
        tokens = tokens[:-1]  # "Bordeaux 0 Auxerre 0 ."
    end_a = _name(tokens, 0)
    score_a = _after_qualifier(tokens, end_a)
    if end_a == 0 or score_a >= len(tokens) or not _SCORE.fullmatch(tokens[score_a][2]):
        return []
    after_a = _after_brackets(tokens, score_a + 1)  # "Volendam 1 ( Jongsma 85th ) PSV Eindhoven 3"
    end_b = _name(tokens, after_a)
    score_b = _after_qualifier(tokens, end_b)
    if end_b == after_a or score_b >= len(tokens) or not _SCORE.fullmatch(tokens[score_b][2]):
        return []
    if score_b + 1 < len(tokens) and not tokens[score_b + 1][2].startswith("("):
        return []
    return [_span(tokens, 0, end_a), _span(tokens, after_a, end_b)]


def _fixture(tokens: Sequence[Token], *, whole_line: bool) -> list[tuple[int, int]]:
    """ "Birmingham v Barnsley"; "BALTIMORE AT SEATTLE" only as a line of its own."""
    end_a = _name(tokens, 0)
    if end_a == 0 or end_a >= len(tokens):
        return []
    word = tokens[end_a][2].casefold()
    if word not in _FIXTURE_WORDS and not (whole_line and word == _AT):
        return []
    end_b = _name(tokens, end_a + 1)
    if end_b == end_a + 1 or end_b != len(tokens):
        return []
    if word == _AT:
        return [_span(tokens, 0, end_a)]  # the visitors; what follows "at" is where they play
    return [_span(tokens, 0, end_a), _span(tokens, end_a + 1, end_b)]


_BARE_FIXTURE_WORDS = frozenset({"v", "vs"})  # "v." is also a law report's: "Roe v. Wade"
_NAME_ENDS = frozenset({"(", ".", ",", ";", ":"})


def _opponents(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """A team after "v" that follows no name: a tour's itinerary ("May 17 v Northampton", "July 16-18 v Glamorgan
    ( three days )"), the other side of a scorecard ("67 not out ) v Hampshire ."), a draw ("x-Olympiakos v
    Ferencvaros ( Hungary )"). The name ends the line or a clause."""
    teams: list[tuple[int, int]] = []
    for index in range(len(tokens) - 1):
        if tokens[index][2] not in _BARE_FIXTURE_WORDS or (index and _is_name_word(tokens[index - 1][2])):
            continue
        end = _name(tokens, index + 1)
        if end > index + 1 and (end == len(tokens) or tokens[end][2] in _NAME_ENDS):
            teams.append(_span(tokens, index + 1, end))
    return teams


def _standing(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """ "Darlington 4 1 1 2 9 8 4", "10. ST LOUIS 69 65 .515 2 1/2": a name (after a rank, if any), then only
    figures, MIN_FIGURES or more."""
    first = 1 if tokens and _RANK.fullmatch(tokens[0][2]) else 0
    end = _name(tokens, first)
    if end == first:
        return []
    figures = tokens[end:]
    if len(figures) < MIN_FIGURES or not all(_FIGURE.fullmatch(token[2]) for token in figures):
        return []
    if not any(ch.isdigit() for token in figures for ch in token[2]):
        return []
    return [_span(tokens, first, end)]


def _entrant(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """ "7. Mika Salo ( Finland ) Tyrrell 1:00.754", "5. Wim Omloop ( Belgium ) Collstrop same time": in a ranked
    list of competitors, the name after the bracketed nationality is the competitor's team or make."""
    if len(tokens) < 6 or not _RANK.fullmatch(tokens[0][2]):
        return []
    words = [token[2] for token in tokens]
    if "(" not in words[2:] or ")" not in words:
        return []
    close = words.index(")")
    if close < words.index("(", 2):
        return []
    end = _name(tokens, close + 1)
    if end == close + 1:
        return []
    if end < len(tokens) and not (any(ch.isdigit() for ch in words[end]) or words[end][0].islower()):
        return []
    return [_span(tokens, close + 1, end)]


def _scoreboard(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """ "Worcestershire 238 and 133-5 , Derbyshire 471 ( J. Adams 123 )", "Leicestershire 22 points , Somerset 4":
    two or more comma-separated names each followed by its score (bracketed details left out)."""
    outside: list[Token] = []
    depth = 0
    for token in tokens:
        depth += token[2] == "("
        if depth == 0:
            outside.append(token)
        depth = max(0, depth - (token[2] == ")"))
    segments: list[list[Token]] = [[]]
    for token in outside:
        if token[2] in (",", ":", ";"):
            segments.append([])
        elif token[2] != ".":
            segments[-1].append(token)
    teams: list[tuple[int, int]] = []
    for segment in segments:
        end = _name(segment, 0)
        rest = [token[2] for token in segment[end:]]
        if end == 0 or not rest or not _INNINGS.fullmatch(rest[0]):
            continue
        if rest[1:] in ([], ["points"], ["pts"]) or (
            len(rest) == 3 and rest[1] == "and" and _INNINGS.fullmatch(rest[2])
        ):
            teams.append(_span(segment, 0, end))
    return teams if len(teams) >= 2 else []


def _venue_end(tokens: Sequence[Token]) -> int:
    """ "At Worcester : Warwickshire 310 ( A. Giles 83 ...", "In Bergen : Brann ( Norway ) 2 Shelbourne ( Ireland )
    1": the index of the colon after a line's opening venue; 0 if the line opens with none."""
    if len(tokens) < 3 or tokens[0][2] not in _VENUE_OPENERS:
        return 0
    end = _name(tokens, 1)
    return end if 1 < end < len(tokens) and tokens[end][2] == ":" else 0


def _innings(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """After a venue, a county's innings or its win: "Sussex 368-7 ( N. Lenham 145 ...", "Essex beat
    Gloucestershire by an innings"."""
    end = _name(tokens, 0)
    if end == 0 or end >= len(tokens):
        return []
    if _INNINGS.fullmatch(tokens[end][2]) and (end + 1 == len(tokens) or tokens[end + 1][2] in _AFTER_INNINGS):
        return [_span(tokens, 0, end)]
    if tokens[end][2] == "beat" and (other := _name(tokens, end + 1)) > end + 1:
        return [_span(tokens, 0, end), _span(tokens, end + 1, other)]
    return []


def tokenised(text: str, start: int, end: int) -> list[Token]:
    """The whitespace-separated tokens of text[start:end], with their offsets: how every sports line is read."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def _clauses(text: str, start: int, end: int) -> list[list[Token]]:
    """The tokens of text[start:end] in clauses, split at commas, colons and semicolons."""
    clauses: list[list[Token]] = []
    cursor = start
    for separator in [*_SEPARATORS.finditer(text, start, end), None]:
        stop = separator.start() if separator else end
        if clause := tokenised(text, cursor, stop):
            clauses.append(clause)
        cursor = separator.end() if separator else stop
    return clauses


def _listed_fixtures(text: str, line: re.Match[str], following: re.Match[str] | None) -> list[tuple[int, int]]:
    """A line listing fixtures, "Postponed : Birmingham v Barnsley , Manchester City v Charlton"; a clause may open on
    its heading ("English division one - West Bromwich v Sheffield United .") and, wrapped as wire copy is, the line
    may end inside a fixture the next line's first clause ends ("Bradford v" | "Tranmere , Grimsby v Portsmouth")."""
    teams: list[tuple[int, int]] = []
    for clause in _clauses(text, line.start(), line.end()):
        dashes = [i for i, token in enumerate(clause) if token[2] == "-"]
        if dashes and any(ch.islower() for token in clause[: dashes[-1]] for ch in token[2]):
            clause = clause[dashes[-1] + 1 :]  # not a headline's topic: "CRICKET - ENGLAND V PAKISTAN SCOREBOARD"
        if following and clause and clause[-1][2].casefold() in _FIXTURE_WORDS:
            # the next line is read only here: most lines end in no fixture word
            wrapped = _clauses(text, following.start(), following.end())
            clause = [*clause, *(wrapped[0] if wrapped else [])]
        if clause and clause[-1][2] == ".":
            clause = clause[:-1]
        if clause:
            teams.extend(_fixture(clause, whole_line=False))
    return teams


def team_spans(text: str) -> Iterable[tuple[int, int]]:
    """Where `text` names a team in a results, fixtures or standings line."""
    lines = list(_LINE.finditer(text))
    for number, line in enumerate(lines):
        tokens = tokenised(text, line.start(), line.end())
        if venue := _venue_end(tokens):
            tokens = tokens[venue + 1 :]
        if not tokens:
            continue
        found = (
            _result(tokens)
            or _standing(tokens)
            or _entrant(tokens)
            or _fixture(tokens, whole_line=True)
            or _scoreboard(tokens)
            or (_innings(tokens) if venue else [])
        )
        if not found:
            found = _listed_fixtures(text, line, lines[number + 1] if number + 1 < len(lines) else None)
        found = found or _opponents(tokens)
        yield from found


def venue_spans(text: str) -> Iterable[tuple[int, int]]:
    """ "BALTIMORE AT SEATTLE": where a fixture line says the visitors play, a place (the home team is not named);
    "At Worcester : Match drawn", "In Bergen : Brann ( Norway ) 2 ...": where a results line says it was played."""
    for line in _VENUE_LINE.finditer(text):
        tokens = tokenised(text, line.start(), line.end())
        if venue := _venue_end(tokens):
            yield _span(tokens, 1, venue)
    for line in _AT_LINE.finditer(text):
        tokens = tokenised(text, line.start(), line.end())
        end_a = _name(tokens, 0)
        if 0 < end_a < len(tokens) and tokens[end_a][2].casefold() == _AT and _fixture(tokens, whole_line=True):
            yield _span(tokens, end_a + 1, len(tokens))


_INITIAL = re.compile(r"[A-Z]\.")
_ROUND = re.compile(r"[6-8]\d")  # a golfer's round: 60 to 89 strokes (two in a row: "St Helens 66 Warrington 14")
# A cricketer's averages: a row ending in an average ("Graham Thorpe 3 5 0 159 77 31.80") or holding a not-out
# score ("Ata-ur-Rehman 2 2 2 10 10no -"); a standings row ends in points, or a fraction without a leading digit.
_AVERAGE = re.compile(r"\d{1,3}\.\d\d")
_NOT_OUT = re.compile(r"\d{1,3}no")
_ROW_REST = re.compile(r"[^\n]{0,80}(?=\n|$)")  # an averages row is short: a long line is no such row, nor scanned


def _reads_as_player(text: str, start: int, end: int) -> bool:
    """Where the model saw a full name, whether the line shows a player rather than a club: a scorecard's initial
    ("M. Dowman 107"), a golfer's round ("Billy Mayfair 66 71 70 70") or a cricketer's averages. Otherwise the
    model's person is a club it took for a name ("Fortuna Duesseldorf 3 1 0 2 1 7 3", "Sokol Tychy 5 Lech Poznan
    3"): clubs outnumber such players in results lines by nine to one in wire copy."""
    if _INITIAL.match(text, start):
        return True
    rounds = [token.group() for token in itertools.islice(_TOKEN.finditer(text, end), 2)]
    if len(rounds) == 2 and all(_ROUND.fullmatch(figure) for figure in rounds):
        return True
    return _is_averages_row(text, end)


def _is_averages_row(text: str, end: int) -> bool:
    """Whether the figures after a name (ending at `end`) are a cricketer's averages: "Graham Thorpe 3 5 0 159 77
    31.80", "Cork 131 23 434 12 36.16", "Ata-ur-Rehman 2 2 2 10 10no -"."""
    rest = _ROW_REST.match(text, end)
    figures = rest.group().split() if rest is not None else []
    if len(figures) >= MIN_FIGURES and _AVERAGE.fullmatch(figures[-1]):
        # not a rally's time behind the leader ("Toyota Celica 4.09") nor a row of a company's figures ("Earnings
        # Per Share 0.31 0.34 0.19 0.20"): counts, then the one average
        return not any(map(_AVERAGE.fullmatch, figures[:-1]))
    return any(map(_NOT_OUT.fullmatch, figures))


def with_teams(text: str, found: Sequence[FoundEntity]) -> tuple[list[FoundEntity], set[tuple[int, int]]]:
    """The model's spans with every team of a results or standings line labelled an organisation, and those teams.

    A model span overlapping a team gives way to it ("Chicago 11 TORONTO" read as one place, "Tyrrell" as a
    surname), unless the model saw a person's full name there and the line reads as a player's (an initial, a
    golfer's round: a golfer's row of round scores has the shape of a standings row). A name with a row of cricket
    averages is a person's wherever the table names it, and not returned as a team.
    """
    teams = sorted(set(team_spans(text)))
    if not teams:
        return list(found), set()
    people = [(f.start, f.end) for f in found if f.label == "PERSON" and " " in text[f.start : f.end].strip()]
    on_person = overlap_test(people)
    teams = [(s, e) for s, e in teams if not (on_person(s, e) and _reads_as_player(text, s, e))]
    # A row of averages is a player's whatever the model saw: no club's standings end in a batting average. So is
    # every other row of the same name ("Aamir Sohail 11 3 24 0 -", his bowling without a wicket).
    averaged = {text[s:e] for s, e in teams if _is_averages_row(text, e)}
    players = [(s, e) for s, e in teams if text[s:e] in averaged]
    teams = [(s, e) for s, e in teams if text[s:e] not in averaged]
    return replaced(replaced(found, teams, "ORG"), players, "PERSON"), set(teams)


# In match reports a place is a team where the sentence has it play: it beats or is beaten ("Leicestershire beat
# Somerset", "a 9-5 victory over Seattle", "the home defeat to Guingamp"), it is a player's or a manager's club
# ("Norwich striker Keith O'Neill", "homered for Cleveland", "has joined Espanyol") or named as one ("French first
# division side Nice", "rivals Leicestershire"). The words are a match report's own: "beat" and "rivals" seldom
# take a place in other news; "against", "over" and "for" alone do, so they count only in a sport's phrases.
# A win's verbs, read both ways: the place before them won, the place after them lost.
_WIN_VERBS = r"beat|defeated|edged|routed|thrashed|downed|outscored|blanked|trounced"
_PLAYED_BEFORE = re.compile(
    rf"(?:\b(?:{_WIN_VERBS}|beats|beating|defeats|outdueled|whipped|overcame|outlasted|outplayed"
    r"|(?:victory|victories|win|wins|triumph|lead|success|successes)[ \t]+over"
    r"|(?:defeat|defeats|loss|losses|lost|losing|lose|loses)[ \t]+(?:to|by|against)"
    r"|(?:draw|drew|drawn)[ \t]+(?:with|against)"
    r"|(?:homers?|homered|scored|scores|played|plays|playing|pitched|pitching|goals?|tries|RBI)[ \t]+for"
    r"|side|club|champions|rivals|leaders|outfit|holders|visitors|opponents|v|vs\.?)[ \t]+(?:the[ \t]+)?"
    r"|\b(?:joined|joins|rejoined|loaned[ \t]+to|on[ \t]+loan[ \t]+(?:to|from|at))[ \t]+)$"
)
_PLAYED_AFTER = re.compile(
    r"(?:[ \t]+(?:'s|\u2019s))?[ \t]+(?:skipper|striker|forward|midfielder|defender|goalkeeper|keeper|manager|coach"
    r"|team[ \t-]?mates?|teammates?|organisation|organization|pitcher|quarterback|winger|full-back|outfielder"
    r"|infielder|catcher|shortstop|reliever|batsman|bowler|all-rounder|wicketkeeper|line-?up)\b"
    r"|(?:[ \t]+(?:'s|\u2019s))[ \t]+(?:victory|win|defeat|loss)\b"
    rf"|[ \t]+(?:{_WIN_VERBS}|rallied|clinched)\b"
    r"|[ \t]+a[ \t]+\d{1,3}-\d{1,3}\b"  # "gave Texas a 2-0 lead"
    r"|[ \t]+(?:has|have|had)[ \t]+(?:won|lost)[ \t]+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)[ \t]+of\b"
)
# After a place those words take as their object, a noun that makes it a modifier: "defeated New Orleans police
# chief Richard Pennington" is an election.
_MODIFIED = re.compile(
    r"[ \t]+(?:police|mayor|governor|officials?|council|city|residents?|authorities|firm|company|court|judge"
    r"|senator|lawmakers|voters|area|region|state|county|department|native|businessman|lawyer|attorney|sheriff)\b"
)
_CONTEXT = 40  # characters read on either side of a place for those words
# "the Cleveland Indians", "Chicago White Sox": a place followed by a plural nickname names a team, the whole of it
# (the model reads a place and a people), where the line around it tells of a game (a score, "beat", "season").
# Not where the plural is the land's ("Florida Keys", "Ilan Counties"), a games' ("Atlanta Olympics") or a party's.
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"  # "beat the Cleveland Indians Wednesday"
_NICKNAME = re.compile(
    rf"[ \t]+(?:(?:Red|White|Blue)[ \t]+)?([A-Z][a-z]+s|Sox)\b(?![ \t]+(?!{_WEEKDAY})[A-Z])(?![\w'\u2019])"
)
_NOT_NICKNAMES = re.compile(
    r"(?i:islands|isles|mountains|falls|springs|heights|lakes|hills|keys|plains|highlands|straits|sands|counties"
    r"|olympics|games|championships|paralympics|republicans|democrats|liberals|conservatives|socialists)"
)
_GAME = re.compile(
    r"\b(?:\d{1,3}-\d{1,3}|beat|beats|defeated|victory|win|wins|won|lost|loss|game|games|season|innings?|league"
    r"|homer(?:s|ed)?|scored|match|playoffs?|series|coach|manager|pitcher|rallied|edged|blanked|routed)\b"
)
_GAME_WINDOW = 80  # characters of the line on either side of a nickname read for a game
_VENUE_BEFORE = re.compile(r"\b(?:[Ii]n|[Aa]t)[ \t]+$")  # "In Baltimore , Cal Ripken had four hits"


def _line_around(text: str, start: int, end: int) -> str:
    """Up to _GAME_WINDOW characters either side of text[start:end], within its line."""
    newline = text.rfind("\n", max(0, start - _GAME_WINDOW), start)
    left = newline + 1 if newline >= 0 else max(0, start - _GAME_WINDOW)
    newline = text.find("\n", end, end + _GAME_WINDOW)
    return text[left : newline if newline >= 0 else end + _GAME_WINDOW]


def played_spans(
    text: str, found: Sequence[FoundEntity], is_country: Callable[[str], bool]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where a match report's words show a name the model took for a place playing, teams (any mention of the name:
    "the Seattle Mariners routed Baltimore 10-3" where the model read "Baltimore" elsewhere only), and the model's
    mentions of those names that say where a game was played ("In Baltimore ,"), which stay places. A country stays
    a place, as in results lines."""
    named = [f for f in found if f.label in PLACE_LABELS and not is_country(text[f.start : f.end])]
    if not named:
        return [], []
    names_read = sorted({text[f.start : f.end] for f in named}, key=len, reverse=True)
    mentioned = re.compile(rf"(?<![\w'-])(?:{'|'.join(map(re.escape, names_read))})(?![\w'-])")
    places = [FoundEntity(m.start(), m.end(), "GPE") for m in mentioned.finditer(text)]
    teams: list[tuple[int, int]] = []
    for f in places:
        if (
            (nickname := _NICKNAME.match(text, f.end)) is not None
            and _NOT_NICKNAMES.fullmatch(nickname.group(1)) is None
            and _GAME.search(_line_around(text, f.start, nickname.end())) is not None
        ):
            teams.append((f.start, nickname.end()))
        elif (
            _PLAYED_BEFORE.search(text, max(0, f.start - _CONTEXT), f.start) is not None
            and _MODIFIED.match(text, f.end) is None
        ) or _PLAYED_AFTER.match(text, f.end, f.end + _CONTEXT) is not None:
            teams.append((f.start, f.end))
    names = {text[start:end] for start, end in teams}
    venues = [
        (f.start, f.end)
        for f in named
        if f.label != "FAC"  # "at Hungry Jack's fast food restaurant": the model saw a building there, not a town
        and text[f.start : f.end] in names
        and _VENUE_BEFORE.search(text, max(0, f.start - 4), f.start) is not None
    ]
    return teams, venues
