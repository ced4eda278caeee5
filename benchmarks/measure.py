"""Timing, percentiles, bounded concurrency and memory sampling shared by every part."""

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psutil

T = TypeVar("T")

MB = 1024 * 1024


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (`fraction` in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Run:
    """A timed run of `operations` calls, `in_flight` at a time; latencies in seconds."""

    operations: int
    items: int  # articles moved (a batch request moves many)
    seconds: float
    in_flight: int
    latencies: list[float] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0

    def summary(self, unit: str = "articles") -> dict[str, Any]:
        return {
            "operations": self.operations,
            unit: self.items,
            "in_flight": self.in_flight,
            "seconds": round(self.seconds, 3),
            f"{unit}_per_s": round(self.per_s, 1),
            "p50_ms": round(percentile(self.latencies, 0.50) * 1000, 2),
            "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 2),
        }


async def run_concurrently(
    calls: Iterable[Callable[[], Awaitable[int]]], *, in_flight: int, operations: int | None = None
) -> Run:
    """Await every call with at most `in_flight` pending; each returns how many articles it moved."""
    pending = iter(calls)
    latencies: list[float] = []
    moved = 0

    async def lane() -> None:
        nonlocal moved
        for call in pending:  # lanes share the iterator, so each call runs exactly once
            started = time.perf_counter()
            count = await call()  # not `moved += await ...`: that reads `moved` before the await
            latencies.append(time.perf_counter() - started)
            moved += count

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(in_flight)))
    elapsed = time.perf_counter() - started
    return Run(operations or len(latencies), moved, elapsed, in_flight, latencies)


def combined(runs: Sequence[Run]) -> Run:
    """One run from several of the same kind: their items over their total time, latencies pooled."""
    return Run(
        operations=sum(run.operations for run in runs),
        items=sum(run.items for run in runs),
        seconds=sum(run.seconds for run in runs),
        in_flight=runs[0].in_flight,
        latencies=[latency for run in runs for latency in run.latencies],
    )


async def alternated(
    pair: tuple[Callable[[int], Awaitable[T]], Callable[[int], Awaitable[T]]], rounds: int
) -> tuple[list[T], list[T]]:
    """A baseline and the thing measured against it, alternated over `rounds` rounds (AB, BA, AB, ...), so a
    machine that speeds up or slows down during the run does not favour either side. Each side is called
    with the round's index and measures that round's share of the work; returns each side's results."""
    first: list[T] = []
    second: list[T] = []
    for index in range(rounds):
        order = ((0, first), (1, second)) if index % 2 == 0 else ((1, second), (0, first))
        for side, results in order:
            results.append(await pair[side](index))
    return first, second


async def interleaved(
    pair: tuple[Callable[[int], Awaitable[Run]], Callable[[int], Awaitable[Run]]], rounds: int
) -> tuple[Run, Run]:
    """`alternated` runs, each side's rounds combined into one run."""
    first, second = await alternated(pair, rounds)
    return combined(first), combined(second)


def _family(process: psutil.Process) -> list[psutil.Process]:
    """A process and all its descendants (none once it is gone)."""
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def _resident(members: Iterable[psutil.Process]) -> int:
    """Resident bytes of the processes together (0 for one that is gone)."""
    total = 0
    for member in members:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
    return total


class RssSampler:
    """Samples the resident memory of some processes and their children in a background thread; keeps each
    one's peak (a worker's peak includes its model process)."""

    # Finding a process's children reads every process's /proc entry, too costly at every sample for the
    # system being measured, so the families are looked up once a second and their memory (one small file
    # each) read at every sample.
    FAMILY_REFRESH_S = 1.0

    def __init__(self, pids: Callable[[], Iterable[int]], *, interval_s: float = 0.1) -> None:
        self._pids = pids
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self.peaks: dict[int, int] = {}
        self.samples = 0

    def _sample(self) -> None:
        families: dict[int, list[psutil.Process]] = {}
        looked_up = 0.0
        while not self._stop.is_set():
            if time.monotonic() - looked_up >= self.FAMILY_REFRESH_S:
                looked_up = time.monotonic()
                for pid in self._pids():
                    with contextlib.suppress(psutil.Error):
                        families[pid] = _family(psutil.Process(pid))
            for pid, members in families.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), _resident(members))
            self.samples += 1
            self._stop.wait(self._interval_s)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        """The largest peak of any one sampled process."""
        return round(max(self.peaks.values(), default=0) / MB, 1)


def _subtree(process: psutil.Process, others: set[int]) -> list[psutil.Process]:
    """The process and its descendants, without the subtrees of processes in `others`."""
    members = [process]
    with contextlib.suppress(psutil.Error):
        for child in process.children():
            if child.pid not in others:
                members.extend(_subtree(child, others))
    return members


def cpu_seconds(pids: Iterable[int], *, besides: Iterable[int] = ()) -> float:
    """User plus system CPU time the processes and their live descendants (a worker's model process) used so
    far, leaving out the subtrees of `besides` (measured under another role); 0 for a process that is gone."""
    total = 0.0
    others = set(besides)
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            for member in _subtree(psutil.Process(pid), others):
                with contextlib.suppress(psutil.Error):
                    times = member.cpu_times()
                    total += times.user + times.system
    return total


class CpuMeter:
    """CPU seconds each role's processes use between `start()` and `stop()`."""

    def __init__(self, pids: Callable[[], dict[str, list[int]]]) -> None:
        self._pids = pids
        self._before: dict[str, float] = {}
        self.used: dict[str, float] = {}

    def _measure(self) -> dict[str, float]:
        roles = self._pids()
        every = {pid for pids in roles.values() for pid in pids}
        # The benchmark started the services: its descendants count under their own roles, not under its.
        return {role: cpu_seconds(pids, besides=every) for role, pids in roles.items()}

    def start(self) -> None:
        self._before = self._measure()

    def stop(self) -> None:
        self.used = {role: seconds - self._before.get(role, 0.0) for role, seconds in self._measure().items()}

    def per_article_ms(self, articles: int) -> dict[str, float]:
        return {role: round(seconds * 1000 / articles, 1) for role, seconds in self.used.items()} if articles else {}


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, timeout_s: float, interval_s: float = 0.1, what: str
) -> float:
    """Poll `condition` until true; returns the perf_counter time it was first seen true."""
    deadline = time.perf_counter() + timeout_s
    while True:
        if await condition():
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout_s:.0f}s")
        await asyncio.sleep(interval_s)
