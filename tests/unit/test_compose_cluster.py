"""The cluster overrides: docker-compose.cluster.yml (three RabbitMQ nodes) and docker-compose.replica-set.yml
(three MongoDB members). Valid Compose Spec on their own and merged over docker-compose.yml, as hardened as
the base file, and consistent: the nodes the brokers' peer discovery lists are the nodes the clients are
given, every queue is declared on all of them, every member is in the replica set and in the connection
strings. `docker-compose config` accepts each combination where it is installed.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev group
import pytest
import yaml

from devstack.workspace import ROOT
from shared.broker_addresses import split_addresses
from tests.unit.test_compose import (
    LOCAL_OVERRIDE,
    dockerfiles,
    environment_of,
    hardening_problems,
    load_compose,
    merge,
    url_credentials,
)

CLUSTER = ROOT / "docker-compose.cluster.yml"
REPLICA_SET = ROOT / "docker-compose.replica-set.yml"
CLUSTER_CONF = ROOT / "docker" / "rabbitmq" / "30-cluster.conf"
NODES = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")
MEMBERS = ("mongo", "mongo-2", "mongo-3")
BROKER_CLIENTS = ("setup", "ingest", "enrich")
DATABASE_CLIENTS = ("setup", "ingest", "enrich", "query")
VARIABLE_ONLY = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:\?[^}]*)?\}$")
VARIABLE_NAME = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*")


def variable_names(parts: tuple[str, ...]) -> list[str]:
    return [match[0] if (match := VARIABLE_NAME.match(part)) else part for part in parts]


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    from tests.unit.test_compose import SCHEMA

    return jsonschema.Draft7Validator(yaml.safe_load(SCHEMA.read_text()))


@pytest.mark.parametrize("path", [CLUSTER, REPLICA_SET], ids=lambda p: p.name)
def test_each_override_is_valid_compose_spec_alone_and_merged(
    validator: jsonschema.Draft7Validator, path: Path
) -> None:
    assert [e.message for e in validator.iter_errors(load(path))] == []
    assert [e.message for e in validator.iter_errors(merge(load_compose(), load(path)))] == []


def test_the_cluster_is_as_hardened_as_the_base_file() -> None:
    merged = merge(merge(load_compose(), yaml.safe_load(LOCAL_OVERRIDE.read_text())), load(CLUSTER))
    assert hardening_problems(merged, dockerfiles()) == []
    for node in NODES:
        service = merged["services"][node]
        assert service["user"] == "999:999" and "ALL" in service["cap_drop"], node
        assert "no-new-privileges:true" in service["security_opt"], node


def test_every_node_is_listed_by_peer_discovery_and_shares_the_cookie_file() -> None:
    services = load(CLUSTER)["services"]
    listed = re.findall(
        r"^cluster_formation\.classic_config\.nodes\.\d+ = rabbit@(\S+)$", CLUSTER_CONF.read_text(), re.M
    )
    assert tuple(listed) == NODES
    assert "peer_discovery_backend = classic_config" in CLUSTER_CONF.read_text()
    data_volumes = set()
    for node in NODES:
        service = services[node]
        assert service["hostname"] == node
        assert service["secrets"] == ["erlang_cookie"]
        assert "/run/secrets/erlang_cookie /var/lib/rabbitmq/.erlang.cookie" in service["entrypoint"][2]
        mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in service["volumes"]}
        assert mounts["/etc/rabbitmq/conf.d/30-cluster.conf"] == "./docker/rabbitmq/30-cluster.conf"
        data_volumes.add(mounts["/var/lib/rabbitmq"])
    assert len(data_volumes) == len(NODES)  # each node its own data
    assert load(CLUSTER)["secrets"]["erlang_cookie"]["file"].endswith("/erlang.cookie")


def test_clients_are_given_every_node_and_queues_live_on_all() -> None:
    merged = merge(load_compose(), load(CLUSTER))
    base = load_compose()["services"]
    for client in BROKER_CLIENTS:
        env = environment_of(merged["services"][client])
        addresses = split_addresses(env["NEWSFLOW_RABBITMQ_URL"])
        assert [a.rpartition("@")[2] for a in addresses] == [f"{node}:5672/" for node in NODES], client
        # The same account as in the base file, from .env, on every address.
        account = url_credentials(environment_of(base[client])["NEWSFLOW_RABBITMQ_URL"])
        for address in addresses:
            credentials = url_credentials(address)
            assert all(VARIABLE_ONLY.match(part) for part in credentials), client
            assert variable_names(credentials) == variable_names(account), client
        depends = merged["services"][client]["depends_on"]
        assert all(depends[node]["condition"] == "service_healthy" for node in NODES), client
    assert environment_of(merged["services"]["setup"])["NEWSFLOW_QUORUM_GROUP_SIZE"] == str(len(NODES))


def test_the_replica_set_names_every_member_and_reads_from_the_primary() -> None:
    override = load(REPLICA_SET)
    merged = merge(load_compose(), override)
    services = merged["services"]
    initiate = " ".join(services["mongo-init"]["command"])
    assert re.findall(r'host: "([a-z0-9-]+):27017"', initiate) == list(MEMBERS)
    for member in MEMBERS:
        command = services[member]["command"]
        assert command[command.index("--replSet") + 1] == "rs0", member
        assert services[member]["secrets"] == ["mongo_keyfile"], member
        assert services[member]["user"] == "999:999", member
    # Only the first member creates users at first start; the others must start empty to join.
    assert all(not any(k.startswith("MONGO_INITDB") for k in environment_of(services[m])) for m in MEMBERS[1:])
    for client in DATABASE_CLIENTS:
        url = environment_of(services[client])["NEWSFLOW_MONGODB_URL"]
        hosts = url.split("@", 1)[1].split("/")[0].split(",")
        assert hosts == [f"{member}:27017" for member in MEMBERS], client
        options = parse_qs(url.split("?", 1)[1])
        assert options["replicaSet"] == ["rs0"] and options["readPreference"] == ["primary"], client
        assert options.get("retryWrites", ["true"]) == ["true"], client
        assert services[client]["depends_on"]["mongo-init"]["condition"] == "service_completed_successfully"


def test_cluster_secrets_are_written_from_env_as_files(tmp_path: Path) -> None:
    from scripts.cluster_secrets import SECRET_FILES, main
    from scripts.make_env import main as make_env

    env = tmp_path / ".env"
    assert make_env(["--output", str(env)]) == 0
    assert main(["--env", str(env), "--output", str(tmp_path / "cluster")]) == 0
    values = dict(line.split("=", 1) for line in env.read_text().splitlines() if "=" in line and line[0] != "#")
    for name, file_name in SECRET_FILES.items():
        written = (tmp_path / "cluster" / file_name).read_text()
        assert written == values[name] and re.fullmatch(r"[0-9a-f]{64}", written), name  # a keyFile takes base64
    assert (tmp_path / "cluster").stat().st_mode & 0o077 == 0


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
@pytest.mark.parametrize(
    "files",
    [
        ("docker-compose.yml", "docker-compose.cluster.yml"),
        ("docker-compose.yml", "compose.local.yml", "docker-compose.cluster.yml"),
        ("docker-compose.yml", "docker-compose.replica-set.yml"),
        ("docker-compose.yml", "docker-compose.cluster.yml", "docker-compose.replica-set.yml"),
    ],
    ids=lambda files: "+".join(Path(f).stem.removeprefix("docker-compose.") for f in files),
)
def test_docker_compose_accepts_each_combination(tmp_path: Path, files: tuple[str, ...]) -> None:
    from scripts.cluster_secrets import main
    from scripts.make_env import main as make_env

    env = tmp_path / ".env"
    make_env(["--output", str(env)])
    main(["--env", str(env), "--output", str(tmp_path / "cluster")])
    command = ["docker-compose", "--env-file", str(env), *(arg for f in files for arg in ("-f", f)), "config", "-q"]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "NEWSFLOW_CLUSTER_SECRETS": str(tmp_path / "cluster")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
