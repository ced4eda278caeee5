"""Key phrases: runs of content words (between stop words and punctuation) scored by how often, how early
and whether in the headline they occur, with a bonus for multi-word phrases, which are more specific."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.enrich.entities import ROLE_WORDS
from shared.documents import Keyword

DEFAULT_KEYWORDS = 10
MAX_PHRASE_WORDS = 3
_PHRASE_BREAK = re.compile(r"[^\w\s'\u2019-]|\s[-'\u2019]|[-'\u2019]\s|\n")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_POSSESSIVE = re.compile("['\u2019]s$")
_TITLE_BONUS = 1.0  # a phrase in the headline scores double
_LENGTH_BONUS = 0.5  # per extra word


@dataclass
class _Phrase:
    spellings: Counter[str] = field(default_factory=Counter)
    weight: float = 0.0  # occurrences, each worth more the earlier it is
    first: float = 1.0  # relative position of the first occurrence, 0 for the title
    in_title: bool = False
    words: int = 1

    @property
    def count(self) -> int:
        return sum(self.spellings.values())


def _runs(text: str, stop_words: frozenset[str]) -> Iterable[list[str]]:
    """Maximal runs of content words inside one clause."""
    for clause in _PHRASE_BREAK.split(text):
        run: list[str] = []
        for spelled in _WORD.findall(clause):
            word = _POSSESSIVE.sub("", spelled)
            if word.casefold() in stop_words or word.isdigit() or len(word) < 2:
                if run:
                    yield run
                run = []
            else:
                run.append(word)
        if run:
            yield run


def _grams(run: list[str]) -> Iterable[list[str]]:
    for size in range(1, MAX_PHRASE_WORDS + 1):
        for start in range(len(run) - size + 1):
            yield run[start : start + size]


def _overlaps(phrases: dict[str, _Phrase], one: str, other: str) -> bool:
    """One phrase contains the other, and the shorter one seldom occurs outside the longer."""
    shorter, longer = sorted((one, other), key=len)
    if f" {shorter} " not in f" {longer} ":
        return False
    return phrases[shorter].count < 2 * phrases[longer].count


def key_phrases(title: str, body: str, *, stop_words: frozenset[str], limit: int = DEFAULT_KEYWORDS) -> list[Keyword]:
    """The `limit` best phrases, scores scaled so the best is 1."""
    phrases: dict[str, _Phrase] = {}
    sources = [(title, True, 0.0)] + [
        (paragraph.group(), False, paragraph.start() / max(len(body), 1)) for paragraph in re.finditer(r"[^\n]+", body)
    ]
    for text, in_title, position in sources:
        for run in _runs(text, stop_words):
            for gram in _grams(run):
                spelled = " ".join(gram)
                key = spelled.casefold()
                phrase = phrases.get(key)
                if phrase is None:
                    phrase = phrases[key] = _Phrase(words=len(gram))
                phrase.spellings[spelled] += 1
                phrase.weight += 1.0 + (1.0 - position)
                phrase.first = min(phrase.first, position)
                phrase.in_title = phrase.in_title or in_title
    scored = sorted(
        (
            (
                phrase.weight
                * (1 + _TITLE_BONUS * phrase.in_title)
                * (1 + _LENGTH_BONUS * (phrase.words - 1))
                * (2 - phrase.first),
                key,
            )
            for key, phrase in phrases.items()
            # A multi-word phrase seen once is as likely a chance pairing ("Beijing calls") as a term.
            if (phrase.words == 1 or phrase.count > 1) and not all(word in ROLE_WORDS for word in key.split())
        ),
        reverse=True,
    )
    chosen: list[tuple[float, str]] = []
    for score, key in scored:
        # "peace" adds nothing beside "peace talks" (nor the other way round) unless it mostly occurs on its own.
        if any(_overlaps(phrases, key, other) for _, other in chosen):
            continue
        chosen.append((score, key))
        if len(chosen) == limit:
            break
    top = chosen[0][0] if chosen else 1.0
    return [
        Keyword(text=phrases[key].spellings.most_common(1)[0][0], score=round(score / top, 4)) for score, key in chosen
    ]
