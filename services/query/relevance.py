"""Relevance of an article to the words of `q`: length-normalised term frequency, title words weighted 3x.

    score = sum over query terms t of (3 * tf_title(t) + tf_summary(t)) / sqrt(words in title and summary)

Scored from the stored title and summary only (the summary is the body's most telling sentences), so
ranking an article costs the same whatever the length of its body.

Words are normalised exactly as `shared.search_terms` stores them, so "Zürich" in `q` counts "ZURICH" in
the text. Only the start of a text is scored, at most `MAX_SCORED_CHARS` once normalised. A pure function,
so its ranking is tested without a database.
"""

import math
import re
import unicodedata
from collections import Counter

from shared.search_terms import MAX_TERM_CHARS

TITLE_WEIGHT = 3
# News puts its words up front; the bound holds after normalising, because NFKD can expand one character
# 18-fold (U+FDFA), and it keeps one candidate's cost small whatever an article holds.
MAX_SCORED_CHARS = 10_000
_WORD = re.compile(r"\w+", re.UNICODE)  # the tokeniser of shared.search_terms


def normal_start(text: str, limit: int = MAX_SCORED_CHARS) -> str:
    """The first `limit` characters of `shared.search_terms.normalise(text)`, without normalising the rest.

    No character shrinks to nothing under case folding and NFKD, so `limit` characters of input are enough;
    the decomposition is cut before combining marks are dropped, so a text made of marks yields fewer.
    """
    decomposed = unicodedata.normalize("NFKD", text[:limit].casefold())[: 2 * limit]
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))[:limit]


def words(text: str) -> list[str]:
    """Every normalised word of the start of `text`, repeats included (`search_terms.terms` keeps distinct ones)."""
    found = (word.replace("_", "") for word in _WORD.findall(normal_start(text)) if len(word) <= MAX_TERM_CHARS)
    return [word for word in found if word]


def score(terms: tuple[str, ...], *, title: str, summary: str) -> float:
    title_words, summary_words = words(title), words(summary)
    total = len(title_words) + len(summary_words)
    if total == 0:
        return 0.0
    in_title, in_summary = Counter(title_words), Counter(summary_words)
    hits = sum(TITLE_WEIGHT * in_title[term] + in_summary[term] for term in terms)
    # Rounded so the value in a cursor compares equal to the recomputed one on the next page.
    return round(hits / math.sqrt(total), 6)
