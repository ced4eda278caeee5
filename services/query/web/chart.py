"""A bar chart of articles per bucket (a timeline), laid out on the server for an inline SVG.

The template draws the bars from these numbers; the SVG carries a title and a description, and the page
lists the same counts in a table, so the chart is never the only way to read them.
"""

from dataclasses import dataclass
from datetime import date

from services.query.schemas import Timeline

WIDTH = 640
HEIGHT = 160
MARGIN_LEFT = 36  # room for the axis labels
MARGIN_BOTTOM = 20
GAP = 2


@dataclass(frozen=True)
class Bar:
    start: date
    articles: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    baseline: int = HEIGHT - MARGIN_BOTTOM

    @property
    def total(self) -> int:
        return sum(bar.articles for bar in self.bars)

    def description(self, interval: str) -> str:
        if not self.bars:
            return "No articles."
        busiest = max(self.bars, key=lambda bar: (bar.articles, bar.start))
        return (
            f"{self.total} articles over {len(self.bars)} {interval}s from {self.bars[0].start} to "
            f"{self.bars[-1].start}; the most, {busiest.articles}, in the {interval} of {busiest.start}."
        )


def bar_chart(timeline: Timeline) -> BarChart:
    buckets = timeline.items
    peak = max((bucket.articles for bucket in buckets), default=0)
    plot_width = WIDTH - MARGIN_LEFT
    plot_height = HEIGHT - MARGIN_BOTTOM - 8  # a little air above the tallest bar
    step = plot_width / max(len(buckets), 1)
    bars = []
    for index, bucket in enumerate(buckets):
        height = plot_height * bucket.articles / peak if peak else 0.0
        bars.append(
            Bar(
                start=bucket.start,
                articles=bucket.articles,
                x=round(MARGIN_LEFT + index * step + GAP / 2, 2),
                y=round(HEIGHT - MARGIN_BOTTOM - height, 2),
                width=round(max(step - GAP, 1.0), 2),
                height=round(height, 2),
            )
        )
    return BarChart(bars=bars, peak=peak)
