"""A Prometheus server of our own (Debian's `prometheus` binary) scraping local processes, with our alert rules.

The tests start one to read the pipeline as an operator would (`newsflow status` with NEWSFLOW_PROMETHEUS_URL).
"""

import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import yaml

from devstack.errors import SetupError
from devstack.ports import LOCALHOST, free_port
from devstack.workspace import ROOT

ALERT_RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
START_TIMEOUT_S = 30.0


def scrape_config(targets: Mapping[str, Sequence[str]], *, interval_s: float, rules: Path) -> dict[str, object]:
    """A configuration scraping `host:port/metrics` of each target, one job per name."""
    return {
        "global": {"scrape_interval": f"{interval_s:g}s", "evaluation_interval": f"{interval_s:g}s"},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": list(addresses)}]} for job, addresses in targets.items()
        ],
    }


@contextmanager
def prometheus_server(
    targets: Mapping[str, Sequence[str]], workdir: Path, *, interval_s: float = 1.0, rules: Path = ALERT_RULES
) -> Iterator[str]:
    """Yield the URL of a running Prometheus scraping `targets` ({job: ["host:port", ...]}); stopped afterwards."""
    exe = shutil.which("prometheus")
    if exe is None:
        raise SetupError("prometheus is not installed: `apt-get install prometheus` (Debian) provides it")
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "prometheus.yml"
    config.write_text(yaml.safe_dump(scrape_config(targets, interval_s=interval_s, rules=rules)))
    port = free_port()
    url = f"http://{LOCALHOST}:{port}"
    command = [
        exe,
        f"--config.file={config}",
        f"--storage.tsdb.path={workdir / 'data'}",
        f"--web.listen-address={LOCALHOST}:{port}",
    ]
    with open(workdir / "prometheus.log", "ab") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise SetupError(f"prometheus exited with {proc.returncode}; see {workdir / 'prometheus.log'}")
            try:
                if httpx.get(f"{url}/-/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SetupError(f"prometheus not ready after {START_TIMEOUT_S:g} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
