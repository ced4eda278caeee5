"""deploy/kubernetes: both overlays render and validate (the same check as `make k8s-check`), and hold to the
project's rules: no container as root or with a writable root filesystem, no literal secret, every
Deployment probed and sized, the workers given the time their shutdown takes, clients given every broker
node, the KEDA trigger counting unacknowledged messages too.

The rule checkers are fed broken copies of the real manifests at the bottom, to show each would catch its
kind of regression.
"""

import copy
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import yaml

from devstack.workspace import ROOT
from scripts import k8s_check
from shared import topology
from shared.broker_addresses import split_addresses

Manifest = dict[str, Any]
WORKLOADS = ("Deployment", "Job")
SECRET_NAME = re.compile(r"PASS|PASSWORD|SECRET|TOKEN|API_KEYS?$|_KEY$", re.IGNORECASE)
REFERENCE = re.compile(r"^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$")
URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://(?P<user>[^:@/]*):(?P<password>[^@]*)@", re.IGNORECASE)


@cache
def rendered(overlay: str) -> tuple[Manifest, ...]:
    return tuple(k8s_check.render(overlay))


def pod_specs(objects: tuple[Manifest, ...]) -> Iterator[tuple[str, Manifest]]:
    for obj in objects:
        if obj["kind"] in WORKLOADS:
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]


def root_problems(objects: tuple[Manifest, ...]) -> list[str]:
    found = []
    for name, spec in pod_specs(objects):
        pod = spec.get("securityContext", {})
        if pod.get("runAsNonRoot") is not True or pod.get("runAsUser", 0) == 0:
            found.append(f"{name}: pod may run as root")
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            context = container.get("securityContext", {})
            if context.get("runAsUser") == 0 or context.get("runAsNonRoot") is False:
                found.append(f"{name}/{container['name']}: runs as root")
            if context.get("readOnlyRootFilesystem") is not True:
                found.append(f"{name}/{container['name']}: root filesystem writable")
            if context.get("allowPrivilegeEscalation") is not False:
                found.append(f"{name}/{container['name']}: may gain privileges")
            if "ALL" not in context.get("capabilities", {}).get("drop", []):
                found.append(f"{name}/{container['name']}: keeps capabilities")
    return found


def secret_problems(objects: tuple[Manifest, ...]) -> list[str]:
    found = [f"Secret {o['metadata']['name']} written in the manifests" for o in objects if o["kind"] == "Secret"]
    for obj in objects:
        if obj["kind"] == "ConfigMap":
            found += [f"ConfigMap {obj['metadata']['name']}: {key}" for key in obj["data"] if SECRET_NAME.search(key)]
    for name, spec in pod_specs(objects):
        for container in spec["containers"]:
            env = container.get("env", [])
            from_secrets = {e["name"] for e in env if "secretKeyRef" in e.get("valueFrom", {})}
            for variable in env:
                where = f"{name}/{container['name']}: {variable['name']}"
                value = variable.get("value")
                if value is None:
                    continue
                if SECRET_NAME.search(variable["name"]):
                    found.append(f"{where} is a literal, not a secretKeyRef")
                for address in value.split(","):
                    credentials = URL_CREDENTIALS.match(address)
                    if credentials is None:
                        continue
                    for part in ("user", "password"):
                        reference = REFERENCE.match(credentials[part])
                        if reference is None or reference[1] not in from_secrets:
                            found.append(f"{where}: URL {part} is not a reference to a Secret")
    return found


def probe_problems(objects: tuple[Manifest, ...]) -> list[str]:
    found = []
    for obj in objects:
        if obj["kind"] != "Deployment":
            continue
        for container in obj["spec"]["template"]["spec"]["containers"]:
            where = f"{obj['metadata']['name']}/{container['name']}"
            found += [f"{where}: no {probe}" for probe in ("readinessProbe", "livenessProbe") if probe not in container]
            resources = container.get("resources", {})
            found += [f"{where}: no {r} request" for r in ("cpu", "memory") if r not in resources.get("requests", {})]
            if "memory" not in resources.get("limits", {}):
                found.append(f"{where}: no memory limit")
    return found


def the(objects: tuple[Manifest, ...], kind: str, name: str) -> Manifest:
    [found] = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


