"""`python -m benchmarks.store_writes`: what the entity registry costs the database, at the store alone.

Enriched corpus articles (`devstack.enriched_corpus`, cached in `.bench/`) are stored in worker-sized batches
through `ArticleStore`, with the registry (the worker's linker, registry and counters) and without, each into
an empty database of a SecantusDB of its own. It reports the database's CPU time per stored article, this
process's (linking, tallies, the driver) and the writes each batch sends, by collection and kind. No model,
broker or HTTP runs, so a busy machine moves these figures far less than the end-to-end part's articles/s.
"""

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, monitoring

from benchmarks.measure import cpu_seconds
from devstack.enriched_corpus import enriched_corpus
from devstack.secantus import secantus_server
from services.enrich.linking import Linker
from services.enrich.store import ArticleStore
from shared import database
from shared.documents import ArticleDocument

ROOT = Path(__file__).resolve().parent.parent
ENRICHED = ROOT / ".bench" / "enriched-corpus.jsonl"
_STATEMENTS = {"insert": "documents", "update": "updates", "delete": "deletes"}


class WriteCounter(monitoring.CommandListener):
    """Statements sent per command and collection ("update entities": 63)."""

    def __init__(self) -> None:
        self.statements: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if (field := _STATEMENTS.get(event.command_name)) is not None:
            self.statements[f"{event.command_name} {event.command[event.command_name]}"] += len(event.command[field])

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def measure(documents: Sequence[ArticleDocument], *, registry: bool, batch: int) -> dict[str, Any]:
    writes = WriteCounter()
    with (
        tempfile.TemporaryDirectory(prefix="newsflow-store-writes-") as tmp,
        secantus_server(Path(tmp) / "data") as server,
    ):
        assert server.proc is not None
        client: AsyncMongoClient[database.Document] = AsyncMongoClient(
            server.url, tz_aware=True, event_listeners=[writes]
        )
        try:
            db = client["store_writes"]
            await database.ensure_indexes(db)
            # The gazetteer loads off the clock, as a worker loads it before its first message.
            store = ArticleStore(db, linker=await asyncio.to_thread(Linker) if registry else None, registry=registry)
            writes.statements.clear()
            db_before, own_before, started = cpu_seconds([server.proc.pid]), time.process_time(), time.perf_counter()
            for start in range(0, len(documents), batch):
                await store.store(documents[start : start + batch])
            seconds = time.perf_counter() - started
            db_s, own_s = cpu_seconds([server.proc.pid]) - db_before, time.process_time() - own_before
        finally:
            await client.close()
    batches = -(-len(documents) // batch)
    return {
        "articles": len(documents),
        "seconds": round(seconds, 2),
        "database_cpu_ms_per_article": round(db_s * 1000 / len(documents), 2),
        "store_cpu_ms_per_article": round(own_s * 1000 / len(documents), 2),
        "statements_per_batch": {kind: round(count / batches, 1) for kind, count in sorted(writes.statements.items())},
    }


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.store_writes", description=__doc__)
    parser.add_argument("-n", "--articles", type=int, default=480, help="corpus articles stored (default 480)")
    parser.add_argument("--batch", type=int, default=16, help="articles per store call, as the worker's batch")
    parser.add_argument("--output", type=Path, default=ROOT / ".bench" / "store_writes.json")
    args = parser.parse_args()
    corpus = enriched_corpus(ENRICHED)
    # Spread over the corpus, like the end-to-end part's articles: its whole range of dates and topics.
    documents = [corpus[index * len(corpus) // args.articles] for index in range(args.articles)]
    results: dict[str, Any] = {
        mode: await measure(documents, registry=mode == "on", batch=args.batch) for mode in ("on", "off")
    }
    on, off = (results[mode]["database_cpu_ms_per_article"] for mode in ("on", "off"))
    results["database_on_vs_off"] = round(on / off, 2) if off else 0.0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
