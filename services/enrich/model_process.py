"""The spaCy model in a child process of its own, and the enrichment around it in the worker's process.

Why a process and not a thread: the model gives up the GIL around each matrix multiply and must take it back
after, so in a thread beside the event loop it stalled whenever the loop had Python work to do (decoding,
building documents, the bulk write), and the worker fell well short of the bare model's rate
(docs/performance.md). In its own process the model never waits for the GIL, and the worker's other work runs
beside it on another core.

The child ignores SIGINT and SIGTERM (the worker decides when to stop, after the batch in the model) and is
killed by the kernel if the worker dies first, so a killed worker never leaves a model process behind.
"""

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from services.enrich import metrics
from services.enrich.nlp.annotation import Annotation
from services.enrich.nlp.annotator import Annotator, ModelFailure, ModelInput
from services.enrich.nlp.enrichment import ArticleText, Enricher, UnprocessableArticle, model_inputs
from services.enrich.nlp.language import LanguageIdentifier
from shared.documents import Enrichment, Pipeline

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when the thread that started it exits

_annotator: Annotator | None = None  # the child's model, loaded once by `_load`


class NotStarted(Exception):
    """The worker is stopping and this batch had not reached the model yet."""


class ModelCrashed(Exception):
    """The model process died (killed, out of memory) under a batch; a new one is started for the next."""


def _load() -> None:
    """Initialiser of the child process."""
    global _annotator
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:
            os._exit(1)  # the worker died before the line above took effect
    _annotator = Annotator.load()


def _describe() -> tuple[str, str, int]:
    assert _annotator is not None
    return _annotator.model_name, _annotator.model_version, multiprocessing.current_process().pid or 0


def _annotate(batch: Sequence[ModelInput | None], batch_size: int) -> list[Annotation | ModelFailure | None]:
    assert _annotator is not None
    return _annotator.annotate_batch(batch, batch_size)


class ModelProcess:
    """One child process holding the model; batches sent to it run one at a time, in order."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self.model_name = ""
        self.model_version = ""
        self.pid = 0

    async def start(self) -> None:
        """Start the child and wait until its model is loaded."""
        self._executor = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_load
        )
        loop = asyncio.get_running_loop()
        self.model_name, self.model_version, self.pid = await loop.run_in_executor(self._executor, _describe)
        log.info("model %s %s loaded in process %d", self.model_name, self.model_version, self.pid)

    async def annotate(
        self, batch: Sequence[ModelInput | None], batch_size: int
    ) -> list[Annotation | ModelFailure | None]:
        if self._executor is None:
            raise RuntimeError("the model process is not started")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, _annotate, batch, batch_size)
        except BrokenProcessPool as exc:
            log.error("the model process died; starting a new one")
            metrics.MODEL_RESTARTS.inc()
            await self.close()
            await self.start()
            raise ModelCrashed("the model process died while annotating this batch") from exc

    async def close(self) -> None:
        if self._executor is not None:
            executor, self._executor = self._executor, None
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)


class OffloadedEnricher:
    """`Enricher.enrich_batch` with the model in a `ModelProcess`: preparing and finishing the articles run in
    a thread of this process meanwhile, so the model process is kept busy with the next batch."""

    def __init__(self, enricher: Enricher, model: ModelProcess) -> None:
        self._enricher = enricher
        self._model = model
        self._model_turn = asyncio.Lock()

    @classmethod
    async def start(cls, *, summary_sentences: int) -> "OffloadedEnricher":
        model = ModelProcess()
        # The language detector loads here while the child loads the model.
        languages, _ = await asyncio.gather(asyncio.to_thread(LanguageIdentifier.load), model.start())
        enricher = Enricher(
            languages=languages,
            model_name=model.model_name,
            model_version=model.model_version,
            summary_sentences=summary_sentences,
        )
        return cls(enricher, model)

    def pipeline(self, worker: str | None = None) -> Pipeline:
        return self._enricher.pipeline(worker)

    async def enrich_batch(
        self, articles: Sequence[ArticleText], *, batch_size: int, stop: asyncio.Event
    ) -> list[Enrichment | UnprocessableArticle]:
        """Raises `NotStarted` when `stop` is set before the batch's turn in the model comes."""
        started = time.perf_counter()
        prepared = await asyncio.to_thread(self._enricher.prepare_batch, articles)
        ours = time.perf_counter() - started
        # One batch in the model at a time; the one before may still be finishing and written meanwhile.
        async with self._model_turn:
            if stop.is_set():
                raise NotStarted
            with metrics.stage("model", len(articles)):
                annotations = await self._model.annotate(model_inputs(prepared), batch_size)
        started = time.perf_counter()
        finished = await asyncio.to_thread(self._enricher.finish_batch, prepared, annotations)
        metrics.observe_stage("nlp", ours + time.perf_counter() - started, len(articles))
        return finished

    async def close(self) -> None:
        await self._model.close()
