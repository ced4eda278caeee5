"""Competitors in individual sports' results: "7. Abel Anton ( Spain ) 28:18.44", "4 - Kimiko Date ( Japan ) beat
Gabriela Sabatini ( Argentina )", "3. Andreas Kappes - Carsten Wolf ( Germany ) 23".

Results write a competitor as a full name and a bracketed country, after a rank or a seeding at the start of the
line, or after "beat" or "vs." in a draw. The model, without a sentence around the names, misses many of them or
runs a seeding into one ("2 - Monica Seles" as a percentage). The row's shape settles it. A pair or a crew
("Andreas Kappes - Carsten Wolf", "Yap Kim Hock / Cheah Soon Kit") is two people.

A team sheet lists its players by shirt number ("France - 1 - Bernard Lama ; 2 - Lilian Thuram ( 14 - Sabri Lamouchi
87th ) , 5 - Laurent Blanc"), a leaderboard its golfers by their rounds ("284 D.A. Weibring 73 69 74 68") or holes
played ("+3 Anders Forsbrand ( Sweden ) through 5"), a match report its scorers and a squad under a label or a
country ("Scorers : Petr Gunda ( 1st and 26th )"). The model finds few of them there.
"""

import itertools
import re
from collections.abc import Callable, Iterable

# A full name: two to four capitalised words ("Arantxa Sanchez Vicario", "MaliVai Washington", "Jean-Michel Monin"),
# with the small words of a surname among them ("Maarten den Bakker", "Jan Van Eiden").
_WORD = r"[A-Z][\w'.-]*"
SURNAME_PARTICLES = frozenset(
    {
        *("de", "del", "della", "den", "der", "van", "von", "da", "das", "do", "dos", "di", "du"),
        *("le", "la", "al", "el", "ul", "bin", "ben"),
    }
)
PARTICLE = "(?:" + "|".join(sorted(SURNAME_PARTICLES)) + ")"  # one of them, as a pattern
_NAME = rf"{_WORD}(?: (?:{PARTICLE} ){{0,2}}{_WORD}){{1,3}}"
_NAME_OR_SURNAME = rf"{_WORD}(?: (?:{PARTICLE} ){{0,2}}{_WORD}){{0,3}}"  # "Gomez" too
# Where a row names a competitor: after a rank ("7.", "=3") or a seeding ("4 -", "5/8 -") opening the line; after
# the word that joins the two sides of a draw; or opening a line that has such a word ("Monica Seles ( U.S. ) beat").
# Not any line that opens with a name and a country: "Toyota Motor Corp ( Japan ) said" is a company.
_SEEDING = r"\d{1,2}(?:/\d{1,2})? -"
_DRAW = r"\b(?:beat|bt|vs\.?|v)"
_BEFORE = rf"(?:^(?:=?\d{{1,3}}\.?|{_SEEDING}) |{_DRAW} (?:{_SEEDING} )?|^(?=[^\n]*{_DRAW}\b))"
# A competitor (or a pair) and the bracketed country: "Kimiko Date ( Japan )", "Andreas Kappes - Carsten Wolf (
# Germany )".
_ENTRY = rf"(?P<names>{_NAME}(?: (?:-|/) {_NAME})?)[ \n]\( (?P<country>[^()\n]{{2,30}}?) \)"
_COMPETITOR = re.compile(rf"{_BEFORE}{_ENTRY}", re.MULTILINE)
# A wire's draw runs its rows together on one line: the winner of the next row follows the last row's score
# ("6-4 6-2 16 - Martina Hingis ( Switzerland ) beat ..."), a round's name ("second round 12 - Todd Martin ( U.S. )
# beat") or a colon ("seeding ) : 1 - Jansher Khan ( Pakistan ) beat"); the "beat" after the country tells it.
_WINNER = re.compile(rf"(?:\d-\d{{1,2}}|:|\bround)(?: {_SEEDING})? {_ENTRY}(?= (?:beat|bt)\b)")
_PARTNER = re.compile(r" (?:-|/) ")
# A golfer's row: a name, perhaps a country, then two or more rounds (60 to 89 strokes), after the total that
# opens the line or after the previous golfer's rounds: "284 D.A. Weibring 73 69 74 68 , Tim Herron 70 67 75 72".
_GOLFER = re.compile(
    rf"(?:^\d{{2,3}}[ \t]+|,[ \t]+)(?P<name>{_NAME})(?:[ \t]+\([^()\n]{{2,30}}\))?(?=[ \t]+[6-8]\d[ \t]+[6-8]\d\b)",
    re.MULTILINE,
)
# A golfer on a leaderboard during a round: his score against par, his name, perhaps his country, and how many holes
# he has played: "+3 Anders Forsbrand ( Sweden ) through 5", "- 1 Hal Sutton through 11".
_GOLFER_PLAYING = re.compile(
    rf"^(?:[+-][ \t]?)?\d{{1,2}}[ \t]+(?P<name>{_NAME})(?:[ \t]+\([^()\n]{{2,30}}\))?(?=[ \t]+through[ \t]+\d)",
    re.MULTILINE,
)
# A shirt number and a name, at the start of an item of a team sheet (after a separator, a bracket or the team's
# " - "); a line of MIN_PLAYERS or more is a team sheet.
_PLAYER = re.compile(rf"(?:^|[,;(]|[ \t]-)[ \t]*\d{{1,2}}[ \t]*-[ \t]*(?P<name>{_NAME_OR_SURNAME})")
_LINE = re.compile(r"[^\n]+")
MIN_PLAYERS = 3
# A scorer and the minutes of his goals, in a result's brackets or after his team: "Volendam 1 ( Jongsma 85th )",
# "( Marcelo 19th , 47th , Nilis 60th )", "Fiorentina - Gabriel Batistuta ( 11th , 83rd )".
_MINUTE = r"\d{1,3}(?:st|nd|rd|th)\b"
_SCORER = re.compile(rf"(?:[(,;][ \t]*|[ \t]-[ \t]+)(?P<name>{_NAME_OR_SURNAME})(?=[ \t]+(?:\([ \t]*)?{_MINUTE})")
# "( April 21st", "On March 3rd": a date has the shape of a scorer's minute.
_CALENDAR = frozenset(
    {
        *("january", "february", "march", "april", "may", "june", "july", "august", "september", "october"),
        *("november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov"),
        *("dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "on", "in", "by"),
    }
)


def competitor_spans(text: str, is_country: Callable[[str], bool]) -> Iterable[tuple[int, int]]:
    """Where `text` names a competitor (each of a pair) in a results row; `is_country` tells a country's name."""
    for match in itertools.chain(_COMPETITOR.finditer(text), _WINNER.finditer(text)):
        if not is_country(match.group("country")):
            continue  # "Anto Drobnjak ( Bastia )": a club, and clubs are written so too
        start = match.start("names")
        for partner in _PARTNER.finditer(text, start, match.end("names")):
            yield start, partner.start()
            start = partner.end()
        yield start, match.end("names")


def player_spans(text: str) -> Iterable[tuple[int, int]]:
    """Where `text` names a player on a team sheet's line, a golfer in a leaderboard's row or a goal's scorer
    (each once: a substitute on a team sheet is written with the minute he came on, "( 14 - Sabri Lamouchi 87th )")."""
    players: dict[tuple[int, int], None] = {}
    for line in _LINE.finditer(text):
        sheet = [match.span("name") for match in _PLAYER.finditer(text, line.start(), line.end())]
        if len(sheet) >= MIN_PLAYERS:
            players.update(dict.fromkeys(sheet))
    players.update(dict.fromkeys(match.span("name") for match in _GOLFER.finditer(text)))
    players.update(dict.fromkeys(match.span("name") for match in _GOLFER_PLAYING.finditer(text)))
    for match in _SCORER.finditer(text):
        if not any(word.rstrip(".").casefold() in _CALENDAR for word in match.group("name").split()):
            players[match.span("name")] = None
    return list(players)


# "Scorers : Petr Gunda ( 1st and 26th ) , Lumir Mistr ( 19th )", "South Africa - Tries : Hannes Strydom , Ruben
# Kruger", "Did not bat : P. Reiffel , D. Flemming", "Austria : Michael Konsel , Markus Schopp , ...": a line that
# lists people under a label a match report uses, or under a country's name (a squad: MIN_SQUAD names or more).
ROSTER_LABELS = frozenset(
    {
        *("squad", "scorer", "scorers", "to-bat", "did-not-bat", "tries", "try", "conversion", "conversions"),
        *("penalty", "penalties", "penalty-goals", "drop-goal", "drop-goals", "sent-off", "booked"),
    }
)
_ROSTER = re.compile(r"^(?P<head>[A-Z][\w.' -]{0,40}?)[ \t]+:[ \t]+(?P<rest>[^\n]+)$", re.MULTILINE)
_BRACKETS = re.compile(r"[ \t]*\([^()\n]*\)")
_ITEM_NAME = re.compile(_NAME_OR_SURNAME)
_ITEM = re.compile(r"[^,;]+")
MIN_SQUAD = 3


def roster_spans(text: str, is_country: Callable[[str], bool]) -> Iterable[tuple[int, int]]:
    """Where `text` names a person in a list of scorers, batsmen or a squad."""
    for line in _ROSTER.finditer(text):
        head = line.group("head")
        label = head.rpartition(" - ")[2].casefold().replace(" ", "-")
        squad = label not in ROSTER_LABELS
        if squad and not is_country(head):
            continue
        rest = _BRACKETS.sub(lambda m: " " * len(m.group()), line.group("rest"))  # keeps offsets
        names: list[tuple[int, int]] = []
        for item in _ITEM.finditer(rest):
            words = item.group().strip(" \t.")
            if not words:
                continue
            if not _ITEM_NAME.fullmatch(words):
                names = []
                break
            start = line.start("rest") + item.start() + item.group().index(words)
            names.append((start, start + len(words)))
        if names and (not squad or len(names) >= MIN_SQUAD):
            yield from names
