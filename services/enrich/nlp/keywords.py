"""Key phrases: runs of content words (between stop words and punctuation) scored by how often, how early
and whether in the headline they occur, with a bonus for multi-word phrases, which are more specific."""

import re
from collections import Counter
from collections.abc import Iterable

from services.enrich.nlp.entities import ROLE_WORDS
from shared.documents import Keyword

DEFAULT_KEYWORDS = 10
MAX_PHRASE_WORDS = 3
_PHRASE_BREAK = re.compile(r"[^\w\s'\u2019-]|\s[-'\u2019]|[-'\u2019]\s|\n")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_POSSESSIVE = re.compile("['\u2019]s$")
_TITLE_BONUS = 1.0  # a phrase in the headline scores double
_LENGTH_BONUS = 0.5  # per extra word


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


def _overlaps(counts: Counter[str], one: str, other: str) -> bool:
    """One phrase contains the other, and the shorter one seldom occurs outside the longer."""
    shorter, longer = sorted((one, other), key=len)
    if f" {shorter} " not in f" {longer} ":
        return False
    return counts[shorter] < 2 * counts[longer]


def key_phrases(title: str, body: str, *, stop_words: frozenset[str], limit: int = DEFAULT_KEYWORDS) -> list[Keyword]:
    """The `limit` best phrases, scores scaled so the best is 1."""
    # Plain dicts keyed by the case-folded phrase rather than an object per phrase: an article has thousands
    # of distinct n-grams, and an object with its own Counter for each took a fifth of this function's time.
    spellings: Counter[tuple[str, str]] = Counter()  # (phrase, as spelled): the commonest spelling is shown
    weight: dict[str, float] = {}  # occurrences, each worth more the earlier it is
    first: dict[str, float] = {}  # relative position of the first occurrence, 0 for the title
    in_title: set[str] = set()
    sources = [(title, True, 0.0)] + [
        (paragraph.group(), False, paragraph.start() / max(len(body), 1)) for paragraph in re.finditer(r"[^\n]+", body)
    ]
    for text, is_title, position in sources:
        worth = 1.0 + (1.0 - position)
        for run in _runs(text, stop_words):
            for gram in _grams(run):
                spelled = " ".join(gram)
                key = spelled.casefold()
                spellings[key, spelled] += 1
                weight[key] = weight.get(key, 0.0) + worth
                if key not in first:
                    first[key] = position  # sources come in order, so the first seen is the earliest
                if is_title:
                    in_title.add(key)
    counts: Counter[str] = Counter()  # occurrences of each phrase, however spelled
    for (key, _), times in spellings.items():
        counts[key] += times
    scored = sorted(
        (
            (
                weight[key]
                * (1 + _TITLE_BONUS * (key in in_title))
                * (1 + _LENGTH_BONUS * key.count(" "))
                * (2 - first[key]),
                key,
            )
            for key, count in counts.items()
            # A multi-word phrase seen once is as likely a chance pairing ("Beijing calls") as a term.
            if (count > 1 or " " not in key) and not all(word in ROLE_WORDS for word in key.split())
        ),
        reverse=True,
    )
    chosen: list[tuple[float, str]] = []
    for score, key in scored:
        # "peace" adds nothing beside "peace talks" (nor the other way round) unless it mostly occurs on its own.
        if any(_overlaps(counts, key, other) for _, other in chosen):
            continue
        chosen.append((score, key))
        if len(chosen) == limit:
            break
    shown: dict[str, tuple[int, str]] = {key: (0, key) for _, key in chosen}
    for (key, spelled), times in spellings.items():  # first seen wins a tie, as Counter.most_common does
        if key in shown and times > shown[key][0]:
            shown[key] = (times, spelled)
    top = chosen[0][0] if chosen else 1.0
    return [Keyword(text=shown[key][1], score=round(score / top, 4)) for score, key in chosen]
