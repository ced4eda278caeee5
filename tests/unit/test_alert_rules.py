"""The shipped alert rules: valid for Prometheus, each one seen firing on a series made for it, and written
against metrics the services really export.

`promtool` comes with Debian's `prometheus` package (.ci/run installs it); without it these tests fail rather
than skip, so the rules are never shipped unchecked.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

from devstack.workspace import ROOT

RULES_DIR = ROOT / "deploy" / "prometheus"
RULES = RULES_DIR / "alerts.yml"
RULE_TESTS = RULES_DIR / "alerts.test.yml"
METRIC = re.compile(r"\bnewsflow_[a-z_]+")
# Each module that defines metrics, so the registry holds every name the services export.
METRIC_MODULES = (
    "shared.http.metrics",
    "services.ingest.metrics",
    "services.ingest.queue_depths",
    "services.query.document_counts",
    "services.enrich.metrics",
)


def _promtool(*args: str, cwd: Path = RULES_DIR) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("promtool")
    if exe is None:
        pytest.fail("promtool is not installed: `apt-get install prometheus` (Debian) provides it")
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _alerts() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_promtool_accepts_the_rules() -> None:
    checked = _promtool("check", "rules", RULES.name)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(_alerts())} rules found" in checked.stdout


def test_every_alert_test_passes() -> None:
    tested = _promtool("test", "rules", RULE_TESTS.name)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_series_that_fires_it_and_one_that_does_not() -> None:
    cases = [case for test in yaml.safe_load(RULE_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    fired = {case["alertname"] for case in cases if case["exp_alerts"]}
    quiet = {case["alertname"] for case in cases if not case["exp_alerts"]}
    names = {rule["alert"] for rule in _alerts()}
    assert names == fired
    assert names == quiet


def test_the_rules_use_only_metrics_the_services_export() -> None:
    for module in METRIC_MODULES:
        __import__(module)
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    exported = {family.name + end for family in REGISTRY.collect() for end in suffixes.get(family.type, ())}
    used = {name for rule in _alerts() for name in METRIC.findall(rule["expr"])}
    assert used, "no newsflow_ metric in the rules"
    assert used <= exported, used - exported
