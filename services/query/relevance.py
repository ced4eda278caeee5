"""Relevance of an article to the words of `q`: length-normalised term frequency, title words weighted 3x.

    score = sum over query terms t of (3 * tf_title(t) + tf_body(t)) / sqrt(words in title and body)

Words are normalised exactly as `shared.search_terms` stores them, so "Zürich" in `q` counts "ZURICH" in
the text. A pure function, so its ranking is tested without a database.
"""

import math
import re
from collections import Counter

from shared.search_terms import MAX_TERM_CHARS, normalise

TITLE_WEIGHT = 3
_WORD = re.compile(r"\w+", re.UNICODE)  # the tokeniser of shared.search_terms


def words(text: str) -> list[str]:
    """Every normalised word of `text`, repeats included (`search_terms.terms` keeps only distinct ones)."""
    found = (word.replace("_", "") for word in _WORD.findall(normalise(text)) if len(word) <= MAX_TERM_CHARS)
    return [word for word in found if word]


def score(terms: tuple[str, ...], *, title: str, body: str) -> float:
    title_words, body_words = words(title), words(body)
    total = len(title_words) + len(body_words)
    if total == 0:
        return 0.0
    in_title, in_body = Counter(title_words), Counter(body_words)
    hits = sum(TITLE_WEIGHT * in_title[term] + in_body[term] for term in terms)
    # Rounded so the value in a cursor compares equal to the recomputed one on the next page.
    return round(hits / math.sqrt(total), 6)
