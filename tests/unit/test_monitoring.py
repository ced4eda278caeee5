"""Compose's `monitoring` profile: Prometheus scrapes every process where it really serves its metrics, finds
each worker replica by DNS, loads the alert rules, and is reachable from this machine only."""

import shutil
import subprocess
from typing import Any

import pytest
import yaml

from devstack.workspace import ROOT
from services.enrich.settings import WorkerSettings
from services.ingest.settings import IngestSettings
from services.query.settings import QuerySettings
from tests.unit.test_compose import environment_of, load_compose, published_ports

CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"


def _jobs() -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in yaml.safe_load(CONFIG.read_text())["scrape_configs"]}


def _prometheus() -> dict[str, Any]:
    service: dict[str, Any] = load_compose()["services"]["prometheus"]
    return service


def test_promtool_accepts_the_configuration_and_its_rules() -> None:
    exe = shutil.which("promtool")
    if exe is None:
        pytest.fail("promtool is not installed: `apt-get install prometheus` (Debian) provides it")
    checked = subprocess.run([exe, "check", "config", CONFIG.name], cwd=CONFIG.parent, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 6 rules found" in checked.stdout


@pytest.mark.parametrize(
    ("job", "service", "port"),
    [
        ("newsflow-ingest", "ingest", IngestSettings.model_fields["port"].default),
        ("newsflow-query", "query", QuerySettings.model_fields["port"].default),
    ],
)
def test_http_services_are_scraped_on_their_own_port_by_dns(job: str, service: str, port: int) -> None:
    [discovery] = _jobs()[job]["dns_sd_configs"]
    assert discovery == {"names": [service], "type": "A", "port": port, "refresh_interval": "10s"}
    assert "NEWSFLOW_PORT" not in environment_of(load_compose()["services"][service])


def test_every_worker_replica_is_a_target_on_the_port_compose_gives_it() -> None:
    enrich = environment_of(load_compose()["services"]["enrich"])
    [discovery] = _jobs()["newsflow-enrich"]["dns_sd_configs"]
    assert discovery["names"] == ["enrich"] and discovery["type"] == "A"  # one address per replica
    assert discovery["port"] == int(enrich["NEWSFLOW_METRICS_PORT"])
    assert enrich["NEWSFLOW_METRICS_HOST"] == "0.0.0.0"  # inside the compose network; no port is published
    assert WorkerSettings.model_fields["metrics_host"].default == "127.0.0.1"
    assert not published_ports(load_compose()["services"]["enrich"])


def test_the_broker_exports_its_own_metrics_per_queue() -> None:
    job = _jobs()["rabbitmq"]
    assert job["metrics_path"] == "/metrics/per-object"
    assert job["static_configs"] == [{"targets": ["rabbitmq:15692"]}]
    plugins = (ROOT / "docker" / "rabbitmq" / "enabled_plugins").read_text()
    assert "rabbitmq_prometheus" in plugins
    mounts = load_compose()["services"]["rabbitmq"]["volumes"]
    assert "./docker/rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro" in mounts
    # The local stand-in enables the same plugins.
    assert "rabbitmq_prometheus" in (ROOT / "scripts" / "build-local-images.sh").read_text()


def test_prometheus_is_opt_in_official_and_published_on_loopback_only() -> None:
    prometheus = _prometheus()
    assert prometheus["profiles"] == ["monitoring"]
    assert prometheus["image"].startswith("prom/prometheus:")
    assert prometheus["ports"] == ["127.0.0.1:${NEWSFLOW_PROMETHEUS_PORT:-9090}:9090"]
    assert prometheus["read_only"] is True and prometheus["cap_drop"] == ["ALL"]
    assert prometheus["user"] != "0" and not prometheus["user"].startswith("0:")
    mounts = prometheus["volumes"]
    assert "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in mounts
    assert "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in mounts
    local = yaml.safe_load((ROOT / "compose.local.yml").read_text())["services"]["prometheus"]
    assert local == {"image": "newsflow-local/prometheus:2"}
