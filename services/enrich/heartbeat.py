"""A file the worker touches while it holds a consumer: the container healthcheck reads its age.

A worker has no HTTP port to probe. A fresh heartbeat says more than "the process runs": the event loop
is not stuck and the worker is consuming (it stops beating while it reconnects to the broker).
"""

import asyncio
import contextlib
from pathlib import Path

from services.enrich.worker import Worker

INTERVAL_S = 5.0


async def beat(path: Path, worker: Worker, stop: asyncio.Event) -> None:
    while not stop.is_set():
        if worker.consuming:
            await asyncio.to_thread(path.touch)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=INTERVAL_S)
