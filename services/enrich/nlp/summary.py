"""Extractive summary: a few of the body's own sentences, chosen by position, centrality and title overlap.

News puts the gist first, so position carries most of the weight and the lead sentence is always kept.
Centrality is directed, as in PacSum (Zheng and Lapata, 2019): a sentence counts as central when the sentences
*after* it take up its words (TF-IDF cosine similarity, less the article's weakest link), because a news story
states a point and then elaborates it; what merely echoes earlier sentences is not the point. Long sentences are
discounted because a summary is read (and scored) within a short word budget, but only by what the budget
cannot hold: while the sentences already chosen leave more than the ideal length unused, a sentence that fits
the rest is not discounted, and the last pick prefers a sentence that fills what is left, so three sentences use
the budget instead of leaving it half empty. Each pick is also penalised by its similarity to the ones already
chosen so the summary does not say the same thing twice.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from services.enrich.nlp.annotation import ends_sentence
from shared.documents import Summary, SummarySentence

DEFAULT_SENTENCES = 3
# Only the first sentences compete: news rarely saves the gist for later, and the similarity matrix is
# quadratic in the number of sentences (a 3 MB body has tens of thousands).
CANDIDATE_SENTENCES = 120
MIN_WORDS = 5  # shorter "sentences" are datelines, captions or fragments
# Longer sentences are discounted: they crowd others out of a short summary. 30 rather than 25, and a redundancy
# penalty of 0.5 rather than 0.6, scored at least as well on every development set (docs/enrichment.md) and
# better against long extractive references (two-fifths of the sentences, as the held-out newswire keeps).
IDEAL_WORDS = 30
# The words a summary is read within, as the held-out evaluation cuts it (`newsflow eval summary`). A sentence's
# discount allows whichever is larger, IDEAL_WORDS or what the sentences already chosen leave of this budget:
# once the lead is in, a 45-word sentence that fits the rest is not crowding anything out, and a summary that
# fills the budget scores better against long references cut to it (docs/enrichment.md, pipeline 1.4.0).
# Not a sentence cap: the summary keeps whole sentences, and the seed article's limit is on sentences (three).
SUMMARY_WORDS = 75
# The last pick also prefers a sentence that fills what the budget has left: one shorter than the words left keeps
# (its words / words left) ** FILL_EXPONENT of its score. Against references longer than the budget, unused words
# are lost recall; 0.3 gained on every long-reference set and cost 3-sentence references little (docs/enrichment.md).
FILL_EXPONENT = 0.3
POSITION_WEIGHT = 0.5
CENTRALITY_WEIGHT = 0.3
TITLE_WEIGHT = 0.2
REDUNDANCY_PENALTY = 0.5
_DAMPING = 0.85
_ITERATIONS = 40

_WORD = re.compile(r"\w+")
Matrix = npt.NDArray[np.float64]


def _vectors(texts: Sequence[str], stop_words: frozenset[str]) -> Matrix:
    """Rows of L2-normalised TF-IDF weights (IDF over the article's own sentences)."""
    bags = [Counter(w for w in (m.casefold() for m in _WORD.findall(t)) if w not in stop_words) for t in texts]
    vocabulary = {word: index for index, word in enumerate(sorted({w for bag in bags for w in bag}))}
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)))
    documents = Counter(word for bag in bags[1:] for word in bag)  # row 0 is the title; IDF from sentences
    sentences = max(len(texts) - 1, 1)
    for row, bag in enumerate(bags):
        for word, count in bag.items():
            matrix[row, vocabulary[word]] = count * (math.log((1 + sentences) / (1 + documents[word])) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def forward_centrality(similarity: Matrix) -> Matrix:
    """How much each sentence's successors take up its words, scaled to 0..1 (PacSum's forward edges)."""
    size = similarity.shape[0]
    if size < 2:
        return np.ones(size)
    weakest = similarity[~np.eye(size, dtype=bool)].min()
    edges = np.triu(np.maximum(similarity - weakest, 0), 1)
    centrality: Matrix = edges.sum(axis=1)
    centrality -= centrality.min()
    top = centrality.max()
    return centrality / top if top > 0 else centrality


def lexrank(similarity: Matrix) -> Matrix:
    """Undirected centrality (LexRank: a random walk over the similarity graph), scaled to max 1.

    Not used for our summaries: `top_by_lexrank` is the baseline `newsflow eval summary` reports beside them.
    """
    size = similarity.shape[0]
    weights = similarity.copy()
    np.fill_diagonal(weights, 0)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.where(totals > 0, weights / np.where(totals == 0, 1, totals), 1 / size)
    rank = np.full(size, 1 / size)
    for _ in range(_ITERATIONS):
        rank = (1 - _DAMPING) / size + _DAMPING * transition.T @ rank
    top = rank.max()
    return rank / top if top > 0 else rank


def top_by_lexrank(texts: Sequence[str], stop_words: frozenset[str], count: int) -> list[int]:
    """Indices of the `count` most LexRank-central of `texts`, in text order (the evaluation's baseline)."""
    if not texts:
        return []
    vectors = _vectors(["", *texts], stop_words)[1:]
    centrality = lexrank(vectors @ vectors.T)
    return sorted(int(index) for index in np.argsort(-centrality, kind="stable")[:count])


def is_prose(text: str) -> bool:
    """A full sentence, not a list item, caption, heading or dateline: enough words and a closing stop."""
    return len(_WORD.findall(text)) >= MIN_WORDS and ends_sentence(text)


def sentence_scores(
    title: str, texts: Sequence[str], stop_words: frozenset[str], prose: npt.NDArray[np.bool_]
) -> tuple[Matrix, Matrix]:
    """How summary-worthy each sentence is before its length discount, and the sentence-by-sentence cosine
    similarity. `prose` marks the full sentences (`is_prose`)."""
    vectors = _vectors([title, *texts], stop_words)
    similarity = vectors[1:] @ vectors[1:].T
    centrality = forward_centrality(similarity)
    order = np.cumsum(prose) - 1  # position among the prose sentences: a leading list does not push the lead back
    position = 1 / (1 + np.maximum(order, 0) / 2)  # 1, .67, .5, .4 ...
    title_overlap = vectors[1:] @ vectors[0]
    return POSITION_WEIGHT * position + CENTRALITY_WEIGHT * centrality + TITLE_WEIGHT * title_overlap, similarity


def length_discount(words: Matrix, prose: npt.NDArray[np.bool_], words_left: float, *, last: bool = False) -> Matrix:
    """Each sentence's score factor for its length, given how many words of the budget are still unused.

    Non-prose (lists, captions, fragments) is always discounted hard. A sentence up to the allowance (IDEAL_WORDS,
    or the unused budget if larger) keeps its score; a longer one keeps sqrt(allowance / words) of it. For the
    `last` pick, a sentence shorter than the words left also keeps only (words / words left) ** FILL_EXPONENT.
    """
    allowance = max(float(IDEAL_WORDS), words_left)
    factor = np.where(prose, np.minimum(1.0, np.sqrt(allowance / np.maximum(words, 1))), 0.2)
    if last and words_left > 1:  # on non-prose too, or a short list item would overtake a short sentence
        factor = factor * (np.minimum(words, words_left) / words_left) ** FILL_EXPONENT
    return factor


def summarise(
    body: str,
    sentences: Sequence[tuple[int, int]],
    *,
    title: str = "",
    stop_words: frozenset[str] = frozenset(),
    count: int = DEFAULT_SENTENCES,
) -> Summary:
    """`count` sentences of `body` in article order; `sentences` are (start, end) offsets into `body`."""
    candidates = list(sentences[:CANDIDATE_SENTENCES])
    if not candidates or count <= 0:
        return Summary(text="", sentences=[])
    texts = [body[start:end] for start, end in candidates]
    prose = np.array([is_prose(text) for text in texts])
    words = np.array([len(_WORD.findall(text)) for text in texts], dtype=np.float64)
    merit, similarity = sentence_scores(title, texts, stop_words, prose)
    lead = int(np.argmax(prose)) if prose.any() else 0  # the first full sentence, whatever its score
    chosen = [lead]
    wanted = min(count, len(candidates))
    while len(chosen) < wanted:
        last = len(chosen) == wanted - 1
        scores = merit * length_discount(words, prose, SUMMARY_WORDS - words[chosen].sum(), last=last)
        redundancy = similarity[:, chosen].max(axis=1)
        gain = scores - REDUNDANCY_PENALTY * redundancy
        gain[chosen] = -np.inf
        chosen.append(int(np.argmax(gain)))
    picked = [candidates[index] for index in sorted(chosen)]
    return Summary(
        text=" ".join(body[start:end] for start, end in picked),
        sentences=[SummarySentence(start=start, end=end) for start, end in picked],
    )
