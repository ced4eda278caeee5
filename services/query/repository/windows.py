"""Time windows sized from per-day counts: where a newest-first read should start to find about N articles.

The store keeps one `counters` document per day and date field (`{field: "received", day: "2026-12-03",
count: n}`). Walking back from the end of a window, day by day, the window starts where the days read
add up to the wanted number of articles (within a day, arrivals are taken as spread evenly). Without day
documents (a database the store never counted), windows start a day back and double each time.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta

from services.query.repository.timed import TimedCollection

DAY = timedelta(days=1)
# Day documents are read in chunks growing from this many days, so a window reaching back years takes a few reads.
FIRST_CHUNK_DAYS = 32
# A chunk this long without a day document ends the walk back: nothing older is counted.
LAST_CHUNK_DAYS = 1024
# Without day documents a window is widened up to this span, then left open (everything older).
MAX_BLIND_SPAN = timedelta(days=4 * 366)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass
class DayCounts:
    """The day documents of one date field, read backwards on demand and kept for the request."""

    counters: TimedCollection
    field: str  # "received" or "published"
    _counts: dict[date, int] = dataclass_field(default_factory=dict)
    _read_from: date | None = None  # the earliest day read so far
    _chunk: int = FIRST_CHUNK_DAYS
    _ended: bool = False  # a long chunk held nothing: no day before `_read_from` is counted

    async def count(self, day: date) -> int | None:
        """The articles of `day`; None once the walk back has passed the oldest counted day."""
        while not self._ended and (self._read_from is None or day < self._read_from):
            await self._read_back(day)
        if self._read_from is not None and day < self._read_from:
            return None
        return self._counts.get(day, 0)

    @property
    def any(self) -> bool:
        return bool(self._counts)

    async def _read_back(self, day: date) -> None:
        end = self._read_from - DAY if self._read_from is not None else day
        start = end - timedelta(days=self._chunk - 1)
        found = await self.counters.find(
            {"field": self.field, "day": {"$gte": start.isoformat(), "$lte": end.isoformat()}}, {"day": 1, "count": 1}
        ).to_list()
        self._counts.update({date.fromisoformat(doc["day"]): int(doc["count"]) for doc in found})
        self._ended = not found and self._chunk >= LAST_CHUNK_DAYS
        self._read_from = start
        self._chunk = min(2 * self._chunk, LAST_CHUNK_DAYS)


@dataclass
class Window:
    """Where the next read starts (None: at the oldest article), and how many articles it should hold."""

    start: datetime | None
    expected: float


async def window_start(
    days: DayCounts, end: datetime | None, wanted: float, *, total: int, blind_span: timedelta
) -> Window:
    """The start of a window ending at `end` (None: now) that holds about `wanted` articles by the day counts.

    `total` is the number of articles the day counts add up to at most: once they are all counted, the
    window is open (everything older).
    """
    now = datetime.now(UTC)
    end = now if end is None or end > now else end
    held = 0.0
    day = end.date()
    while (count := await days.count(day)) is not None:
        day_start = _start_of(day)
        # The part of this day inside the window, taking arrivals as spread evenly over the day.
        inside = min(1.0, (end - day_start) / DAY) if day == end.date() else 1.0
        present = count * inside
        if held + present >= wanted and present > 0:
            share = (wanted - held) / present
            window_end = day_start + DAY * inside
            return Window(window_end - DAY * inside * share, wanted)
        held += present
        if total and held >= total:
            break
        day -= DAY
    if not days.any:  # the store keeps no day documents: widen by doubling
        return Window(None if blind_span > MAX_BLIND_SPAN else end - blind_span, wanted)
    return Window(None, held)
