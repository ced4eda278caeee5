"""Reading a Prometheus text endpoint (`/metrics`) and summing its samples by name and labels."""

from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


@dataclass(frozen=True)
class Scrape:
    samples: tuple[Sample, ...]

    @classmethod
    def parse(cls, text: str) -> "Scrape":
        return cls(tuple(sample for family in text_string_to_metric_families(text) for sample in family.samples))

    @classmethod
    def merge(cls, scrapes: Iterable["Scrape"]) -> "Scrape":
        """One scrape of several processes (the workers), whose samples add up."""
        return cls(tuple(sample for scrape in scrapes for sample in scrape.samples))

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples called `name` whose labels include `labels` (0 when there is none)."""
        return sum(
            sample.value
            for sample in self.samples
            if sample.name == name and all(sample.labels.get(key) == value for key, value in labels.items())
        )

    def has(self, name: str, **labels: str) -> bool:
        return any(
            sample.name == name and all(sample.labels.get(key) == value for key, value in labels.items())
            for sample in self.samples
        )

    def by_label(self, name: str, label: str) -> dict[str, float]:
        """The samples called `name` summed by the value of one label."""
        sums: dict[str, float] = {}
        for sample in self.samples:
            if sample.name == name and label in sample.labels:
                sums[sample.labels[label]] = sums.get(sample.labels[label], 0.0) + sample.value
        return sums


def scrape(client: httpx.Client, url: str) -> Scrape:
    """Raises `httpx.HTTPError` when the endpoint does not answer 200."""
    response = client.get(url)
    response.raise_for_status()
    return Scrape.parse(response.text)