@pytest.fixture(scope="module", params=k8s_check.OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> tuple[Manifest, ...]:
    return rendered(request.param)


def test_every_object_of_both_overlays_is_valid() -> None:
    checked, custom, findings = k8s_check.check()
    assert findings == []
    assert checked > 40 and custom >= 8  # both overlays, each with its four custom resources


def test_no_container_runs_as_root_or_writes_its_root_filesystem(overlay: tuple[Manifest, ...]) -> None:
    assert root_problems(overlay) == []


def test_no_secret_is_written_in_the_manifests(overlay: tuple[Manifest, ...]) -> None:
    assert secret_problems(overlay) == []
    auth = the(overlay, "TriggerAuthentication", "newsflow-rabbitmq-monitor")
    assert set(auth["spec"]) == {"secretTargetRef"}
    mongo = the(overlay, "MongoDBCommunity", "newsflow-mongodb")
    assert all("passwordSecretRef" in user for user in mongo["spec"]["users"])


def test_every_deployment_has_probes_and_resources(overlay: tuple[Manifest, ...]) -> None:
    assert probe_problems(overlay) == []
    assert {o["metadata"]["name"] for o in overlay if o["kind"] == "Deployment"} == {
        "newsflow-ingest",
        "newsflow-query",
        "newsflow-enrich",
    }


def test_workers_get_the_shutdown_time_compose_gives_them(overlay: tuple[Manifest, ...]) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grace_s = int(compose["services"]["enrich"]["stop_grace_period"].removesuffix("s"))
    enrich = the(overlay, "Deployment", "newsflow-enrich")["spec"]["template"]["spec"]
    assert enrich["terminationGracePeriodSeconds"] >= grace_s
    probe = enrich["containers"][0]["livenessProbe"]["exec"]["command"]
    assert "NEWSFLOW_HEARTBEAT_FILE" in probe[-1]


def test_clients_name_every_broker_node_and_queues_live_on_all(overlay: tuple[Manifest, ...]) -> None:
    nodes = the(overlay, "RabbitmqCluster", "newsflow-rabbitmq")["spec"]["replicas"]
    settings = the(overlay, "ConfigMap", "newsflow-settings")["data"]
    assert int(settings["NEWSFLOW_QUORUM_GROUP_SIZE"]) == nodes
    for name, spec in pod_specs(overlay):
        for container in spec["containers"]:
            for variable in container.get("env", []):
                if variable["name"] == "NEWSFLOW_RABBITMQ_URL":
                    hosts = {address.rpartition("@")[2] for address in split_addresses(variable["value"])}
                    assert len(hosts) == nodes, name


def test_workers_scale_on_the_work_queue_counting_unacknowledged_messages(overlay: tuple[Manifest, ...]) -> None:
    scaled = the(overlay, "ScaledObject", "newsflow-enrich")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "newsflow-enrich"
    [trigger] = scaled["spec"]["triggers"]
    metadata = trigger["metadata"]
    assert trigger["type"] == "rabbitmq" and metadata["queueName"] == topology.WORK_QUEUE
    # Over http (the management API) KEDA counts ready and unacknowledged messages unless told otherwise.
    assert metadata["protocol"] == "http" and metadata["mode"] == "QueueLength"
    assert metadata.get("excludeUnacknowledged", "false") == "false"
    assert trigger["authenticationRef"]["name"] == "newsflow-rabbitmq-monitor"


def test_the_setup_job_creates_the_account_keda_reads_the_queue_with(overlay: tuple[Manifest, ...]) -> None:
    auth = the(overlay, "TriggerAuthentication", "newsflow-rabbitmq-monitor")
    keda = {ref["parameter"]: (ref["name"], ref["key"]) for ref in auth["spec"]["secretTargetRef"]}
    setup = the(overlay, "Job", "newsflow-setup")["spec"]["template"]["spec"]["containers"][0]
    references = {
        variable["name"]: (ref["name"], ref["key"])
        for variable in setup["env"]
        if (ref := variable.get("valueFrom", {}).get("secretKeyRef"))
    }
    # services/setup/settings.py reads these two; the Secret must be the one KEDA authenticates with.
    assert references["NEWSFLOW_MONITOR_BROKER_USER"] == keda["username"]
    assert references["NEWSFLOW_MONITOR_BROKER_PASSWORD"] == keda["password"]


def test_each_of_our_pods_is_fenced_in_both_directions(overlay: tuple[Manifest, ...]) -> None:
    policies = [o for o in overlay if o["kind"] == "NetworkPolicy"]
    for workload in (o for o in overlay if o["kind"] in WORKLOADS):
        name = workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        own = [
            p for p in policies if p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == name
        ]
        assert own and set(own[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}, name
    deny = the(overlay, "NetworkPolicy", "newsflow-default-deny")
    [expression] = deny["spec"]["podSelector"]["matchExpressions"]
    assert set(expression["values"]) == {"ingest", "enrich", "query", "setup"}


# The checkers catch what they are for: broken copies of the real manifests.


def _with(objects: tuple[Manifest, ...], kind: str, name: str, change: Any) -> tuple[Manifest, ...]:
    broken = copy.deepcopy(list(objects))
    change(the(tuple(broken), kind, name))
    return tuple(broken)


def test_the_checks_catch_a_root_container_a_literal_secret_and_a_missing_probe() -> None:
    real = rendered("dev")

    def as_root(o: Manifest) -> None:
        o["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsUser"] = 0

    def literal_password(o: Manifest) -> None:
        env = o["spec"]["template"]["spec"]["containers"][0]["env"]
        url = next(e for e in env if e["name"] == "NEWSFLOW_RABBITMQ_URL")
        url["value"] = url["value"].replace("$(BROKER_PASSWORD)", "hunter2hunter2", 1)

    def no_probe(o: Manifest) -> None:
        del o["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]

    assert root_problems(_with(real, "Deployment", "newsflow-query", as_root))
    assert secret_problems(_with(real, "Deployment", "newsflow-ingest", literal_password))
    assert probe_problems(_with(real, "Deployment", "newsflow-enrich", no_probe))
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "stringData": {"password": "p"}}
    assert secret_problems((*real, secret))
