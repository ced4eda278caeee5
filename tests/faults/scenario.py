"""One fault scenario: post articles concurrently, inject the fault mid-run, wait until idle, audit."""

import asyncio
from collections.abc import Awaitable, Callable

from devstack.keys import WRITE_KEY
from devstack.pipeline import RunningPipeline
from devstack.stack import ServiceProcess
from tests.faults.audit import Audit, Observer
from tests.faults.corpus import submissions
from tests.faults.load import Posted, post_articles

ARTICLES = 1_000
# Posting is spread over this long, so the fault hits while articles still arrive and workers are busy.
SPREAD_S = 20.0
# The fault comes once this many documents are stored: the workers are then in the middle of their work.
FAULT_AFTER_STORED = 150


def start_worker(pipeline: RunningPipeline) -> ServiceProcess:
    return pipeline.start_worker()


async def run_scenario(
    name: str,
    pipeline: RunningPipeline,
    observer: Observer,
    fault: Callable[[], Awaitable[None]],
    *,
    offset: int,
) -> tuple[Posted, Audit]:
    """Run the load with `fault` injected, print the summary line, and assert nothing was lost or doubled."""
    articles = submissions(ARTICLES, offset=offset)
    posting = asyncio.create_task(post_articles(pipeline.ingest_url, WRITE_KEY, articles, spread_s=SPREAD_S))
    try:
        await observer.wait_until_stored(FAULT_AFTER_STORED)
        await fault()
        posted = await posting
    finally:
        posting.cancel()
    await observer.wait_until_idle(posted.accepted)
    result = await asyncio.to_thread(observer.audit, posted.accepted)
    print(result.line(name))
    assert result.accepted == ARTICLES, f"{result.accepted} distinct articles accepted; answers: {posted.answers}"
    assert result.lost == 0, f"lost, e.g.: {result.not_enriched}; logs in {pipeline.stack.log_dir}"
    assert result.duplicates == 0
    assert result.stored == result.accepted
    assert result.in_transit == 0
    return posted, result
