"""Relevance scoring off the event loop: a small thread pool, a chunk of candidates at a time, within a budget.

Scoring is pure Python and CPU-bound; on the event loop a few parallel `sort=relevance` requests would hold
off every other request, the probes included. In the pool the loop still gets the interpreter lock at
every switch interval, so it keeps answering. Chunks let a request stop at its time budget, and let the
requests that share the pool take turns.
"""

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from services.query import relevance

CHUNK = 50
DEFAULT_THREADS = 1
DEFAULT_BUDGET_S = 3.0


class ScoringTimeout(Exception):
    """Scoring did not finish within its budget (answered 503 with `Retry-After`)."""

    def __init__(self, budget_s: float) -> None:
        super().__init__(f"relevance scoring took longer than {budget_s:g} s")
        self.budget_s = budget_s


def _score_chunk(terms: tuple[str, ...], texts: Sequence[tuple[str, str]]) -> list[float]:
    return [relevance.score(terms, title=title, summary=summary) for title, summary in texts]


class RelevanceScorer:
    def __init__(self, *, threads: int = DEFAULT_THREADS, budget_s: float = DEFAULT_BUDGET_S) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="relevance")
        self.budget_s = budget_s

    async def scores(self, terms: tuple[str, ...], texts: Sequence[tuple[str, str]]) -> list[float]:
        """The score of each (title, summary), in order; `ScoringTimeout` once the budget is spent."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.budget_s
        found: list[float] = []
        for start in range(0, len(texts), CHUNK):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise ScoringTimeout(self.budget_s)
            chunk = loop.run_in_executor(self._pool, _score_chunk, terms, texts[start : start + CHUNK])
            try:
                found += await asyncio.wait_for(chunk, remaining)
            except TimeoutError:
                raise ScoringTimeout(self.budget_s) from None
        return found

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
