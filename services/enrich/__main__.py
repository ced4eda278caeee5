"""`python -m services.enrich`: one enrichment worker process."""

import asyncio
import logging
import signal

from services.enrich import heartbeat, metrics
from services.enrich.linking import Linker
from services.enrich.model_process import OffloadedEnricher
from services.enrich.settings import WorkerSettings
from services.enrich.store import ArticleStore
from services.enrich.worker import Worker
from shared import database
from shared.logs import configure_logging
from shared.settings import load_settings

log = logging.getLogger("services.enrich")


async def main(settings: WorkerSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    exporter = None if settings.metrics_port is None else metrics.serve(settings.metrics_host, settings.metrics_port)
    client = database.connect(settings)
    try:
        # The store writes each batch in one transaction: a standalone mongod cannot, so say so before the model
        # loads, and stop.
        await database.require_transactions(client)
        db = database.database(client, settings)
        if settings.create_indexes:
            await database.ensure_indexes(db)
        # The model loads once, in its own process, before the first message is taken.
        enricher = await OffloadedEnricher.start(summary_sentences=settings.summary_sentences)
        try:
            # The gazetteer loads once per process, off the event loop (a second or two).
            linker = await asyncio.to_thread(Linker) if settings.entity_registry else None
            store = ArticleStore(db, linker=linker, registry=settings.entity_registry)
            worker = Worker(settings=settings, enricher=enricher, store=store)
            metrics.CONSUMER_CONNECTED.set_function(lambda: float(worker.consuming))
            log.info("worker %s ready", settings.worker_name)
            if settings.heartbeat_file is None:
                await worker.run(stop)
            else:
                await asyncio.gather(worker.run(stop), heartbeat.beat(settings.heartbeat_file, worker, stop))
        finally:
            await enricher.close()
    finally:
        await client.close()
        if exporter is not None:
            exporter[0].shutdown()
    log.info("worker stopped")


if __name__ == "__main__":
    worker_settings = load_settings(WorkerSettings, "enrich")
    configure_logging("enrich", worker_settings.log_level, worker_settings.log_file)
    try:
        asyncio.run(main(worker_settings))
    except database.TransactionsUnsupported as exc:
        log.critical("%s", exc)
        raise SystemExit(f"enrich: {exc}") from None
