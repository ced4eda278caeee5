"""Cricket scorecards: batting lines ("Aamir Sohail c Cork b Croft 46", "M. Atherton lbw b Mushtaq Ahmed 1") and
bowling figures ("Bowling : Wasim Akram 15.4-1-67-3 , Waqar Younis 18-3-55-1").

A batting line names the batsman, how he was out and by whom (the fielder who caught him, the keeper who stumped
him, the bowler), then his runs. Every name on such a line is a person, but the model, reading a line of bare
names without a sentence around them, calls many of them places ("Chandana", "Cork") or misses them ("Mullally",
"Inzamam-ul-Haq"). The line's shape settles it.
A bowler's figures (overs, maidens, runs, wickets) follow his name, sometimes on the next line when a long list of
bowlers wraps.
"""

import re
from collections.abc import Iterable, Sequence

from services.enrich.nlp.competitors import PARTICLE, SURNAME_PARTICLES
from services.enrich.nlp.teams import Token, tokenised

_LINE = re.compile(r"[^\n]+")
_RUNS = re.compile(r"\d{1,3}\*?")
# A word of a name: capitalised ("Croft", "Inzamam-ul-Haq", "O'Gorman"), an initial or initials run into a name
# ("M.", "A.de"); the small words that start or join a surname ("de Silva", "van Troost") only before one.
# Atomic, so that a long run of initials that is no name ("A.A.A...!") is given up at once, not retried split by split.
_NAME_WORD = re.compile(r"(?>(?:[A-Z]\.)*[A-Z][\w'.-]*|[A-Z]\.[a-z]+)")
MAX_NAME_WORDS = 4
# A bowler: up to MAX_NAME_WORDS words of a name after the start of a line, a colon or a comma, then his figures
# ("10-1-40-0", "15.4-1-67-3"), which may wrap onto the next line. Every repetition is bounded, so a hostile line
# costs linear time.
_BOWLER = re.compile(
    rf"(?:^|[:,][ \t]+)((?:{PARTICLE}[ \t]+)?(?:{_NAME_WORD.pattern})"
    rf"(?:[ \t]+(?:{PARTICLE}[ \t]+)?(?:{_NAME_WORD.pattern})){{0,{MAX_NAME_WORDS - 1}}})"
    r"[ \t]*\n?[ \t]*\d{1,3}(?:\.\d)?-\d{1,3}-\d{1,3}-\d{1,2}(?![\w-])",
    re.MULTILINE,
)


def _name(tokens: Sequence[Token], first: int) -> int:
    """Index after the name starting at `first` (at most MAX_NAME_WORDS words); `first` if none starts there."""
    last = first
    while last < len(tokens) and last - first < MAX_NAME_WORDS:
        word = tokens[last][2]
        particle = word in SURNAME_PARTICLES and last + 1 < len(tokens) and _NAME_WORD.fullmatch(tokens[last + 1][2])
        if not (particle or _NAME_WORD.fullmatch(word)):
            break
        last += 1
    return last


def _dismissal(tokens: Sequence[Token], at: int) -> tuple[int, list[tuple[int, int]]] | None:
    """Where the dismissal starting at `at` ends, and the names it gives; None if none starts there."""
    words = [token[2] for token in tokens]

    def named(first: int) -> int:
        end = _name(tokens, first)
        if end == first:
            raise ValueError
        names.append((tokens[first][0], tokens[end - 1][1]))
        return end

    names: list[tuple[int, int]] = []
    rest = words[at : at + 3]
    try:
        if rest[:2] in (["not", "out"], ["retired", "hurt"]):
            return at + 2, names
        if rest[:2] == ["run", "out"]:
            end = at + 2
            if end < len(words) and words[end] == "(":  # "run out ( Thorpe )"
                end = named(end + 1)
                if end >= len(words) or words[end] != ")":
                    return None
                end += 1
            return end, names
        if rest == ["c", "&", "b"]:
            return named(at + 3), names
        if rest[:2] == ["lbw", "b"]:
            return named(at + 2), names
        if rest[:1] == ["b"]:
            return named(at + 1), names
        if rest[:1] in (["c"], ["st"]):
            end = named(at + 1)
            if end >= len(words) or words[end] != "b":
                return None
            return named(end + 1), names
    except ValueError:
        return None
    return None


def _batting(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The names on a batting line: the batsman, then those his dismissal names; then his runs (and perhaps
    balls, fours and sixes), nothing else."""
    end = _name(tokens, 0)
    if end == 0 or (dismissal := _dismissal(tokens, end)) is None:
        return []
    after, names = dismissal
    figures = [token[2] for token in tokens[after:]]
    if not figures or not all(_RUNS.fullmatch(figure) for figure in figures):
        return []
    return [(tokens[0][0], tokens[end - 1][1]), *names]


def batsmen_spans(text: str) -> Iterable[tuple[int, int]]:
    """Where `text` names a batsman, fielder or bowler on a batting scorecard's line."""
    for line in _LINE.finditer(text):
        tokens = tokenised(text, line.start(), line.end())
        if len(tokens) >= 3:
            yield from _batting(tokens)


def bowlers_spans(text: str) -> Iterable[tuple[int, int]]:
    """Where `text` names a bowler before his figures."""
    return (match.span(1) for match in _BOWLER.finditer(text))
