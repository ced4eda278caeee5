"""The figures of one run: headline ratios against their targets, the machine, a printed table and the JSON."""

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from benchmarks.measure import MB


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    bound: float
    at_most: bool = False  # the figure must stay at or below `bound` (memory), else reach it

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.bound if self.at_most else value >= self.bound

    @property
    def text(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.bound:g}"


TARGETS = (
    Target("e2e_vs_bare", "end to end (1 worker) / bare nlp.pipe", 0.90),
    Target("two_vs_one_workers", "2 workers / 1 worker, pre-filled queue", 1.6),
    Target("ingest_vs_bare_publish", "ingest / bare confirmed publish (worse of single, batch)", 0.7),
    Target("batch_ingest_articles_per_s", "batch endpoint, articles/s", 2000),
    Target("query_vs_bare_driver", "query service / bare driver (worse of by-id, entity)", 0.7),
    Target("worker_peak_rss_mb", "worker peak RSS during end to end, MB", 500, at_most=True),
    Target("registry_on_vs_off", "end to end, entity registry on / off", 0.9),
    Target("read_scaling_slowest_ms", "slowest read at the largest size, median ms", 300, at_most=True),
    Target("read_scaling_worst_ratio", "read latency, largest / smallest size (worst read)", 1.5, at_most=True),
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _commit() -> str | None:
    try:
        found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return found.stdout.strip() or None


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_mb": round(psutil.virtual_memory().total / MB),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "commit": _commit(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }


def _min(*values: float | None) -> float | None:
    present = [value for value in values if value is not None]
    return min(present) if present else None


def headline(parts: dict[str, Any]) -> dict[str, float | None]:
    """The issue's top-level keys from the parts that ran (None for a part that did not)."""
    bare = parts.get("bare_model")
    e2e = parts.get("end_to_end")
    scale = parts.get("scale_out")
    ingest = parts.get("ingest")
    query = parts.get("query")
    registry = parts.get("registry")
    reads = parts.get("read_scaling")
    return {
        "e2e_vs_bare": round(e2e["articles_per_s"] / bare["articles_per_s"], 3) if bare and e2e else None,
        "two_vs_one_workers": scale["ratio"] if scale else None,
        "ingest_vs_bare_publish": _min(ingest["single_vs_bare"], ingest["batch_vs_bare"]) if ingest else None,
        "batch_ingest_articles_per_s": ingest["batch_endpoint"]["articles_per_s"] if ingest else None,
        "query_vs_bare_driver": _min(query["by_id_vs_driver"], query["entity_vs_driver"]) if query else None,
        "worker_peak_rss_mb": e2e["worker_peak_rss_mb"] if e2e else None,
        "registry_on_vs_off": registry["ratio"] if registry else None,
        "read_scaling_slowest_ms": reads["slowest_ms"] if reads else None,
        "read_scaling_worst_ratio": reads["worst_ratio"] if reads else None,
    }


def targets(figures: dict[str, float | None]) -> dict[str, Any]:
    return {
        target.key: {"target": target.text, "measured": figures[target.key], "met": target.met(figures[target.key])}
        for target in TARGETS
    }


def _cpu(per_article: dict[str, float]) -> str:
    return ", ".join(f"{role} {ms:.0f}" for role, ms in per_article.items())


def _rows(parts: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if bare := parts.get("bare_model"):
        rows += [
            ("1 bare nlp.pipe", f"{bare['articles_per_s']:.1f} articles/s, {bare['words_per_s']:.0f} words/s"),
            (
                "  before / after end to end",
                f"{bare['articles_per_s_first']:.1f} / {bare.get('articles_per_s_again', 0):.1f} articles/s",
            ),
            ("  components, batch", f"{'+'.join(bare['components'])}, batch {bare['batch_size']}"),
            ("  Enricher.enrich_batch", f"{bare['enrich_batch']['articles_per_s']:.1f} articles/s (same process)"),
            (
                "  CPU per article",
                f"nlp.pipe {bare['cpu_s_per_article'] * 1000:.0f} ms, enrich_batch"
                f" {bare['enrich_batch']['cpu_s_per_article'] * 1000:.0f} ms",
            ),
        ]
    if e2e := parts.get("end_to_end"):
        rows += [
            (
                "2 end to end, 1 worker",
                f"{e2e['articles_per_s']:.1f} articles/s ({e2e['articles']} in {e2e['seconds']:.1f} s)",
            ),
            ("  failed", str(e2e["failed"])),
            ("  CPU ms per article", _cpu(e2e["cpu_ms_per_article"])),
        ]
    if registry := parts.get("registry"):
        off = registry["off"]
        rows += [
            (
                "  entity registry off",
                f"{off['articles_per_s']:.1f} articles/s (on / off {registry['ratio']:.2f})",
            ),
            ("  CPU ms per article", _cpu(off["cpu_ms_per_article"])),
        ]
    if scale := parts.get("scale_out"):
        one, two = scale["one"], scale["two"]
        rows += [
            ("3 drain, 1 worker", f"{one['articles_per_s']:.1f} articles/s"),
            ("  CPU ms per article", _cpu(one["cpu_ms_per_article"])),
            ("  drain, 2 workers", f"{two['articles_per_s']:.1f} articles/s (ratio {scale['ratio']:.2f})"),
            ("  CPU ms per article", _cpu(two["cpu_ms_per_article"])),
        ]
    if ingest := parts.get("ingest"):
        for name, label in (
            ("single_endpoint", "4 POST /v1/articles"),
            ("bare_publish_single", "  bare publish, same in flight"),
            ("batch_endpoint", "  POST /v1/articles:batch"),
            ("bare_publish_batch", "  bare publish, same in flight"),
        ):
            run = ingest[name]
            rows.append(
                (
                    label,
                    f"{run['articles_per_s']:.0f} articles/s, p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms"
                    f" ({run['in_flight']} in flight)",
                )
            )
    if query := parts.get("query"):
        rows.append(("5 stored articles", str(query["stored_articles"])))
        for name, label in (
            ("by_id_service", "  GET /v1/articles/{id}"),
            ("by_id_driver", "  driver find_one"),
            ("entity_service", "  GET /v1/articles?entity="),
            ("entity_driver", "  driver find (same filter)"),
        ):
            run = query[name]
            failed = f", {run['failed']} over the time limit" if run["failed"] else ""
            rows.append(
                (
                    label,
                    f"{run['requests_per_s']:.0f} req/s, p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms"
                    f" ({run['in_flight']} in flight{failed})",
                )
            )
    if pages := parts.get("reader"):
        rows.append(
            ("7 reader pages", f"page / its API calls, p50, one at a time, {pages['stored_articles']} articles")
        )
        for name, case in pages.items():
            if isinstance(case, dict):
                rows.append(
                    (
                        f"  {name}",
                        f"{case['page_p50_ms']:.1f} ms / {case['api_p50_ms']:.1f} ms = {case['ratio']:.2f}x"
                        f" ({' + '.join(case['api_calls'])})"
                        + (f", over the time limit: {late}" if any((late := case["over_time_limit"]).values()) else ""),
                    )
                )
    if reads := parts.get("read_scaling"):
        latency = reads["median_ms"]
        sizes = list(latency)
        rows.append(("8 read scaling, median ms", " / ".join(f"{int(size):,}" for size in sizes) + " articles, ratio"))
        for name, ratio in reads["ratio"].items():
            rows.append((f"  {name}", " / ".join(f"{latency[size][name]:.0f}" for size in sizes) + f", {ratio:.2f}"))
        for size, fill in reads["fills"].items():
            cached = f", cached from {fill['date']}" if fill["cached"] else ""
            rows.append(
                (
                    f"  newsflow import to {int(size):,}",
                    f"{fill['import_articles_per_s']:.0f} articles/s ({fill['imported']:,} in {fill['import_s']:.0f} s,"
                    f" batch {fill['batch_size'] or 'default'}{cached})",
                )
            )
    if e2e:
        rows.append(("6 worker peak RSS", f"{e2e['worker_peak_rss_mb']:.0f} MB (with children)"))
    return rows


def render(result: dict[str, Any]) -> str:
    info = result["machine"]
    lines = [
        f"Newsflow benchmark, {info['date']}: {info['cores']} cores ({info['cpu_model']}), Python {info['python']},"
        f" load average at start {info['load_average_at_start']}",
        "",
    ]
    rows = _rows(result["parts"])
    width = max((len(label) for label, _ in rows), default=0)
    lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
    lines += ["", "Targets"]
    width = max(len(target.label) for target in TARGETS)
    for target in TARGETS:
        checked = result["targets"][target.key]
        measured = checked["measured"]
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[checked["met"]]
        shown = "-" if measured is None else f"{measured:g}"
        lines.append(f"  {target.label.ljust(width)}  {shown:>8}  (target {target.text})  {verdict}")
    return "\n".join(lines)


def write(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
